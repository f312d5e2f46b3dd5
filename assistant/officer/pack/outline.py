"""The layout of an evidence pack, format-free (``pack_outline`` is a pure function).

Citation numbers: the answer's own ``[n]`` are kept; passages cited only by the extra case
studies are numbered after them, so every ``[n]`` in the pack points into one References list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from assistant.officer.types import CaseResult
from assistant.text.sentences import drop_filler_opening
from assistant.types import Answer, Chunk, Citation, Suggestion

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"


@dataclass(frozen=True, slots=True)
class PackCase:
    """One peer case study in a pack: council, what it did, quotes and citation numbers."""

    council: str
    council_type: str | None
    region: str | None
    what: str
    quotes: tuple[tuple[str, int], ...]  # (quote, citation number)
    citations: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """One numbered entry of the References section."""

    n: int
    title: str
    publisher: str | None
    published: str | None
    url: str | None
    section: str | None
    page: int | None
    source: str

    def text(self) -> str:
        """The reference as one line (without its number or URL)."""
        parts = [self.title.strip() or self.source]
        meta = ", ".join(p for p in (self.publisher, self.published) if p)
        if meta:
            parts.append(meta)
        where = []
        if self.section:
            where.append(f"section: {self.section}")
        if self.page is not None:
            where.append(f"page {self.page}")
        if where:
            parts.append("; ".join(where))
        if not self.url and self.source:
            parts.append(f"source: {self.source}")
        return ". ".join(p.rstrip(".") for p in parts) + "."


@dataclass(frozen=True, slots=True)
class PackOutline:
    """Everything a pack shows, format-free."""

    title: str
    intro: str
    question: str
    audience: str
    answer: str
    refused: bool
    cases: tuple[PackCase, ...]
    resources: tuple[Suggestion, ...]
    next_steps: tuple[Suggestion, ...]
    references: tuple[Reference, ...]
    generated: str = field(default_factory=lambda: date.today().isoformat())


def _load_intro() -> str:
    return (PROMPTS_DIR / "pack_intro.txt").read_text(encoding="utf-8").strip()


def _reference(n: int, chunk: Chunk) -> Reference:
    return Reference(
        n=n,
        title=chunk.title,
        publisher=chunk.publisher,
        published=chunk.published,
        url=chunk.url,
        section=chunk.section,
        page=chunk.page_start,
        source=chunk.public_source,
    )


def cite_marks(numbers: Sequence[int]) -> str:
    """The citation markers for ``numbers``, e.g. "[1][2]"."""
    return "".join(f"[{n}]" for n in numbers)


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def case_summary(what: str, quotes: Sequence[tuple[str, int]]) -> str:
    """What a council did, as the pack's paragraph: without a back-pointing opening, and empty
    when it only repeats one of the quotes printed under it (the quote then says it once)."""
    what = drop_filler_opening(what.strip().strip("\u2026").strip())
    key = _letters(what)
    if not key:
        return ""
    for quote, _ in quotes:
        q = _letters(quote)
        short, long_ = sorted((key, q), key=len)
        if short and short in long_ and len(short) >= 0.8 * len(long_):
            return ""
    return what


def pack_outline(answer: Answer, cases: Sequence[CaseResult] = ()) -> PackOutline:
    """Lay out a pack: number every cited passage once and gather the peers and cases.

    Peers suggested with the answer come first (their quotes are the passages they cite);
    ``cases`` add councils not already among them, their citations renumbered after the answer's.
    """
    by_n: dict[int, Citation] = {c.n: c for c in answer.citations}
    by_chunk: dict[str, int] = {}
    for c in answer.citations:
        by_chunk.setdefault(c.chunk.id, c.n)
    next_n = max(by_n, default=0) + 1
    extra: dict[int, Citation] = {}

    def number(citation: Citation) -> int:
        nonlocal next_n
        known = by_chunk.get(citation.chunk.id)
        if known is not None:
            return known
        n = next_n
        next_n += 1
        by_chunk[citation.chunk.id] = n
        extra[n] = Citation(n=n, chunk=citation.chunk, quote=citation.quote)
        return n

    pack_cases: list[PackCase] = []
    seen: set[str] = set()
    for peer in answer.peers:
        quotes = tuple((by_n[n].quote, n) for n in peer.citations if n in by_n)
        pack_cases.append(
            PackCase(
                council=peer.title,
                council_type=peer.council_type,
                region=peer.region,
                what=case_summary(peer.why, quotes),
                quotes=quotes,
                citations=peer.citations,
            )
        )
        seen.add(peer.title.casefold())
    for case in cases:
        if case.council.casefold() in seen:
            continue
        seen.add(case.council.casefold())
        numbers = tuple(number(c) for c in case.citations)
        case_quotes = tuple((c.quote, n) for c, n in zip(case.citations, numbers, strict=True))
        pack_cases.append(
            PackCase(
                council=case.council,
                council_type=case.council_type,
                region=case.region,
                what=case_summary(case.what, case_quotes),
                quotes=case_quotes,
                citations=numbers,
            )
        )

    cited = {**by_n, **extra}
    references = tuple(_reference(n, cited[n].chunk) for n in sorted(cited))
    answer_text = answer.text
    if answer.refused:
        reason = answer.refusal_reason or "the indexed resources do not cover this question"
        answer_text = f"{answer.text}\n\n(Not answered: {reason}.)" if answer.text else reason
    return PackOutline(
        title=f"Evidence pack: {answer.question}",
        intro=_load_intro(),
        question=answer.question,
        audience=answer.audience,
        answer=answer_text,
        refused=answer.refused,
        cases=tuple(pack_cases),
        resources=answer.resources,
        next_steps=answer.next_steps,
        references=references,
    )
