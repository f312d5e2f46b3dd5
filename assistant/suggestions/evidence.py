"""What every suggestion part shares: catalogue entries, evidence sentences, citation numbering.

Pure functions and small values; the suggestion parts (``peers``, ``resources``,
``next_steps``) and the officer tools build on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from assistant.suggestions.weights import WEIGHTS
from assistant.text.sentences import drop_filler_opening, normalise_whitespace, split_sentences
from assistant.types import Chunk, Citation

if TYPE_CHECKING:
    from assistant.knowledge.catalogue import Catalogue


@dataclass(frozen=True, slots=True)
class ResourceEntry:
    """A catalogue resource as the suggester uses it."""

    id: str
    name: str
    url: str | None
    summary: str
    themes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # name and aliases, for spotting it in passages
    hints: tuple[str, ...] = ()  # ways to find its ingested catalogue document
    framework: bool = False  # the resource is one of the catalogue's frameworks (TCF, TIEx...)


@dataclass(frozen=True, slots=True)
class ElementEntry:
    """One framework element (a 7C, a TIEx focus area, a TCF capability, a councillor role)."""

    framework_id: str
    framework_name: str
    id: str
    name: str
    label: str  # "7Cs: Capacity"
    description: str
    action: str = ""  # the catalogue's actionable step for this element, if it gives one
    themes: tuple[str, ...] = ()
    url: str | None = None
    hints: tuple[str, ...] = ()
    for_councillors: bool = False  # the framework is written for councillors only


def resource_entries(catalogue: Catalogue) -> list[ResourceEntry]:
    """The catalogue's resources (frameworks with a resource type are among them)."""
    out: list[ResourceEntry] = []
    seen: set[str] = set()
    framework_paths = {f.path for f in catalogue.frameworks if f.path}
    for r in catalogue.resources:
        if r.name.casefold() in seen:
            continue
        seen.add(r.name.casefold())
        out.append(
            ResourceEntry(
                id=r.id,
                name=r.name,
                url=r.url,
                summary=r.summary,
                themes=tuple(r.themes),
                names=tuple(dict.fromkeys((r.name, r.title or r.name))),
                hints=tuple(h for h in (r.path, r.id) if h),
                framework=bool(r.path) and r.path in framework_paths,
            )
        )
    return out


def element_entries(catalogue: Catalogue) -> list[ElementEntry]:
    """Every element of every catalogue framework, labelled "<framework label>: <element>"."""
    out: list[ElementEntry] = []
    audiences = {r.path: tuple(r.audience) for r in catalogue.resources if r.path}
    for ref in catalogue.elements():
        framework = catalogue.framework(ref.framework_id)
        el = ref.element
        audience = audiences.get(framework.path, ()) if framework else ()
        out.append(
            ElementEntry(
                framework_id=ref.framework_id,
                framework_name=framework.name if framework else ref.framework_id,
                id=el.id,
                name=el.name,
                label=ref.label,
                description=el.summary,
                action=el.action,
                # The taxonomy tags passages with "<framework>_<element>" ("7cs_capacity").
                themes=(f"{ref.framework_id}_{el.id}",),
                url=ref.url,
                for_councillors=bool(audience)
                and all(a.casefold().startswith("councillor") for a in audience),
                hints=tuple(h for h in ((framework.path, framework.id) if framework else ()) if h),
            )
        )
    return out


# ------------------------------------------------------------------ text helpers


def fold(text: str) -> str:
    """Whitespace folded and case folded, for comparing quotes and names."""
    return normalise_whitespace(text).casefold()


def _trim_around(
    text: str, start: int, end: int, limit: int = WEIGHTS.context.why_max_chars
) -> str:
    """``text`` cut to about ``limit`` characters around [start, end), on word boundaries."""
    if len(text) <= limit:
        return text
    pad = max(0, (limit - (end - start)) // 2)
    lo, hi = max(0, start - pad), min(len(text), end + pad)
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    out = text[lo:hi].strip()
    return ("\u2026 " if lo > 0 else "") + out + (" \u2026" if hi < len(text) else "")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence of a passage that names something (a council or a resource)."""

    quote: str  # verbatim (whitespace folded): what the citation shows
    text: str  # cleaned for reading: what ``why`` shows
    needle: str = ""  # the name as written in the passage, when the sentence names something
    whole: bool = True  # a whole sentence (False: a window of text around a heading or break)


def _around(text: str, needle: str) -> str:
    """``text`` trimmed around the first occurrence of ``needle`` (or its start)."""
    pos = text.casefold().find(needle)
    if pos < 0:
        return _trim_around(text, 0, 0)
    return _trim_around(text, pos, pos + len(needle))


def sentence_naming(text: str, start: int, end: int, surface: str) -> Evidence:
    """The sentence of ``text`` that holds the mention at [start, end), trimmed around it.

    Falls back to a window of the folded text around the mention when no sentence holds it
    (a name broken over a line in a PDF).
    """
    needle = fold(surface)
    folded_surface = normalise_whitespace(surface)
    for sentence in split_sentences(text):
        if sentence.start <= start < sentence.end and needle in sentence.quote.casefold():
            return Evidence(
                quote=_around(sentence.quote, needle),
                # A blurb is read alone: "The same document pointed to X" says just "X".
                text=_around(drop_filler_opening(sentence.text), needle),
                needle=folded_surface,
            )
    window = normalise_whitespace(text[max(0, start - 200) : end + 200])
    snippet = _around(window, needle)
    return Evidence(quote=snippet, text=snippet, needle=folded_surface, whole=False)


_TERMINAL = (".", "!", "?", ";", ":", '"', "\u201d", "\u2019", ")")


_COUNCIL_WORDS = re.compile(
    r"\b(?:council|borough|county|city of|authority|district|MBC|BC|CC|DC|LBC)\b", re.IGNORECASE
)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|across|around|outside|within|visit(?:ed|ing)?|held in|based in)\s+"
    r"(?:the\s+)?(?:city\s+of\s+|centre\s+of\s+)?$",
    re.IGNORECASE,
)


def names_a_place(text: str, start: int, surface: str) -> bool:
    """True when a bare place name (no council word) follows a locative word such as "in":
    the sentence says where something happened, which is no evidence of a council's work."""
    if _COUNCIL_WORDS.search(surface):
        return False
    return bool(_LOCATIVE_BEFORE.search(text[max(0, start - 30) : start]))


def in_heading_line(text: str, pos: int) -> bool:
    """Is ``pos`` on a heading-like line (markdown heading, or short with no end punctuation)?"""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end >= 0 else len(text)].strip()
    return line.startswith("#") or (len(line) < 100 and not line.endswith(_TERMINAL))


def compile_names(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``names`` (and their core without "the LGA's"), or None."""
    variants: set[str] = set()
    acronyms: set[str] = set()
    for name in names:
        name = name.strip()
        variants.add(name)
        # "Transformation and Innovation Exchange (TIEx)": passages write either half alone.
        spelled = re.match(r"^(?P<long>.{6,}?)\s*\((?P<short>[A-Za-z]{2,8})\)$", name)
        if spelled:
            variants.add(spelled.group("long"))
            if sum(c.isupper() for c in spelled.group("short")) >= 2:
                acronyms.add(spelled.group("short"))
        for form in [name, spelled.group("long")] if spelled else [name]:
            core = re.sub(r"^(?:the\s+)?(?:lga(?:'s|\u2019s)?\s+)", "", form, flags=re.I).strip()
            if len(core) >= 6 and core != form:
                variants.add(core)
    variants = {v for v in variants if len(v) >= 4}
    if not variants and not acronyms:
        return None
    alternatives = sorted((r"\s+".join(map(re.escape, v.split())) for v in variants), key=len)
    # An acronym matches in its own case only: "LIFT" is a tool, "lift" a verb.
    alternatives = list(reversed(alternatives)) + [
        f"(?-i:{re.escape(a)})" for a in sorted(acronyms, key=len, reverse=True)
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.I)


def cosines(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Each row of ``matrix`` dotted with ``vector`` (rows are normalised: cosines)."""
    if matrix.size == 0:
        return np.zeros(0, dtype=np.float32)
    return matrix @ vector


def same_passage(a: Chunk, b: Chunk) -> bool:
    """One passage to a reader: the same chunk, or adjacent chunks of one section."""
    return a.id == b.id or (
        a.document_id == b.document_id
        and a.heading_path == b.heading_path
        and abs(a.position - b.position) == 1
    )


@dataclass(slots=True)
class CitationNumbering:
    """Reuses the answer's citation numbers; numbers new passages after them.

    A passage is cited once per distinct quote need: when ``needle`` is given (the council or
    element the suggestion is about), an earlier citation of the same passage is reused only if
    its quote contains the needle, so every quote shows what it evidences.
    """

    answer: tuple[Citation, ...]
    base: int
    new: list[Citation] = field(default_factory=list)

    @classmethod
    def after(cls, citations: Sequence[Citation]) -> CitationNumbering:
        return cls(answer=tuple(citations), base=max((c.n for c in citations), default=0))

    @property
    def in_order(self) -> list[Citation]:
        """The answer's citations by number: the order its reader meets them."""
        return sorted(self.answer, key=lambda c: c.n)

    @property
    def cited_ids(self) -> set[str]:
        """Chunk ids the answer itself cites."""
        return {c.chunk.id for c in self.answer}

    def quotes(self, chunk_id: str, needle: str) -> bool:
        """Does one of the answer's citations quote ``needle`` from this passage?"""
        want = fold(needle)
        return bool(want) and any(
            c.chunk.id == chunk_id and want in fold(c.quote) for c in self.answer
        )

    def answer_number(self, chunk_id: str) -> int | None:
        return next((c.n for c in self.answer if c.chunk.id == chunk_id), None)

    def cite(self, chunk: Chunk, quote: str, *, needle: str | None = None) -> int:
        """The number of ``chunk``'s passage: one number per passage (a chunk, or adjacent
        chunks of one section). A passage the answer cites keeps the answer's number; a new
        passage cited again for another need has its quote widened to show that too."""
        want = fold(needle) if needle else None
        for c in self.answer:
            if c.chunk.id == chunk.id and (want is None or want in fold(c.quote)):
                return c.n
        for c in self.answer:
            if same_passage(c.chunk, chunk):
                return c.n
        for i, c in enumerate(self.new):
            if same_passage(c.chunk, chunk):
                shown = fold(c.quote)
                if (want is not None and want not in shown) or (
                    want is None and fold(quote) not in shown
                ):
                    self.new[i] = Citation(n=c.n, chunk=c.chunk, quote=f"{c.quote} \u2026 {quote}")
                return c.n
        n = self.base + len(self.new) + 1
        self.new.append(Citation(n=n, chunk=chunk, quote=quote))
        return n

    def final(self, n: int) -> Citation | None:
        """Citation ``n`` as it stands now (a later ``cite`` may have widened its quote)."""
        return next((c for c in (*self.answer, *self.new) if c.n == n), None)


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (cleaned), or all of it when it has no sentence end."""
    sentences = split_sentences(text) if text else []
    return sentences[0].text if sentences else normalise_whitespace(text)


def lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def tidy(text: str) -> str:
    text = normalise_whitespace(text)
    text = re.sub(r"\.\.+$", ".", text)
    return text if text.endswith((".", "?", "!")) else text + "."
