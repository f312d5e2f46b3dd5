"""What the answerer produces, the refusal draft, and how a draft's text cites: the marker
after a sentence, the gap between quoted spans, the short name of a passage's document."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.guardrails.scope import refusal_text
from assistant.types import Chunk, Citation, Hit, is_catalogue

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


QUOTE_GAP = " \u2026 "  # between the quoted spans of adjacent chunks cited under one number


def with_marker(text: str, n: int | str) -> str:
    """``text`` with `` [n]`` before its closing punctuation."""
    if re.search(r"[\"\u201d\u2019]$", text):
        return f"{text} [{n}]"  # after a closing quote: the quotation stays whole
    match = re.search(r"[.!?]+$", text)
    cut = match.start() if match else len(text)
    return f"{text[:cut]} [{n}]{text[cut:]}"


def source_label(chunk: Chunk) -> str:
    """A short name for a passage's document: its title up to a colon, with its year."""
    title = (chunk.title or "the source").strip()
    head, _, rest = title.partition(":")
    if rest and len(head.split()) >= 2:
        title = head.strip()
    title = re.sub(r"\s*\([^)]*\)", "", title).strip() or title  # "X (NGDP, ...)" -> "X"
    if len(title.split()) > 8:  # a label, not a sentence
        title = " ".join(title.split()[:8]) + "\u2026"
    if chunk.doc_type == "case_study" and is_catalogue(chunk):
        title = f"The {title} case study"
    year = re.match(r"\d{4}", chunk.published or "")
    return f"{title} ({year.group(0)})" if year else title
