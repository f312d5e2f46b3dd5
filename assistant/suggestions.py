"""Suggestions on every answer: peer councils, LGA resources and framework next steps.

``build_suggester(settings, index)`` returns a ``CatalogueSuggester`` (implements
``ports.Suggester``). Everything it suggests is evidenced by an indexed passage and cited:

- **peers**: councils named in a passage (gazetteer matches in the chunk text; never a council
  no document mentions). Candidate passages are the answer's hits plus a dense search of the
  question over the index; each (council, passage) pair is scored by the passage's cosine to the
  question and the cosine of the sentence naming the council, and ``why`` is that sentence.
- **resources**: catalogue resources scored by the cosine of the question to the resource's
  name + summary, theme overlap with the question and hits, and whether a hit names it; cited to
  the resource's own catalogue passage (the catalogue is ingested) or a passage naming it.
- **next steps**: framework elements (7Cs, TIEx focus areas, TCF capabilities, councillor roles)
  scored by the cosine of the question to the element's description and the theme tags of the
  hits; the step text comes from a per-framework template (``prompts/suggest_next_steps.yaml``)
  filled with the element's description, cited to the framework's catalogue passage.
- **refused questions**: only pointers to what the corpus covers (the catalogue entries with
  the most evidence in the index), no peers, no steps.

Citation numbers reuse the answer's own citations when the same passage is cited and otherwise
continue after them (``SuggestionSet.citations``, numbered n+1, n+2, ...).
Catalogue and element vectors are computed once at construction; sentence vectors are cached.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from assistant.index import META_LAST_INGEST
from assistant.ports import Embedder, SuggestionSet
from assistant.text.sentences import normalise_whitespace, split_sentences
from assistant.types import Audience, Chunk, Citation, Hit, Suggestion

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.knowledge.catalogue import Catalogue
    from assistant.settings import Settings

_PROMPTS = Path(__file__).resolve().parent / "prompts"
logger = logging.getLogger(__name__)

MAX_PEERS = 3
MAX_RESOURCES = 3
MIN_STEPS, MAX_STEPS = 2, 4
PEER_CANDIDATES = 20  # extra dense candidates searched for council mentions
PEER_PASSAGES_PER_COUNCIL = 2  # passages per council whose sentences are scored
# Peer score = passage weight * passage cosine + sentence weight * sentence cosine (+ bonuses).
PEER_PASSAGE_W, PEER_SENTENCE_W = 0.45, 0.55
PEER_CITED_BONUS, PEER_HIT_BONUS = 0.04, 0.02
PEER_RELATIVE_FLOOR = 0.6  # keep peers scoring at least this share of the best peer
# Resource score = cosine + theme overlap + named-in-evidence bonus.
RES_THEME_W = 0.15  # times the strongest weight of the resource's themes in the context
RES_NAMED_CITED_W, RES_NAMED_TOP_W = 0.15, 0.08  # named in a cited passage / a top hit
RES_NAMED_TOP = 3
RES_RELATIVE_FLOOR = 0.6
# Next-step score = cosine to the question + hit theme support.
STEP_THEME_W = 0.2
STEP_AUDIENCE_W = 0.03
STEP_RELATIVE_FLOOR = 0.8
STEPS_PER_FRAMEWORK = 2
WHY_MAX_CHARS = 320


# ------------------------------------------------------------------ catalogue views


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


def _fold(text: str) -> str:
    return normalise_whitespace(text).casefold()


def _trim_around(text: str, start: int, end: int, limit: int = WHY_MAX_CHARS) -> str:
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
    needle = _fold(surface)
    folded_surface = normalise_whitespace(surface)
    for sentence in split_sentences(text):
        if sentence.start <= start < sentence.end and needle in sentence.quote.casefold():
            return Evidence(
                quote=_around(sentence.quote, needle),
                text=_around(sentence.text, needle),
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


def _names_a_place(text: str, start: int, surface: str) -> bool:
    """True when a bare place name (no council word) follows a locative word such as "in":
    the sentence says where something happened, which is no evidence of a council's work."""
    if _COUNCIL_WORDS.search(surface):
        return False
    return bool(_LOCATIVE_BEFORE.search(text[max(0, start - 30) : start]))


def _in_heading_line(text: str, pos: int) -> bool:
    """Is ``pos`` on a heading-like line (markdown heading, or short with no end punctuation)?"""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end >= 0 else len(text)].strip()
    return line.startswith("#") or (len(line) < 100 and not line.endswith(_TERMINAL))


def _compile_names(names: Iterable[str]) -> re.Pattern[str] | None:
    variants: set[str] = set()
    for name in names:
        name = name.strip()
        variants.add(name)
        core = re.sub(r"^(?:the\s+)?(?:lga(?:'s|\u2019s)?\s+)", "", name, flags=re.I).strip()
        if len(core) >= 6 and core != name:
            variants.add(core)
    variants = {v for v in variants if len(v) >= 4}
    if not variants:
        return None
    alternatives = sorted((r"\s+".join(map(re.escape, v.split())) for v in variants), key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(reversed(alternatives)) + r")(?!\w)", re.I)


def _cos(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    if matrix.size == 0:
        return np.zeros(0, dtype=np.float32)
    return matrix @ vector


# ------------------------------------------------------------------ citation numbering


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
    def cited_ids(self) -> set[str]:
        """Chunk ids the answer itself cites."""
        return {c.chunk.id for c in self.answer}

    def quotes(self, chunk_id: str, needle: str) -> bool:
        """Does one of the answer's citations quote ``needle`` from this passage?"""
        want = _fold(needle)
        return bool(want) and any(
            c.chunk.id == chunk_id and want in _fold(c.quote) for c in self.answer
        )

    def answer_number(self, chunk_id: str) -> int | None:
        return next((c.n for c in self.answer if c.chunk.id == chunk_id), None)

    def cite(self, chunk: Chunk, quote: str, *, needle: str | None = None) -> int:
        want = _fold(needle) if needle else None
        for c in (*self.answer, *self.new):
            if c.chunk.id == chunk.id and (want is None or want in _fold(c.quote)):
                return c.n
        n = self.base + len(self.new) + 1
        self.new.append(Citation(n=n, chunk=chunk, quote=quote))
        return n


# ------------------------------------------------------------------ the suggester


@dataclass(frozen=True, slots=True)
class _PeerCandidate:
    council: str
    council_type: str | None
    region: str | None
    chunk: Chunk
    evidence: Evidence
    score: float


class CatalogueSuggester:
    """Suggests peers, resources and next steps from the index and the structured catalogue.

    Thread-safe: holds configured dependencies and caches only.
    """

    def __init__(
        self,
        index: Index,
        catalogue: Catalogue,
        *,
        find_councils: Callable[[str], Sequence[Any]],
        tag_themes: Callable[[str], Sequence[str]],
        get_council: Callable[[str], Any] | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        from assistant.retrieval import CachedEmbedder

        self.index = index
        self.catalogue = catalogue
        self.find_councils = find_councils
        self.tag_themes = tag_themes
        self.get_council = get_council
        inner = embedder or index.embedder
        self.embedder: Embedder = (
            inner
            if isinstance(inner, CachedEmbedder)
            else CachedEmbedder(inner, max_entries=20_000)
        )
        self.resources = resource_entries(catalogue)
        self.elements = element_entries(catalogue)
        self._templates = _load_step_templates()
        self.find_councils("Warm Up Council")  # load the gazetteer now, not on the first answer
        self._resource_patterns = [_compile_names(r.names) for r in self.resources]
        self._element_patterns = [_compile_names((e.name,)) for e in self.elements]
        self._resource_vecs = self._embed_rows([f"{r.name}. {r.summary}" for r in self.resources])
        self._element_vecs = self._embed_rows(
            [f"{e.label}. {e.name}. {e.description}" for e in self.elements]
        )
        self._lock = threading.Lock()
        self._docs: dict[str, str] | None = None  # hint -> ingested document id
        self._docs_stamp: str | None = None  # last ingest time the map was built at
        self._pointer_order: list[int] | None = None
        self._static: dict[str, np.ndarray] = {}  # precomputed vectors of catalogue sentences
        self.warm_case_studies()

    # ---------------------------------------------------------------- public API

    def use_embedder(self, embedder: Embedder) -> None:
        """Share another cache of the same model (e.g. the Assistant's ``CachedEmbedder``, which
        already holds the question and the hits' sentences). Same model id required."""
        if embedder.model_id != self.embedder.model_id:
            raise ValueError(
                f"embedder {embedder.model_id} differs from the suggester's {self.embedder.model_id}"
            )
        self.embedder = embedder

    def suggest(
        self,
        *,
        question: str,
        audience: Audience,
        citations: Sequence[Citation],
        hits: Sequence[Hit],
        refused: bool,
    ) -> SuggestionSet:
        """Peers, resources and next steps for one answer (see the module docstring)."""
        numbering = CitationNumbering.after(citations)
        if refused:
            return SuggestionSet(
                resources=tuple(self.pointers(numbering)), citations=tuple(numbering.new)
            )
        qvec = self.embedder.embed([question])[0]
        themes = self._context_themes(question, hits)
        peers = self.peers(question, qvec, hits, numbering)
        resources = self.suggest_resources(qvec, themes, hits, numbering)
        steps = self.next_steps(qvec, themes, hits, audience, numbering)
        return SuggestionSet(
            peers=tuple(peers),
            resources=tuple(resources),
            next_steps=tuple(steps),
            citations=tuple(numbering.new),
        )

    # ---------------------------------------------------------------- peers

    def council_info(self, name: str) -> tuple[str | None, str | None]:
        """(type, region) of a council from the gazetteer (``(None, None)`` if unknown)."""
        council = self.get_council(name) if self.get_council else None
        return (council.type, council.region) if council else (None, None)

    def mentions(self, chunk: Chunk) -> list[tuple[Any, Evidence]]:
        """(Council, evidence sentence) for each distinct council named in ``chunk``'s text.

        When a council is named several times, a whole sentence outside a heading line wins.
        """
        by_council: dict[str, list[tuple[int, Any, Evidence]]] = {}
        for m in self.find_councils(chunk.text):
            if _names_a_place(chunk.text, m.start, m.surface):
                continue  # "launched in Birmingham" says where, not what a council did
            evidence = sentence_naming(chunk.text, m.start, m.end, m.surface)
            rank = (0 if evidence.whole else 2) + (
                1 if _in_heading_line(chunk.text, m.start) else 0
            )
            by_council.setdefault(m.council.name, []).append((rank, m.council, evidence))
        out = []
        for found in by_council.values():
            _, council, evidence = min(found, key=lambda f: f[0])
            out.append((council, evidence))
        return out

    def peer_candidates(
        self, question: str, qvec: np.ndarray, hits: Sequence[Hit], cited: set[str]
    ) -> list[_PeerCandidate]:
        """(council, passage) pairs from the hits and nearby passages, scored, best first.

        Passages are scored by their cosine to the question (plus a bonus when the answer
        cites them or retrieval returned them); each council keeps its best few passages, and
        only those sentences are embedded to score how well they match the question.
        """
        dense = dict(self.index.vectors.query(qvec, PEER_CANDIDATES))
        chunks: dict[str, Chunk] = {h.chunk.id: h.chunk for h in hits}
        hit_ids = set(chunks)
        extra_ids = [cid for cid in dense if cid not in chunks]
        for chunk in self.index.catalog.chunks(extra_ids):
            chunks[chunk.id] = chunk
        passage: dict[str, float] = {
            h.chunk.id: h.dense_score for h in hits if h.dense_score is not None
        }
        for cid, score in dense.items():
            passage.setdefault(cid, score)

        def passage_score(chunk_id: str) -> float:
            bonus = (
                PEER_CITED_BONUS
                if chunk_id in cited
                else PEER_HIT_BONUS
                if chunk_id in hit_ids
                else 0.0
            )
            return PEER_PASSAGE_W * float(passage.get(chunk_id, 0.0)) + bonus

        per_council: dict[str, list[tuple[float, Chunk, Any, Evidence]]] = {}
        for chunk in chunks.values():
            score = passage_score(chunk.id)
            for council, evidence in self.mentions(chunk):
                per_council.setdefault(council.name, []).append((score, chunk, council, evidence))
        found = [
            item
            for items in per_council.values()
            for item in sorted(items, key=lambda i: (-i[0], i[1].id))[:PEER_PASSAGES_PER_COUNCIL]
        ]
        if not found:
            return []
        sims = _cos(self.vectors([e.text for *_, e in found]), qvec)
        out = [
            _PeerCandidate(
                council=council.name,
                council_type=getattr(council, "type", None),
                region=getattr(council, "region", None),
                chunk=chunk,
                evidence=evidence,
                score=score + PEER_SENTENCE_W * float(sim),
            )
            for (score, chunk, council, evidence), sim in zip(found, sims, strict=True)
        ]
        out.sort(key=lambda c: (-c.score, c.council, c.chunk.id))
        return out

    def _case_study_options(self, council: str) -> list[tuple[Chunk, Evidence]]:
        study = self.catalogue.case_study(council)
        if study is None:
            return []
        return [
            (chunk, evidence)
            for chunk in self.catalogue_chunks((study.path, study.id), study.title)
            for c, evidence in self.mentions(chunk)
            if c.name == council and evidence.whole
        ]

    def case_study_evidence(self, council: str, qvec: np.ndarray) -> tuple[Chunk, Evidence] | None:
        """The sentence of the council's catalogue case study that names it and best matches
        the question (the catalogue says what the council did, in plain words)."""
        options = self._case_study_options(council)
        if not options:
            return None
        sims = _cos(self.vectors([e.text for _, e in options]), qvec)
        return options[int(np.argmax(sims))]

    def warm_case_studies(self) -> int:
        """Embed the case-study sentences naming each council once, up front (they are what
        peers quote); returns how many. Safe on an empty index (nothing to embed)."""
        texts = {
            evidence.text
            for study in self.catalogue.case_studies
            for _, evidence in self._case_study_options(study.council)
        }
        missing = sorted(t for t in texts if t not in self._static)
        if missing:
            vectors = self._embed_rows(missing)
            with self._lock:
                self._static.update(zip(missing, vectors, strict=True))
        return len(texts)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``: precomputed ones first, the rest embedded in one batch."""
        with self._lock:
            found = {t: self._static[t] for t in texts if t in self._static}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            found.update(zip(missing, self._embed_rows(missing), strict=True))
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    def peers(
        self, question: str, qvec: np.ndarray, hits: Sequence[Hit], numbering: CitationNumbering
    ) -> list[Suggestion]:
        """Up to three councils named in relevant passages, each cited to the naming passage."""
        best: dict[str, _PeerCandidate] = {}
        for cand in self.peer_candidates(question, qvec, hits, numbering.cited_ids):
            best.setdefault(cand.council, cand)
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.council))
        if not ranked:
            return []
        floor = ranked[0].score * PEER_RELATIVE_FLOOR
        out = []
        for cand in ranked[:MAX_PEERS]:
            if cand.score < floor:
                break
            # The catalogue case study says what the council did in plain words: prefer it,
            # unless the answer already quotes the council from this passage.
            if cand.chunk.doc_type != "case_study" and not numbering.quotes(
                cand.chunk.id, cand.evidence.needle
            ):
                better = self.case_study_evidence(cand.council, qvec)
                if better is not None:
                    cand = replace(cand, chunk=better[0], evidence=better[1])
            n = numbering.cite(cand.chunk, cand.evidence.quote, needle=cand.evidence.needle)
            out.append(
                Suggestion(
                    kind="peer",
                    title=cand.council,
                    why=cand.evidence.text,
                    citations=(n,),
                    council_type=cand.council_type,
                    region=cand.region,
                )
            )
        return out

    # ---------------------------------------------------------------- resources

    def _context_themes(self, question: str, hits: Sequence[Hit]) -> dict[str, float]:
        """Theme weights: the question's own tags count 1, each hit's tags decay with rank."""
        weights: dict[str, float] = {}
        for rank, hit in enumerate(hits[:8], 1):
            for theme in hit.chunk.themes:
                weights[theme] = weights.get(theme, 0.0) + 0.5 / rank
        for theme in self.tag_themes(question):
            weights[theme] = weights.get(theme, 0.0) + 1.0
        top = max(weights.values(), default=0.0) or 1.0
        return {t: w / top for t, w in weights.items()}

    def _catalogue_documents(self, *, refresh: bool = False) -> dict[str, str]:
        """Map each catalogue hint (source path, id, title) to an ingested document id.

        Built once; on ``refresh`` (a lookup missed) rebuilt only if an ingest has finished
        since, so catalogue files ingested after start-up are found without a restart, and an
        index without catalogue files is not rescanned on every lookup.
        """
        stamp = self.index.catalog.get_meta(META_LAST_INGEST) if refresh else None
        with self._lock:
            if self._docs is not None and (not refresh or stamp == self._docs_stamp):
                return self._docs
        stamp = self.index.catalog.get_meta(META_LAST_INGEST)
        mapping: dict[str, str] = {}
        records = [
            r
            for r in self.index.catalog.documents()
            if r.doc_type in ("framework", "resource", "case_study")
        ]
        for record in records:
            keys = {record.id, record.source, record.title.casefold()}
            source = record.source.replace("\\", "/")
            parts = source.split("/")
            for i in range(len(parts)):
                keys.add("/".join(parts[i:]))
            stem = Path(source).stem
            keys.add(stem)
            for key in keys:
                mapping.setdefault(key, record.id)
        with self._lock:
            self._docs = mapping
            self._docs_stamp = stamp
        return mapping

    def catalogue_chunks(self, hints: Sequence[str], name: str) -> list[Chunk]:
        """The ingested chunks of the catalogue document for an entry (by path, id or title)."""
        for refresh in (False, True):
            docs = self._catalogue_documents(refresh=refresh)
            for hint in (*hints, name.casefold()):
                key = hint.replace("\\", "/")
                doc_id = docs.get(key) or docs.get(Path(key).stem) or docs.get(key.casefold())
                if doc_id:
                    chunks = self.index.catalog.document_chunks(doc_id)
                    if chunks:
                        return chunks
        return []

    def best_passage(
        self, chunks: Sequence[Chunk], pattern: re.Pattern[str] | None, description: str
    ) -> tuple[Chunk, Evidence] | None:
        """The chunk (and sentence) that names the entry, else the one closest to its text."""
        if not chunks:
            return None
        if pattern is not None:
            # Prefer the sentence that names it AND shares most words with its description.
            words = set(re.findall(r"[a-z]{4,}", description.lower()))
            best: tuple[int, Chunk, Evidence] | None = None
            for chunk in chunks:
                for m in pattern.finditer(chunk.text):
                    ev = sentence_naming(chunk.text, m.start(), m.end(), m.group(0))
                    if ev.needle.casefold() not in ev.quote.casefold():
                        continue
                    overlap = len(words & set(re.findall(r"[a-z]{4,}", ev.text.lower())))
                    if not ev.whole:
                        continue  # named only in a heading or a broken line: quote a sentence
                    if best is None or overlap > best[0]:
                        best = (overlap, chunk, ev)
            if best is not None:
                return best[1], best[2]
        words = set(re.findall(r"[a-z]{4,}", description.lower()))
        scored = []
        for chunk in chunks:
            for sentence in split_sentences(chunk.text):
                overlap = len(words & set(re.findall(r"[a-z]{4,}", sentence.text.lower())))
                scored.append((overlap, -chunk.position, -sentence.index, chunk, sentence))
        if not scored:
            chunk = chunks[0]
            text = normalise_whitespace(chunk.text)[:WHY_MAX_CHARS]
            return chunk, Evidence(quote=text, text=text)
        _, _, _, chunk, sentence = max(scored, key=lambda s: s[:3])
        return chunk, Evidence(quote=sentence.quote, text=sentence.text)

    def resource_citation(
        self, i: int, hits: Sequence[Hit], numbering: CitationNumbering
    ) -> int | None:
        """Citation for resource ``i``: an answer passage naming it, else its catalogue
        passage, else another hit naming it; ``None`` when no indexed passage evidences it."""
        resource, pattern = self.resources[i], self._resource_patterns[i]
        named: list[Hit] = [h for h in hits if pattern is not None and pattern.search(h.chunk.text)]
        for hit in named:
            known = numbering.answer_number(hit.chunk.id)
            if known is not None:
                return known
        own = self.best_passage(
            self.catalogue_chunks(resource.hints, resource.name), pattern, resource.summary
        )
        if own is not None:
            return numbering.cite(own[0], own[1].quote, needle=own[1].needle)
        for hit in named:
            found = self.best_passage([hit.chunk], pattern, resource.summary)
            if found is not None:
                return numbering.cite(found[0], found[1].quote, needle=found[1].needle)
        return None

    def suggest_resources(
        self,
        qvec: np.ndarray,
        themes: dict[str, float],
        hits: Sequence[Hit],
        numbering: CitationNumbering,
    ) -> list[Suggestion]:
        """Up to three catalogue resources relevant to the question, each cited."""
        if not self.resources:
            return []
        sims = _cos(self._resource_vecs, qvec)
        cited = [h for h in hits if h.chunk.id in numbering.cited_ids]
        top = list(hits[:RES_NAMED_TOP])
        scored = []
        for i, resource in enumerate(self.resources):
            theme_score = max((themes.get(t, 0.0) for t in resource.themes), default=0.0)
            pattern = self._resource_patterns[i]
            named = 0.0
            if pattern is not None:
                if any(pattern.search(h.chunk.text) for h in cited):
                    named = RES_NAMED_CITED_W
                elif any(pattern.search(h.chunk.text) for h in top):
                    named = RES_NAMED_TOP_W
            scored.append((float(sims[i]) + RES_THEME_W * theme_score + named, i))
        scored.sort(key=lambda s: (-s[0], s[1]))
        floor: float | None = None  # relative to the best resource that can be cited
        out: list[Suggestion] = []
        for score, i in scored:
            if len(out) == MAX_RESOURCES or (floor is not None and score < floor):
                break
            n = self.resource_citation(i, hits, numbering)
            if n is None:
                continue  # no indexed passage evidences it (catalogue file not ingested)
            if floor is None:
                floor = score * RES_RELATIVE_FLOOR
            resource = self.resources[i]
            out.append(
                Suggestion(
                    kind="resource",
                    title=resource.name,
                    why=first_sentence(resource.summary) or resource.name,
                    citations=(n,),
                    url=resource.url,
                )
            )
        return out

    def pointers(self, numbering: CitationNumbering, limit: int = 2) -> list[Suggestion]:
        """For refused questions: the catalogue entries the index holds most evidence about."""
        template = self._templates.get("pointer", "{summary}")
        out: list[Suggestion] = []
        for i in self._pointer_ranking():
            if len(out) == limit:
                break
            n = self.resource_citation(i, (), numbering)
            if n is None:
                continue
            resource = self.resources[i]
            out.append(
                Suggestion(
                    kind="resource",
                    title=resource.name,
                    why=template.format(
                        name=resource.name, summary=first_sentence(resource.summary)
                    ).strip(),
                    citations=(n,),
                    url=resource.url,
                )
            )
        return out

    def _pointer_ranking(self) -> list[int]:
        """Resources to point to when refusing: the LGA frameworks (what the corpus is built
        around) first, each group ordered by how many indexed passages name it."""
        with self._lock:
            if self._pointer_order is not None:
                return self._pointer_order
        counts = []
        for i, resource in enumerate(self.resources):
            pattern = self._resource_patterns[i]
            ids = [cid for cid, _ in self.index.keyword.search(resource.name, 100)]
            named = 0
            if pattern is not None and ids:
                named = sum(1 for c in self.index.catalog.chunks(ids) if pattern.search(c.text))
            counts.append((not resource.framework, -named, i))
        order = [i for *_, i in sorted(counts)]
        with self._lock:
            self._pointer_order = order
        return order

    # ---------------------------------------------------------------- next steps

    def rank_elements(
        self,
        qvec: np.ndarray,
        themes: dict[str, float],
        hits: Sequence[Hit],
        audience: Audience = "officer",
    ) -> list[tuple[float, int]]:
        """(score, element index), best first: cosine of the question to the element, theme
        support from the question and hits, and a nudge towards councillor frameworks for
        councillors (and away from them for officers)."""
        sims = _cos(self._element_vecs, qvec)
        scored = []
        for i, element in enumerate(self.elements):
            support = max((themes.get(t, 0.0) for t in (*element.themes, element.id)), default=0.0)
            nudge = 0.0
            if element.for_councillors:
                nudge = STEP_AUDIENCE_W if audience == "councillor" else -STEP_AUDIENCE_W
            scored.append((float(sims[i]) + STEP_THEME_W * support + nudge, i))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return scored

    def step_text(self, element: ElementEntry, audience: Audience) -> str:
        """The actionable step for ``element``, from its framework's template."""
        templates = self._templates.get("steps", {})
        per_fw = templates.get(element.framework_id) or templates.get("default", {})
        template = per_fw.get(audience) or templates.get("default", {}).get(
            audience, "{description}"
        )
        description = first_sentence(element.description) or element.name
        return _tidy(
            template.format(
                element=element.name,
                element_lc=_lower_first(element.name),
                framework=element.framework_name,
                description=description,
                description_lc=_lower_first(description).rstrip("."),
                action=element.action or description,
                action_lc=_lower_first(element.action or description).rstrip("."),
            )
        )

    def element_citation(self, i: int, numbering: CitationNumbering) -> int | None:
        element = self.elements[i]
        chunks = self.catalogue_chunks(element.hints, element.framework_name)
        found = self.best_passage(chunks, self._element_patterns[i], element.description)
        if found is None:
            return None
        return numbering.cite(found[0], found[1].quote, needle=found[1].needle)

    def next_steps(
        self,
        qvec: np.ndarray,
        themes: dict[str, float],
        hits: Sequence[Hit],
        audience: Audience,
        numbering: CitationNumbering,
        *,
        focus: Sequence[str] = (),
    ) -> list[Suggestion]:
        """Two to four steps, each naming its framework element, at most two per framework.

        ``focus`` (element ids) puts those elements first (the self-assessment's weak areas).
        """
        ranked = self.rank_elements(qvec, themes, hits, audience)
        if focus:
            ranked.sort(key=lambda s: (self.elements[s[1]].id not in focus, -s[0], s[1]))
        if not ranked:
            return []
        floor = ranked[0][0] * STEP_RELATIVE_FLOOR
        out: list[Suggestion] = []
        per_fw: dict[str, int] = {}
        for score, i in ranked:
            if len(out) == MAX_STEPS:
                break
            element = self.elements[i]
            if len(out) >= MIN_STEPS and score < floor and element.id not in focus:
                break
            if per_fw.get(element.framework_id, 0) >= STEPS_PER_FRAMEWORK:
                continue
            n = self.element_citation(i, numbering)
            if n is None:
                continue
            per_fw[element.framework_id] = per_fw.get(element.framework_id, 0) + 1
            out.append(
                Suggestion(
                    kind="next_step",
                    title=self.step_text(element, audience),
                    why=first_sentence(element.description),
                    citations=(n,),
                    url=element.url,
                    framework=element.label,
                )
            )
        return out

    # ---------------------------------------------------------------- helpers

    def _embed_rows(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.asarray(self.embedder.embed(list(texts)), dtype=np.float32)


def first_sentence(text: str) -> str:
    sentences = split_sentences(text) if text else []
    return sentences[0].text if sentences else normalise_whitespace(text)


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _tidy(text: str) -> str:
    text = normalise_whitespace(text)
    text = re.sub(r"\.\.+$", ".", text)
    return text if text.endswith((".", "?", "!")) else text + "."


def _load_step_templates() -> dict[str, Any]:
    with (_PROMPTS / "suggest_next_steps.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return data


def build_suggester_from(index: Index, catalogue: Catalogue) -> CatalogueSuggester:
    """A ``CatalogueSuggester`` over ``index`` and a loaded catalogue, with the packaged
    gazetteer and theme taxonomy."""
    from assistant.knowledge import gazetteer, themes

    return CatalogueSuggester(
        index,
        catalogue,
        find_councils=gazetteer.find_councils,
        tag_themes=themes.tag_themes,
        get_council=gazetteer.get_council,
    )


def load_catalogue(settings: Settings) -> Catalogue:
    """The structured catalogue in ``settings.corpus_dir`` (frameworks, resources, cases)."""
    from assistant.knowledge.catalogue import load_catalogue as _load

    return _load(settings.corpus_dir)


def build_suggester(settings: Settings, index: Index) -> CatalogueSuggester | None:
    """The suggester for ``index``, with the catalogue read from ``settings.corpus_dir``.

    ``None`` (answers without suggestions, and a warning in the log) when there is no catalogue
    folder; a malformed catalogue file still raises ``ConfigurationError`` naming the file.
    """
    if not Path(settings.corpus_dir).is_dir():
        logger.warning(
            "No catalogue folder at %s: answers will have no suggestions. Set "
            "LGA_ASSISTANT_CORPUS_DIR to the project's corpus/ folder.",
            settings.corpus_dir,
        )
        return None
    return build_suggester_from(index, load_catalogue(settings))
