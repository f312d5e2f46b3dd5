"""Primary sources first: a sentence (or list) of the project's own catalogue gives way to, or
also cites, the LGA document's passage that says the same thing, so a reader sees and can
check the LGA's own words.

The catalogue (``corpus/``) retells the LGA's documents in plain self-contained sentences, and
those often answer best ("Stockton-on-Tees Borough Council's programme has three main areas:
..."), where the LGA's own sentence leans on the one before it ("The project is built around
three main areas: ..."). A twin is one to three consecutive sentences of a retrieved primary
passage (or of a primary document among the top hits) holding most of the catalogue
sentence's words, every figure it gives and every name. When the twin can stand in an answer
(one or two sentences, not much longer, leaning on nothing before them, holding the names
itself) it is shown instead of ours, cited to the LGA alone; otherwise the LGA's passage is
cited first beside ours. Each item of a catalogue list is co-cited when all its items are in
one twin. Pure functions over the composed text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answering.coverage import GENERIC_NAME_WORDS
from assistant.answering.draft import QUOTE_GAP, source_label, with_marker
from assistant.answering.structure import figures_in, is_year
from assistant.text.glossary import GLOSSARY
from assistant.text.openings import dangling_subject, points_back
from assistant.text.sentences import normalise_whitespace, sentence_spans, with_stop
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
    question: str = "",
    documents_at: Callable[[str], Sequence[str]] | None = None,
) -> tuple[str, tuple[Citation, ...]]:
    """``text`` with each claim that cites only catalogue passages also citing a primary
    passage that says the same: one of ``hits``, or with ``document_chunks``, any passage of
    a primary document among the top ``TOP_HITS`` (retrieval often ranks our self-contained
    retelling above the LGA's sentence, which leans on the one before it). When the LGA's
    sentences can stand in the answer (``_in_their_words``) they are shown instead of ours,
    cited to the LGA's passage alone. With ``documents_at`` (a web address -> the primary
    documents published there), the LGA documents a cited catalogue entry was written from
    (its ``url``) are read too, wherever retrieval ranked them. Markers of one claim are in
    number order; citations are renumbered by first appearance. Unchanged when no catalogue
    claim has a primary twin."""
    if not any(is_catalogue(c.chunk) for c in citations):
        return text, tuple(citations)
    seen: set[str] = set()
    windows = _windows([h.chunk for h in hits], seen)
    if document_chunks is not None:
        documents = dict.fromkeys(
            h.chunk.document_id for h in hits[:TOP_HITS] if not is_catalogue(h.chunk)
        )
        if documents_at is not None:  # the LGA pages our cited entries retell
            for url in dict.fromkeys(c.chunk.url for c in citations if is_catalogue(c.chunk)):
                documents.update(dict.fromkeys(documents_at(url) if url else ()))
        windows += _windows([c for d in documents for c in document_chunks(d)], seen)
    if not windows:
        return text, tuple(citations)
    named = _document_words(windows)
    quotes = _Quotes(citations)
    lines = text.split("\n")
    shown_already = _folded(text)
    for line_no, line in enumerate(lines):
        if _ITEM.match(line) or not _MARKERS.search(line):
            continue
        lead_in = line_no >= 2 and not lines[line_no - 1] and _LEAD_IN.search(lines[line_no - 2])
        runs: list[tuple[Chunk | None, str]] = []  # (the LGA's passage shown, or None: ours)
        for claim, markers in _claims(line):
            twin = None
            if _only_catalogue(markers, quotes.by_number):
                twin = _sentence_twin(claim, windows, named)
            if twin is None:
                runs.append((None, claim + markers))
                continue
            n = quotes.number(twin)
            shown = _in_their_words(claim, twin, question)
            if shown is None or any(
                _folded(shown[a:b]) in shown_already for a, b in sentence_spans(shown)
            ):  # "... [2][1]": the LGA's passage cited beside ours
                runs.append((None, f"{claim} [{n}]{markers.lstrip()}"))
            else:  # the LGA's own sentences, each cited
                said = [with_marker(_closed(shown[a:b]), n) for a, b in sentence_spans(shown)]
                runs.append((twin.chunk, " ".join(said)))
            shown_already += " " + _folded(twin.text)  # said once: another twin is cited
        if not lead_in:
            lines[line_no] = " ".join(text for _, text in runs)
            continue
        # Under a lead-in naming our entry ("The Riverton case study says:"), the LGA's words
        # go in a paragraph of their own, led in by the LGA document's name.
        paragraphs = []
        for source, run in itertools.groupby(runs, key=lambda r: r[0] and r[0].document_id):
            words = " ".join(text for _, text in run)
            chunk = next((c for c, _ in runs if c is not None and c.document_id == source), None)
            lead = _lead_in_for(chunk, lines[line_no - 2]) if chunk else lines[line_no - 2]
            paragraphs.append(f"{lead}\n\n{words}")
        lines[line_no - 2] = ""
        lines[line_no - 1] = ""
        lines[line_no] = "\n\n".join(paragraphs)
    for group in _item_groups(lines):
        marks = [list(_MARKERS.finditer(lines[i]))[-1] for i in group]
        if all(_only_catalogue(m.group(1), quotes.by_number) for m in marks):
            items = [
                _ITEM.sub("", lines[i][: m.start()]) for i, m in zip(group, marks, strict=True)
            ]
            list_twin = _list_twin(items, windows)
            if list_twin is not None:
                n = quotes.number(list_twin)
                for i, m in zip(group, marks, strict=True):
                    at = lines[i].index("[", m.start(1))
                    lines[i] = f"{lines[i][:at]}[{n}]{lines[i][at:]}"
    if "\n".join(lines) == text:
        return text, tuple(citations)
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return renumbered(_one_paragraph_per_source(out), quotes.every())


def _closed(sentence: str) -> str:
    """``sentence`` ending in a stop (lines of a list joined into a window may have none); a
    line leading into a list ("... is led by:") stays open."""
    return sentence if sentence.endswith(":") else with_stop(sentence)


def _one_paragraph_per_source(text: str) -> str:
    """``text`` with a paragraph the LGA's words now fill merged into the next one when both
    are led in by the same document ("Transformation Network (2025) says:"), less the
    sentences the first already shows ("Vice chair: A B ..." under a quote holding it)."""
    blocks = text.split("\n\n")
    out: list[str] = []
    for block in blocks:
        if (
            len(out) >= 3
            and _LEAD_IN.match(out[-1])
            and out[-1] == out[-3]
            and not _LEAD_IN.match(block)
        ):
            out.pop()  # the second lead-in: the same document's
            shown = _folded(out[-1])
            kept = [block[a:b] for a, b in sentence_spans(block)]
            kept = [said for said in kept if _folded(said) not in shown]
            if kept:
                out[-1] = f"{out[-1]} {' '.join(kept)}"
            continue
        out.append(block)
    return "\n\n".join(out)


class _Quotes:
    """The answer's citations by number, and the LGA passages added as they are cited."""

    def __init__(self, citations: Sequence[Citation]) -> None:
        self.by_number = {c.n: c for c in citations}
        self.own = {c.chunk.id: c for c in citations}
        self.added: dict[str, Citation] = {}
        self._next = max(self.by_number, default=0) + 1

    def number(self, twin: _Window) -> int:
        """The number citing ``twin``'s passage, its quote holding the window."""
        chunk_id = twin.chunk.id
        cite = self.own.get(chunk_id) or self.added.get(chunk_id)
        if cite is None:
            cite = Citation(self._next, twin.chunk, twin.text)
            self._next += 1
        elif twin.text not in cite.quote:
            cite = replace(cite, quote=f"{cite.quote}{QUOTE_GAP}{twin.text}")
        (self.own if chunk_id in self.own else self.added)[chunk_id] = cite
        return cite.n

    def every(self) -> list[Citation]:
        return [*self.own.values(), *self.added.values()]


def _claims(line: str) -> list[tuple[str, str]]:
    """(claim, its markers with what follows them up to the next claim) for each cited claim
    of ``line``; text before the first claim stays with it."""
    out: list[tuple[str, str]] = []
    start = 0
    matches = list(_MARKERS.finditer(line))
    for k, m in enumerate(matches):
        claim = line[start : m.start()]
        following = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        tail = line[m.start() : following]
        rest = tail[len(m.group(1)) :]
        keep = len(rest) - len(rest.lstrip(".!?;:"))  # the claim's closing punctuation
        out.append((claim.strip() if k else claim.rstrip(), m.group(1) + rest[:keep]))
        start = m.end() + keep
    if out and line[start:].strip():
        claim, markers = out[-1]
        out[-1] = (claim, markers + line[start:].rstrip())
    return out


# "TIEx is aimed at ..." / "The tool is aimed at ...": one subject, one verb
_NAMED_SUBJECT = re.compile(
    r"^(?P<subject>[A-Z][\w'\u2019\-]*(?:\s+(?:[A-Z][\w'\u2019\-]*|and|of|for|the)){0,7})\s+"
    r"(?P<verb>is|are|was|were|has|have|had)\b"
)
_GENERIC_SUBJECT = re.compile(
    r"^(?:The|This|That)\s+[a-z]+\s+(?P<verb>is|are|was|were|has|have|had)\b"
)


def _in_their_words(claim: str, twin: _Window, question: str) -> str | None:
    """The LGA's sentences (one or two) to show instead of our retelling ``claim``, when they
    can stand in an answer: they neither lean on a sentence before them nor run much longer,
    and hold every name and figure ours gives. "The tool is ..." where ours says "TIEx is
    ..." stands when the ``question`` names TIEx. None otherwise."""
    spans = sentence_spans(twin.text)
    if len(spans) > 2 or len(twin.text.split()) > 2 * len(claim.split()) + 10:
        return None
    first = twin.text[spans[0][0] : spans[0][1]]
    if points_back(first):
        return None
    kind = dangling_subject(first)
    ours, theirs = _NAMED_SUBJECT.match(claim), _GENERIC_SUBJECT.match(first)
    if kind is None:
        shown, subject = twin.text, ""
    elif (
        kind == "generic"
        and ours
        and theirs
        and ours["verb"] == theirs["verb"]
        and all(
            any(a <= content_terms(question) for a in alternatives)
            for alternatives in _names(ours["subject"])
        )
    ):
        shown, subject = twin.text, ours["subject"]
    else:
        return None
    # Every name and figure of ours is in what is shown (a name once as the subject).
    names = _names(claim.replace(subject, "", 1) if subject else claim)
    if not all(any(a <= twin.terms for a in alternatives) for alternatives in names):
        return None
    figures = {f for f in figures_in(claim) if not is_year(f)}
    return shown if figures <= set(figures_in(twin.text)) else None


_LEAD_IN = re.compile(r"^[^\[\]]{1,120} (?:says|suggests):$")


def _lead_in_for(chunk: Chunk, lead_in: str) -> str:
    """The lead-in naming ``chunk``'s document, saying or suggesting as ``lead_in`` did."""
    verb = "suggests" if lead_in.endswith("suggests:") else "says"
    return f"{source_label(chunk)} {verb}:"


def _folded(text: str) -> str:
    return " ".join(_MARKERS.sub("", text).lower().split()).rstrip(".!?")


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


def _sentence_twin(
    claim: str, windows: Sequence[_Window], named: dict[str, set[str]]
) -> _Window | None:
    """The window holding ``MIN_SHARED`` of the claim's content words other than its names,
    every figure it gives (in the window's passage or title) and every name (in the window's
    document: ``named``, by document id; an acronym or its expansion); of several, the one
    holding the names itself, then the most words, then the shortest."""
    names = _names(claim)
    terms = _words(claim).difference(*(alternatives[0] for alternatives in names))
    if len(terms) < MIN_TERMS:
        return None
    figures = set(figures_in(claim))
    subject = _NAMED_SUBJECT.match(claim)
    others = _names(claim.replace(subject["subject"], "", 1)) if subject else names
    best: tuple[tuple[bool, float, int], _Window] | None = None
    for w in windows:
        shared = len(terms & w.terms) / len(terms)
        if shared < MIN_SHARED:
            continue
        passage = f"{w.chunk.title or ''}\n{w.chunk.text}"
        if not figures <= set(figures_in(passage)):
            continue
        said = named[w.chunk.document_id]
        if not all(any(a <= said for a in alternatives) for alternatives in names):
            continue
        # the window naming them all (but a leading subject, which the question may name:
        # "TIEx is ..." / "The tool is ...") first, then the most of the words, the shortest
        held = all(any(a <= w.terms for a in alternatives) for alternatives in others)
        key = (held, shared, -len(w.text))
        if best is None or key > best[0]:
            best = (key, w)
    return best[1] if best else None


def _document_words(windows: Sequence[_Window]) -> dict[str, set[str]]:
    """Document id -> the content words of its passages read (and its title)."""
    out: dict[str, set[str]] = {}
    for w in windows:
        words = out.setdefault(w.chunk.document_id, _words(w.chunk.title or ""))
        words |= w.terms
    return out


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


def _names(text: str) -> list[tuple[set[str], ...]]:
    """The names in ``text`` (its capitalised words, the first too: a claim often opens with
    the council it is about; less the words names here share, "Council"), each as its
    alternative spellings' words: "TIEx" or "Transformation and Innovation Exchange"."""
    out: list[tuple[set[str], ...]] = []
    for word in re.findall(r"[A-Za-z][A-Za-z\-]+", text):
        if not word[0].isupper() or word.lower() in GENERIC_NAME_WORDS or not _words(word):
            continue
        expansion = GLOSSARY.get(word)
        out.append((_words(word), _words(expansion)) if expansion else (_words(word),))
    return out


def _words(text: str) -> set[str]:
    """Content terms of ``text``, a hyphenated word by its parts only ("Stockton-on-Tees" is
    "Stockton on Tees" in another document)."""
    return {t for t in content_terms(text) if "-" not in t}
