"""Every hand-set weight, threshold and budget of the suggestions, in one place.

Each field says what it trades. The values were set by hand and kept because the full eval
(``lga-assistant eval run --dataset evals/datasets/all.jsonl``: peer recall, resource recall,
invented councils) did not improve when they moved; change one, rerun it, ``eval compare``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PeerWeights:
    """Peer councils (``peers.py``). Score = passage * cosine + sentence * cosine + bonuses."""

    max_peers: int = 3  # shown per answer: enough to compare, few enough to read
    candidates: int = 20  # extra dense passages searched for council mentions: recall vs time
    passages_per_council: int = 2  # a council's passages whose naming sentence is embedded
    passage: float = 0.45  # the passage's cosine to the question: is it about this topic...
    sentence: float = 0.55  # ...vs the naming sentence's: did this council do the thing asked
    cited_bonus: float = 0.04  # the answer cites the passage: consistent with the answer
    hit_bonus: float = 0.02  # retrieval returned it (but the answer did not cite it)
    relative_floor: float = 0.6  # keep peers scoring at least this share of the best one


@dataclass(frozen=True, slots=True)
class ResourceWeights:
    """LGA resources (``resources.py``). Score = cosine + theme overlap + named bonus."""

    max_resources: int = 3
    theme: float = 0.15  # times the strongest weight of the resource's themes in the context
    named_cited: float = 0.15  # a passage the answer cites names the resource
    named_top: float = 0.08  # one of the top hits names it (weaker: not used in the answer)
    named_top_hits: int = 3  # how many top hits count for ``named_top``
    relative_floor: float = 0.6  # keep resources scoring at least this share of the best one
    pointers: int = 2  # resources pointed to when a question is refused


@dataclass(frozen=True, slots=True)
class StepWeights:
    """Framework next steps (``next_steps.py``). Score = cosine + theme support + nudge."""

    min_steps: int = 2  # always offer this many when the catalogue can cite them...
    max_steps: int = 4  # ...and never more than this
    theme: float = 0.2  # theme support from the question and hits vs the plain cosine
    audience: float = 0.03  # nudge councillor-only frameworks up for councillors, down for officers
    relative_floor: float = 0.8  # beyond ``min_steps``, keep steps within this share of the best
    per_framework: int = 2  # at most this many steps from one framework: variety vs fit


@dataclass(frozen=True, slots=True)
class ContextWeights:
    """The theme context every part scores against (``sources.context_themes``)."""

    hits: int = 8  # hits whose theme tags count
    hit_decay: float = 0.5  # a hit's tags count this much over its rank (1/rank decay)
    question: float = 1.0  # the question's own tags count this much (more than any hit)
    why_max_chars: int = 320  # a ``why`` quote is trimmed to about this many characters


@dataclass(frozen=True, slots=True)
class SuggestionWeights:
    """All of the suggestions' tuning numbers (one frozen value, passed to the suggester)."""

    peers: PeerWeights = PeerWeights()
    resources: ResourceWeights = ResourceWeights()
    steps: StepWeights = StepWeights()
    context: ContextWeights = ContextWeights()


WEIGHTS = SuggestionWeights()
