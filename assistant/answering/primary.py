"""Primary sources first: a sentence (or list) of the project's own catalogue also cites the
LGA document's passage that says the same thing, so a reader can check it in the LGA's words.

The catalogue (``corpus/``) retells the LGA's documents in plain self-contained sentences, and
those often answer best ("Stockton-on-Tees Borough Council's programme has three main areas:
..."), where the LGA's own sentence leans on the one before it ("The project is built around
three main areas: ..."). The catalogue sentence stays; the LGA's passage is cited first beside
it when one to three consecutive sentences of a retrieved primary passage hold its words (most
of them), every figure and every name it gives. Each item of a catalogue list is co-cited when
all its items are in one such window. Pure functions over the composed text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answering.coverage import GENERIC_NAME_WORDS
from assistant.answering.structure import figures_in
from assistant.text.sentences import normalise_whitespace, sentence_spans
from assistant.text.terms import content_terms
from assistant.types import Chunk, Citation, Hit, is_catalogue

MIN_SHARED = 0.7  # share of a catalogue sentence's content words the LGA's sentences hold
MIN_TERMS = 4  # a sentence with fewer content words is matched only as a list item
WINDOW = 3  # consecutive sentences of a passage read together
TOP_HITS = 8  # the primary documents among this many hits are read whole

_MARKERS = re.compile(r"((?:\s*\[\d+\])+)")
_NUMBER = re.compile(r"\[(\d+)\]")
_RUN = re.compile(r"(?:\[\d+\]){2,}")  # markers side by side: "[2][1]" reads "[1][2]"
_ITEM = re.compile(r"^\s*[-*\u2022]\s+")
_QUOTE_GAP = " \u2026 "


@dataclass(frozen=True, slots=True)
class _Window:
    chunk: Chunk
    text: str
    terms: frozenset[str]


def with_primary_citations(
    text: str,
    citations: Sequence[Citation],
    hits: Sequence[Hit],
    document_chunks: Callable[[str], Sequence[Chunk]] | None = None,
) -> tuple[str, tuple[Citation, ...]]:
    """``text`` with each claim that cites only catalogue passages also citing a primary
    passage that says the same: one of ``hits``, or with ``document_chunks``, any passage of
    a primary document among the top ``TOP_HITS`` (retrieval often ranks our self-contained
    retelling above the LGA's sentence, which leans on the one before it). Markers of one
    claim are in number order; citations are renumbered by first appearance. Unchanged when
    no catalogue claim has a primary twin."""
    by_number = {c.n: c for c in citations}
    if not any(is_catalogue(c.chunk) for c in citations):
        return text, tuple(citations)
    seen: set[str] = set()
    windows = _windows([h.chunk for h in hits], seen)
    if document_chunks is not None:
        documents = dict.fromkeys(
            h.chunk.document_id for h in hits[:TOP_HITS] if not is_catalogue(h.chunk)
        )
        windows += _windows([c for d in documents for c in document_chunks(d)], seen)
    if not windows:
        return text, tuple(citations)
    lines = text.split("\n")
    twins: dict[tuple[int, int], _Window] = {}  # (line, marker position) -> its primary twin
    for line_no, line in enumerate(lines):
        if _ITEM.match(line):
            continue
        start = 0
        for m in _MARKERS.finditer(line):
            claim = line[start : m.start()]
            start = m.end()
            if _only_catalogue(m.group(1), by_number):
                twin = _sentence_twin(claim, windows)
                if twin is not None:
                    twins[(line_no, line.index("[", m.start(1)))] = twin
    for group in _item_groups(lines):
        marks = [list(_MARKERS.finditer(lines[i]))[-1] for i in group]
        if all(_only_catalogue(m.group(1), by_number) for m in marks):
            items = [
                _ITEM.sub("", lines[i][: m.start()]) for i, m in zip(group, marks, strict=True)
            ]
            twin = _list_twin(items, windows)
            if twin is not None:
                for i, m in zip(group, marks, strict=True):
                    twins[(i, lines[i].index("[", m.start(1)))] = twin
    if not twins:
        return text, tuple(citations)
    added: dict[str, Citation] = {}  # primary chunk id -> its citation (numbered later)
    own = {c.chunk.id: c for c in citations}
    next_n = max(by_number, default=0) + 1
    for (line_no, at), twin in sorted(twins.items(), reverse=True):
        cite = own.get(twin.chunk.id) or added.get(twin.chunk.id)
        if cite is None:
            cite = Citation(next_n, twin.chunk, twin.text)
            next_n += 1
        elif twin.text not in cite.quote:
            cite = replace(cite, quote=f"{cite.quote}{_QUOTE_GAP}{twin.text}")
        if twin.chunk.id in own:
            own[twin.chunk.id] = cite
        else:
            added[twin.chunk.id] = cite
        line = lines[line_no]
        lines[line_no] = f"{line[:at]}[{cite.n}]{line[at:]}"  # "... [2][1]": the LGA's first
    every = [*own.values(), *added.values()]
    return renumbered("\n".join(lines), every)


def renumbered(text: str, citations: Sequence[Citation]) -> tuple[str, tuple[Citation, ...]]:
    """``text`` and ``citations`` with the numbers 1..n in order of first appearance in
    ``text`` (a citation ``text`` no longer cites is dropped)."""
    order = list(dict.fromkeys(int(n) for n in _NUMBER.findall(text)))
    new = {old: i + 1 for i, old in enumerate(order)}
    body = _NUMBER.sub(lambda m: f"[{new.get(int(m.group(1)), m.group(1))}]", text)
    body = _RUN.sub(
        lambda m: "".join(f"[{n}]" for n in sorted(map(int, _NUMBER.findall(m[0])))), body
    )
    kept = sorted((replace(c, n=new[c.n]) for c in citations if c.n in new), key=lambda c: c.n)
    return body, tuple(kept)


def _windows(chunks: Sequence[Chunk], seen: set[str] | None = None) -> list[_Window]:
    """Runs of one to ``WINDOW`` consecutive sentences of each primary passage in ``chunks``
    (each chunk once: ``seen`` holds the ids read already)."""
    out: list[_Window] = []
    seen = set() if seen is None else seen
    for chunk in chunks:
        if is_catalogue(chunk) or chunk.id in seen:
            continue
        seen.add(chunk.id)
        spans = sentence_spans(chunk.text)
        for i in range(len(spans)):
            for j in range(i, min(i + WINDOW, len(spans))):
                said = normalise_whitespace(chunk.text[spans[i][0] : spans[j][1]])
                out.append(_Window(chunk, said, frozenset(content_terms(said))))
    return out


def _only_catalogue(markers: str, by_number: dict[int, Citation]) -> bool:
    numbers = [int(n) for n in _NUMBER.findall(markers)]
    return bool(numbers) and all(
        n in by_number and is_catalogue(by_number[n].chunk) for n in numbers
    )


def _sentence_twin(claim: str, windows: Sequence[_Window]) -> _Window | None:
    """The shortest window holding ``MIN_SHARED`` of the claim's content words, its figures
    and its names (the figures and names anywhere in the window's passage or title)."""
    terms = _words(claim)
    if len(terms) < MIN_TERMS:
        return None
    figures = set(figures_in(claim))
    names = _names(claim)
    best: tuple[float, int, _Window] | None = None
    for w in windows:
        shared = len(terms & w.terms) / len(terms)
        if shared < MIN_SHARED:
            continue
        passage = f"{w.chunk.title or ''}\n{w.chunk.text}"
        if not figures <= set(figures_in(passage)) or not names <= content_terms(passage):
            continue
        key = (shared, -len(w.text))
        if best is None or key > best[:2]:
            best = (*key, w)
    return best[2] if best else None


def _list_twin(items: Sequence[str], windows: Sequence[_Window]) -> _Window | None:
    """The shortest window holding every item's content words (three items at least)."""
    wanted = [content_terms(x) for x in items]
    if len(items) < 3 or not all(wanted):
        return None
    holding = [w for w in windows if all(t <= w.terms for t in wanted)]
    return min(holding, key=lambda w: len(w.text)) if holding else None


def _item_groups(lines: Sequence[str]) -> list[list[int]]:
    """Runs of consecutive list-item lines ("- item [n]")."""
    groups: list[list[int]] = []
    for i, line in enumerate(lines):
        if _ITEM.match(line) and _MARKERS.search(line):
            if groups and groups[-1][-1] == i - 1:
                groups[-1].append(i)
            else:
                groups.append([i])
    return groups


def _names(text: str) -> set[str]:
    """Content words of the capitalised words in ``text`` (its first word too: a claim often
    opens with the council it is about), less the words names here share ("Council")."""
    words = re.findall(r"[A-Za-z][A-Za-z\-]+", text)
    named = " ".join(w for w in words if w[0].isupper() and w.lower() not in GENERIC_NAME_WORDS)
    return _words(named)


def _words(text: str) -> set[str]:
    """Content terms of ``text``, a hyphenated word by its parts only ("Stockton-on-Tees" is
    "Stockton on Tees" in another document)."""
    return {t for t in content_terms(text) if "-" not in t}
