"""What the answerer produces, and the refusal draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.guardrails.scope import refusal_text
from assistant.types import Citation, Hit

NOT_IN_SOURCES = "NOT_IN_SOURCES"
WEAK_EVIDENCE_REASON = "I couldn't find enough in the sources I have to answer that reliably."
NO_SOURCES_REASON = "I couldn't find anything in the sources I have about that."


@dataclass(frozen=True, slots=True)
class Draft:
    """What the answerer produces; the Assistant adds retrieval, suggestions and timings.

    ``citations`` are numbered 1..n in order of first appearance in ``text``; each quote is the
    verbatim sentence(s) of its chunk (whitespace folded) that support the text citing it.
    ``evidence`` is the score compared with the refusal threshold. ``priority`` holds the
    answer's sentences most relevant first (as picked), for a later step that must shorten it.
    """

    text: str
    citations: tuple[Citation, ...]
    refused: bool
    refusal_reason: str | None
    evidence: float
    priority: tuple[str, ...] = ()


def refusal(reason: str, *, evidence: float) -> Draft:
    """A refusal draft: the plain "I can't answer that" text with its reason."""
    return Draft(refusal_text(reason), (), True, reason, evidence)


def related_material(hits: Sequence[Hit]) -> str:
    """ " They do cover related material in “A” and “B”." for the top passages' documents (empty
    without titles): what a refusal about a missing figure or name offers instead."""
    titles = [
        f"\u201c{t}\u201d" for t in dict.fromkeys(h.chunk.title for h in hits[:3] if h.chunk.title)
    ]
    if not titles:
        return ""
    return f" They do cover related material in {' and '.join(titles[:2])}."
