"""Follow-up rewrite: turn "What does it measure?" into a standalone question before retrieval.

Deterministic (the offline default): first ``followup.resolve`` spells out the references to
the people, councils, programmes and list items of earlier user and assistant turns ("she",
"they", "that council", "the fifth one"...). When it finds none and the question is still a
follow-up (a pronoun such as it / they / this, a "what about X?", or a very short question with
no named entity of its own), the entities (council names from the gazetteer, else capitalised multi-word spans) and the topic
(the noun phrase the last user turn asked about) are carried into it. Non-follow-ups pass
unchanged. ``rewrite_with_model`` is the optional LLM rewrite used when a chat model is set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.knowledge.gazetteer import mention_surfaces
from assistant.ports import ChatMessage, ChatModel
from assistant.retrieval.followup import ABOUT_TOPIC, plural_before
from assistant.retrieval.followup import resolve as resolve_references
from assistant.text.terms import content_terms
from assistant.types import Turn

PROMPT_PATH = Path(__file__).parent / "prompts" / "rewrite.txt"

_PRONOUNS_THING = {"it", "its", "this", "that", "these", "those"}
_PRONOUNS_AGENT = {"they", "them", "their", "theirs", "he", "she", "his", "her"}
# Words that point back at the conversation ("what happens next", "the capacity one").
_CUES = {"next", "afterwards", "else", "one", "ones", "further", "instead"}
# After "this"/"that"/"these"/"those", these words mean a pronoun ("does this work?"), anything
# else a determiner ("this programme").
_VERBS_AFTER = {
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "does",
    "do",
    "did",
    "has",
    "have",
    "had",
    "can",
    "could",
    "will",
    "would",
    "should",
    "may",
    "might",
    "mean",
    "means",
    "work",
    "works",
    "cost",
    "costs",
    "help",
    "helps",
    "involve",
    "involves",
    "include",
    "includes",
    "measure",
    "measures",
    "apply",
    "applies",
}
_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<x>.+?)\s*[?.!]*\s*$", re.I)
_AND_ASKS = re.compile(
    r"^\s*and\s+(?:what|who|how|when|where|which|why|is|are|was|were|did|does|do|can|could)\b",
    re.I,
)
_AND_X = re.compile(r"^\s*and\s+(?P<x>(?:for\s+|in\s+)?[A-Z].*?)\s*[?.!]*\s*$")
# "Tell me about X", "What is X (for)?", "Describe X"...: X is the topic of the turn.
_TOPIC_LEAD = re.compile(
    r"^\s*(?:(?:can|could)\s+you\s+)?(?:please\s+)?"
    r"(?:tell\s+me\s+(?:more\s+)?about|what\s+(?:is|are|was|were)|who\s+(?:is|are|was|were)|"
    r"describe|explain|summari[sz]e|give\s+me\s+an?\s+(?:overview|summary)\s+of|"
    r"what\s+do\s+you\s+know\s+about|i\s+want\s+to\s+know\s+about|information\s+(?:on|about))"
    r"\s+(?P<x>.+?)\s*[?.!]*\s*$",
    re.I,
)
_ASKS_WHO = re.compile(
    r"^\s*(?:which|who|what)\s+(?:councils?|local authorit(?:y|ies)|authorit(?:y|ies))\b|^\s*who\b",
    re.I,
)
_TRAILING_PREP = re.compile(r"\s+(?:for|about|like|on|of|to)\s*$", re.I)
_QUESTION_WORDS = {
    "what",
    "which",
    "who",
    "when",
    "where",
    "why",
    "how",
    "tell",
    "is",
    "are",
    "do",
    "does",
    "did",
    "can",
    "could",
    "should",
    "would",
    "will",
    "give",
    "show",
    "list",
    "describe",
    "explain",
    "and",
    "any",
    "please",
    "the",
    "a",
    "an",
    "in",
    "for",
}
_CAP_WORD = r"(?:\b[A-Z][\w'’&-]*|[A-Z]{2,})"
_CAP_SPAN = re.compile(
    rf"{_CAP_WORD}(?:\s+(?:and|of|the|for|upon|on|in|under|-)\s+{_CAP_WORD}|\s+{_CAP_WORD})*"
)
_OWN_COUNCIL = re.compile(r"\b(?:this|these|my|our)\s+(?:councils?|authorit(?:y|ies))\b", re.I)
_WORDS = re.compile(r"[\w'’-]+")
SHORT_WORDS = 4


def _find_councils(text: str) -> list[str]:
    """Council names in ``text``, as written there (the gazetteer's surface forms)."""
    return mention_surfaces(text)


def find_entities(text: str, *, councils: Callable[[str], list[str]] = _find_councils) -> list[str]:
    """Named entities in ``text``: councils first, then capitalised spans (not a sentence start
    alone, not a question word), longest first, without repeats."""
    entities: list[str] = []
    for council in councils(text):
        if council not in entities:
            entities.append(council)
    for match in _CAP_SPAN.finditer(text):
        span = match.group(0).strip(" -")
        words = span.split()
        while words and words[0].lower() in _QUESTION_WORDS:
            words = words[1:]
        if not words:
            continue
        span = " ".join(words)
        at_start = match.start() == 0 or text[: match.start()].rstrip().endswith((".", "?", "!"))
        single = len(words) == 1
        if single and (at_start and not words[0].isupper()) or span in ("I",):
            continue
        span = re.sub(r"['’]s$", "", span)
        if not any(span.lower() in e.lower() for e in entities):
            entities.append(span)
    return entities


def topic_phrase(question: str) -> str | None:
    """The noun phrase a question asks about ("Tell me about X" -> X), or None if unclear."""
    match = _TOPIC_LEAD.match(question)
    if match:
        phrase = _TRAILING_PREP.sub("", match.group("x").strip())
        if 0 < len(phrase.split()) <= 10:
            return phrase
    about = ABOUT_TOPIC.search(question)  # "... about X?": X, when no leading pattern names it
    if about and 0 < len(about.group("x").split()) <= 6:
        return about.group("x").strip()
    return None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


def is_follow_up(question: str, *, has_history: bool = True) -> bool:
    """Whether ``question`` leans on an earlier turn (pronoun, "what about", very short)."""
    if not has_history:
        return False
    if _WHAT_ABOUT.match(question) or _AND_X.match(question):
        return True
    if _AND_ASKS.match(question) and not find_entities(question):
        return True  # "and what's the vice chair's job?": goes on from the last answer
    # "this council" is the asker's own council, not a reference back.
    words = _words(_OWN_COUNCIL.sub(" ", question))
    own_entity = bool(find_entities(question))
    if any(w in _PRONOUNS_THING or w in _PRONOUNS_AGENT for w in words):
        # A long question naming its own subject usually resolves its own pronouns - but the
        # object of that subject's own verb is something else ("is the LGA delivering them").
        return not (own_entity and len(words) >= 8) or _object_of_own_subject(question)
    if any(w in _CUES for w in words) or _ORDINAL_EVENT.search(question):
        return not own_entity
    return len(words) <= SHORT_WORDS and not own_entity


# "before the first session", "at the last meeting": a part of something the question does not
# name, so of what the conversation was about.
_ORDINAL_EVENT = re.compile(
    r"\bthe\s+(?:first|second|third|last|next|final|opening|closing)\s+(?:session|meeting|"
    r"workshop|event|round|phase|stage|step|day|module|cohort)s?\b"
    r"(?!\s+(?:of|for|in|at|on|when|where)\b)",  # "the first step for a council ...": named
    re.I,
)


def _object_of_own_subject(question: str) -> bool:
    """Does a pronoun stand as the object of a verb whose subject the question names itself
    ("Who is the LGA delivering them with?")? That pronoun points back to an earlier turn."""
    return any(
        re.search(
            rf"{re.escape(entity)}\s+(?:[a-z]+\s+)?[a-z]+(?:ing|ed|s)\s+(?:them|it)\b", question
        )
        for entity in find_entities(question)
    )


def _last_user_question(history: Sequence[Turn]) -> str | None:
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip():
            return turn.content.strip()
    return None


_AND_THING = re.compile(r"^\s*and\s+(?P<x>(?:the|their|its|his|her)\s+[^?.!]+?)\s*[?.!]*\s*$", re.I)


def added_topic(question: str) -> str | None:
    """What a "what about X?" / "and X?" / "and the X there?" follow-up brings to the
    conversation (X), or None for any other question."""
    if _AND_ASKS.match(question):
        return None
    m = _WHAT_ABOUT.match(question) or _AND_X.match(question) or _AND_THING.match(question)
    return m.group("x") if m else None


def in_context(question: str, history: Sequence[Turn]) -> str | None:
    """``question`` after the conversation's last question ("tell me about Digital Cornwall?
    how much did the second phase cost?"), for a follow-up the rewrite left as it was and the
    sources could not answer alone; None without an earlier question."""
    if _last_user_question(history) is None:
        return None
    previous, _, _ = _context(history)
    return f"{_strip_end(previous)}? {question.strip()}" if previous else None


# Words a follow-up points with, not what it asks about ("the second one", "the last one").
_POINTING_WORDS = frozenset(
    content_terms(
        "first second third fourth fifth sixth seventh eighth ninth tenth last next previous "
        "other another one ones more else"
    )
)


def own_words_found(question: str, texts: Sequence[str], share: float = 0.5) -> bool:
    """Do ``texts`` hold at least ``share`` of ``question``'s own content words? (The earlier
    question's words must not carry an answer to a follow-up about something else.) True for
    a question without content words of its own ("the second one?")."""
    words = content_terms(question) - _POINTING_WORDS
    if not words:
        return True
    found: set[str] = set()
    for text in texts:
        found |= content_terms(text)
    return len(words & found) >= share * len(words)


def _strip_end(text: str) -> str:
    return text.strip().rstrip("?.! ").strip()


def _possessive(phrase: str) -> str:
    return phrase + ("'" if phrase.endswith("s") and not phrase[-2:].isupper() else "'s")


def _context(history: Sequence[Turn]) -> tuple[str, list[str], str | None]:
    """(question, entities, topic) of the last user turn; a turn that was itself a follow-up is resolved
    first and inherits the topic of the turn it followed."""
    turns = list(history)
    users = [i for i, t in enumerate(turns) if t.role == "user" and t.content.strip()]
    if not users:
        return "", [], None
    idx = users[-1]
    previous = turns[idx].content.strip()
    earlier = turns[:idx]
    inherited: str | None = None
    if _last_user_question(earlier) is not None and is_follow_up(previous):
        previous = rewrite_question(previous, earlier)
        inherited = _context(earlier)[2]
    entities = find_entities(previous)
    if _ASKS_WHO.match(previous):
        # "Which council...?": the council is named in the reply, not in the question.
        replies = [t.content for t in turns[idx + 1 :] if t.role == "assistant"]
        named = _find_councils(replies[0]) if replies else []
        entities = named[:1] + [e for e in entities if e not in named[:1]]
    return previous, entities, topic_phrase(previous) or inherited


_THEY = re.compile(r"\b(?:they|them|their)\b", re.I)
# "the productivity plans", "its savings targets": a plural noun phrase after a determiner.
_PLURAL_PHRASE = re.compile(
    r"\b(?:the|its|their|those|these)\s+(?:[a-z-]+\s+){0,2}?(?P<head>[a-z-]{3,}[^su\W]s)\b"
)


def _other_plural(previous: str, agent: str) -> bool:
    """Does ``previous`` name a plural thing ("the productivity plans") besides ``agent``, a
    singular name, that "they" / "them" could point at instead?"""
    if agent.lower().endswith("s"):
        return False
    rest = previous.replace(agent, " ")
    return bool(_PLURAL_PHRASE.search(rest))


def rewrite_question(question: str, history: Sequence[Turn]) -> str:
    """A standalone version of ``question`` given the conversation so far (deterministic).

    The previous user turn supplies the entities and topic; a question that is not a follow-up
    is returned unchanged.
    """
    previous = _last_user_question(history)
    if previous is None:
        return question
    follow_up = is_follow_up(question)
    if not (_WHAT_ABOUT.match(question) or _AND_X.match(question)):
        # People, councils, programmes and list items of the earlier turns (followup.py).
        resolved = resolve_references(question, history, pronouns=follow_up)
        if resolved is not None:
            return resolved
    if not follow_up:
        return question
    previous, prev_entities, topic = _context(history)
    context_fallback = f"{_strip_end(previous)}? {question.strip()}"

    what_about = _WHAT_ABOUT.match(question) or _AND_X.match(question)
    if what_about:
        new = _strip_end(what_about.group("x"))
        new_entities = find_entities(new) or ([new] if new[:1].isupper() else [])
        if prev_entities and new_entities:
            old = prev_entities[0]
            pattern = re.compile(re.escape(old) + r"(?:['’]s)?", re.I)
            if pattern.search(previous):
                return pattern.sub(lambda m: new + m.group(0)[len(old) :], previous, count=1)
        return f"{_strip_end(previous)}: what about {new}?"

    agent = prev_entities[0] if prev_entities else topic
    thing = topic or (prev_entities[-1] if len(prev_entities) > 1 else None) or agent
    if agent and _THEY.search(question) and _other_plural(previous, agent):
        # "Did the Transformation Network discuss the productivity plans? What did members
        # share about them?": "them" may be the plans, not the network - keep both in view.
        return context_fallback
    words = question.split()
    out: list[str] = []
    done: set[str] = set()  # replaced referents: each is written once
    skip = False
    for i, raw in enumerate(words):
        if skip:
            skip = False
            continue
        core = re.sub(r"^\W+|\W+$", "", raw)
        lower = core.lower()
        lead = raw[: raw.find(core)] if core else ""
        tail = raw[raw.find(core) + len(core) :] if core else raw
        nxt_raw = words[i + 1] if i + 1 < len(words) else ""
        nxt = re.sub(r"\W+", "", nxt_raw).lower()
        sub: str | None = None
        if core:
            if lower in ("he", "she", "him", "his", "her"):
                sub = None  # a person: never a council or a programme (followup.py names them)
            elif lower in ("they", "them") and plural_before(" ".join(words[:i])):
                sub = None  # "how many groups were there, and how often did they meet?"
            elif lower in ("it", "they", "them"):
                sub = thing if lower == "it" else agent
            elif lower in ("its", "their"):
                target = thing if lower == "its" else agent
                sub = _possessive(target) if target else None
            elif lower in ("this", "that", "these", "those"):
                prev_word = words[i - 1].lower() if i else ""
                if nxt and topic and topic.lower().rstrip("s").endswith(nxt.rstrip("s")):
                    # "this programme" after "What is the Sector Support Programme?"
                    sub, skip = topic, True
                    tail = nxt_raw[len(nxt_raw.rstrip("?.!,;:")) :]
                elif (
                    not nxt or nxt in _VERBS_AFTER or nxt.endswith("ed") or i == len(words) - 1
                ) and (lower != "that" or prev_word not in ("said", "say", "true", "mean", "so")):
                    sub = thing
        if sub and sub not in done:
            out.append(lead + sub + tail)
            done.add(sub)
        else:
            skip = False
            out.append(raw)
    rewritten = " ".join(out)
    if done:
        # Entities the replacement did not bring (e.g. the council behind "it") are appended.
        missing = [e for e in prev_entities if e.lower() not in rewritten.lower()]
        if missing and not find_entities(question):
            rewritten = f"{_strip_end(rewritten)} ({', '.join(missing)})?"
        return rewritten[0].upper() + rewritten[1:]
    if topic:
        # Short, determiner or pronoun-free follow-up: carry the topic as context.
        return f"{_strip_end(question)}: {topic}?"
    return context_fallback


def rewrite_with_model(
    question: str, history: Sequence[Turn], chat_model: ChatModel, *, max_turns: int = 6
) -> str:
    """Ask ``chat_model`` for a standalone question; falls back to the deterministic rewrite
    when the reply is empty or implausibly long."""
    if not _last_user_question(history) or not is_follow_up(question):
        return question
    template = PROMPT_PATH.read_text(encoding="utf-8")
    convo = "\n".join(f"{t.role}: {t.content.strip()}" for t in list(history)[-max_turns:])
    prompt = template.format(history=convo, question=question)
    reply = chat_model.generate([ChatMessage(role="user", content=prompt)]).strip()
    reply = reply.splitlines()[0].strip().strip('"') if reply else ""
    if not reply or len(reply) > max(300, 3 * len(question)):
        return rewrite_question(question, history)
    return reply
