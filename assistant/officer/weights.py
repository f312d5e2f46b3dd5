"""Every hand-set weight, threshold and budget of the officer tools, in one place.

Each field says what it trades. No eval scores the case finder, the self-assessment or the pack
yet (``evals/datasets/all.jsonl`` asks questions only): these values were set by hand and are
pinned by ``tests/assistant/officer/test_officer.py`` (which council ranks first for a query,
filters, quotes, weak areas). Change one, rerun those tests and the full eval (the pack asks a
question through the Assistant), and say what moved.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CaseWeights:
    """The case-study finder (``cases.find_cases``).

    With a query, a council scores ``passage * cosine + sentence * cosine`` of its best passage
    (plus a little per passage naming it); without one, by the number of passages naming it.
    """

    candidates: int = 120  # passages (dense and keyword) searched for councils: recall vs time
    keyword: float = 0.15  # keyword score (share of the best) added to a passage's cosine
    # Blend of a passage's relevance with its sentence naming the council, so a page naming ten
    # councils does not rank all ten alike. Same values as ``suggestions.weights.PeerWeights``
    # (set there for peers by the full eval), held here so peer tuning does not move the finder.
    passage: float = 0.45
    sentence: float = 0.55
    rescore: int = 3  # passages per council whose naming sentence is embedded: quality vs time
    evidence: float = 0.02  # with a query: a little per distinct passage naming the council...
    evidence_cap: int = 5  # ...counting at most this many, so relevance still decides
    no_query_relevance: float = 1.0  # no query: every passage, case study or not, counts the same
    summary_bonus: float = 0.5  # without a query: a catalogue summary counts half a passage
    quotes: int = 3  # citations kept per council: evidence vs length of the list


@dataclass(frozen=True, slots=True)
class AssessmentWeights:
    """The self-assessment (``assessment.weakest_areas``)."""

    # A rating at or below this is weak: every such area gets its own advice, not only the
    # lowest (an area rated 2 beside one rated 1 deserves more than a next step). 2 is "some
    # progress" on the 1-5 scale the form explains.
    weak_rating: int = 2
    max_weak_areas: int = 5  # areas advised on (each costs one retrieval): the five TIEx areas


@dataclass(frozen=True, slots=True)
class PackWeights:
    """The evidence pack (``tools.OfficerTools.pack``)."""

    case_ratio: float = 0.75  # added case studies score at least this share of the best one


@dataclass(frozen=True, slots=True)
class OfficerWeights:
    """All of the officer tools' tuning numbers (one frozen value, passed to ``OfficerTools``)."""

    cases: CaseWeights = CaseWeights()
    assessment: AssessmentWeights = AssessmentWeights()
    pack: PackWeights = PackWeights()


WEIGHTS = OfficerWeights()
