"""Officer tools: the case-study finder, the TIEx-style self-assessment and evidence packs.

- ``find_cases(index, catalogue, query=..., theme=..., council_type=..., region=...)``: councils
  and what they did, each with citations, from catalogue case studies and from council mentions
  in every ingested document; ranked by relevance to the query (or, without one, by the amount
  of evidence).
- ``assess(ratings, index=..., catalogue=...)``: ratings 1-5 on the TIEx focus areas (and
  optionally the 7Cs); for the weakest areas, next steps, resources and peers with citations.
- ``make_pack(question, assistant=..., index=..., catalogue=...)``: ask, find cases, render the
  evidence pack (``assistant.pack``).

Only councils named in an indexed passage are ever returned (the gazetteer finds them in the
passage text); the passage is cited and its sentence naming the council is the quote.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import InputError
from assistant.guardrails import check_audience
from assistant.serialize import citation_to_dict, next_step_to_dict, peer_to_dict, resource_to_dict
from assistant.suggestions import (
    PEER_PASSAGE_W,
    PEER_SENTENCE_W,
    CatalogueSuggester,
    CitationNumbering,
    ElementEntry,
    Evidence,
    build_suggester_from,
    first_sentence,
)
from assistant.types import Answer, Audience, Chunk, Citation, Hit, Suggestion

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.knowledge.catalogue import Catalogue
    from assistant.pack import PackFormat

# The five TIEx focus areas as the catalogue names them (rating keys may be these names, the
# catalogue element ids such as "capacity_to_deliver", or labels like "TIEx: capacity to deliver").
TIEX_AREAS = (
    "understanding of local place and priority setting",
    "leadership of place",
    "financial planning and viability",
    "organisational leadership and governance",
    "capacity to deliver",
)
CASE_CANDIDATES = 120  # dense and keyword candidates searched for council mentions
CASE_QUOTES = 3  # citations kept per council
CASE_RESCORE = 3  # passages per council whose naming sentence is scored against the query
PACK_CASE_RATIO = 0.75  # a pack's extra case studies score at least this share of the best
CASE_STUDY_RELEVANCE = 1.0  # without a query, every passage counts the same
SCAN_BATCH = 500


# ------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class CaseResult:
    """A council and what it did, with the passages that say so."""

    council: str
    council_type: str | None
    region: str | None
    themes: tuple[str, ...]
    what: str
    citations: tuple[Citation, ...]
    score: float


@dataclass(frozen=True, slots=True)
class AreaResult:
    """One of the weakest self-assessment areas and what to do about it.

    Citation numbers in ``next_steps``, ``resources`` and ``peers`` refer to ``citations``.
    """

    area: str  # element id, e.g. "capacity_to_deliver"
    label: str  # "TIEx: capacity to deliver"
    rating: int
    next_steps: tuple[Suggestion, ...]
    resources: tuple[Suggestion, ...]
    peers: tuple[Suggestion, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The ratings as understood (area id -> rating) and the weakest areas, weakest first."""

    ratings: tuple[tuple[str, int], ...]
    weakest: tuple[AreaResult, ...]


_TOOLS: OrderedDict[int, tuple[Index, Catalogue, CatalogueSuggester]] = OrderedDict()
_TOOLS_LOCK = threading.Lock()


def resolve_catalogue(index: Index, catalogue: Any = None) -> Catalogue:
    """``catalogue`` if it is a loaded ``Catalogue``, else the one in the index's settings
    (``settings.corpus_dir``), loaded once per process."""
    from assistant.knowledge.catalogue import Catalogue, default_catalogue

    if isinstance(catalogue, Catalogue):
        return catalogue
    return default_catalogue(index.settings.corpus_dir)


def officer_suggester(
    index: Index,
    catalogue: Any = None,
    *,
    suggester: CatalogueSuggester | None = None,
    assistant: Any = None,
) -> CatalogueSuggester:
    """The suggester the officer tools use: the one given, the assistant's own (same index),
    or one built once per (index, catalogue) and cached (building embeds the catalogue)."""
    if suggester is not None:
        return suggester
    own = getattr(assistant, "suggester", None)
    if (
        isinstance(own, CatalogueSuggester)
        and own.index is index
        and (catalogue is None or own.catalogue is catalogue)
    ):
        return own
    resolved = resolve_catalogue(index, catalogue)
    key = id(index)
    with _TOOLS_LOCK:
        cached = _TOOLS.get(key)
        if cached and cached[0] is index and cached[1] is resolved:
            _TOOLS.move_to_end(key)
            return cached[2]
    built = build_suggester_from(index, resolved)
    with _TOOLS_LOCK:
        _TOOLS[key] = (index, resolved, built)
        while len(_TOOLS) > 4:
            _TOOLS.popitem(last=False)
    return built


# ------------------------------------------------------------------ case-study finder


@dataclass(slots=True)
class _Council:
    name: str
    council_type: str | None
    region: str | None
    evidence: list[tuple[float, Chunk, Evidence]]
    themes: set[str]
    summary: str | None = None
    best: float = 0.0


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text).strip().casefold()


def _matches(value: str | None, wanted: str | None) -> bool:
    if not wanted:
        return True
    return bool(value) and _norm(wanted) in _norm(value or "")


def _theme_matches(themes: set[str], wanted: str | None) -> bool:
    if not wanted:
        return True
    want = _norm(wanted)
    return any(want == _norm(t) or want in _norm(t) for t in themes)


def _candidate_chunks(
    index: Index, suggester: CatalogueSuggester, query: str | None
) -> list[tuple[Chunk, float]]:
    """(chunk, relevance) pairs to look for councils in.

    With a query: dense and keyword candidates (relevance = cosine + a keyword share).
    Without: every chunk tagged with a council or from a case study (relevance 1).
    """
    if query:
        qvec = suggester.embedder.embed([query])[0]
        dense = dict(index.vectors.query(np.asarray(qvec), CASE_CANDIDATES))
        keyword = index.keyword.search(query, CASE_CANDIDATES)
        top_kw = max((s for _, s in keyword), default=0.0) or 1.0
        scores = {cid: float(s) for cid, s in dense.items()}
        for cid, s in keyword:
            scores[cid] = scores.get(cid, 0.0) + 0.15 * float(s) / top_kw
        chunks = index.catalog.chunks(list(scores))
        return [(c, scores[c.id]) for c in chunks]
    ids = sorted(index.catalog.all_chunk_ids())
    out: list[tuple[Chunk, float]] = []
    for i in range(0, len(ids), SCAN_BATCH):
        for chunk in index.catalog.chunks(ids[i : i + SCAN_BATCH]):
            if chunk.councils or chunk.doc_type == "case_study":
                out.append((chunk, 1.0))
    return out


def find_cases(
    index: Index,
    catalogue: Catalogue | None = None,
    *,
    query: str | None = None,
    theme: str | None = None,
    council_type: str | None = None,
    region: str | None = None,
    limit: int = 10,
    min_score_ratio: float = 0.0,
    suggester: CatalogueSuggester | None = None,
) -> list[CaseResult]:
    """Councils and what they did, with citations, best first.

    Ranked by the relevance of their best passage to ``query`` (cosine, plus a little for more
    evidence); without a query, by the number of passages that name them. ``theme`` matches a
    theme id or label fragment; ``council_type`` and ``region`` match the gazetteer's values
    (case-insensitive, partial). Citations are numbered 1.. across the whole result list.
    ``min_score_ratio`` drops councils scoring under that share of the best one (the evidence
    pack uses it to keep only close matches).
    """
    if limit < 1:
        raise InputError("limit must be at least 1.")
    query = (query or "").strip() or None
    if theme:
        from assistant.knowledge.filters import theme_for_cases

        theme = theme_for_cases(theme)  # an id, label or id fragment; unknown -> InputError
    tool = officer_suggester(index, catalogue, suggester=suggester)
    councils: dict[str, _Council] = {}

    def council_entry(council: Any) -> _Council:
        entry = councils.get(council.name)
        if entry is None:
            entry = _Council(council.name, council.type, council.region, [], set())
            councils[council.name] = entry
        return entry

    for chunk, relevance in _candidate_chunks(index, tool, query):
        for council, evidence in tool.mentions(chunk):
            council_entry(council).evidence.append((relevance, chunk, evidence))

    # Catalogue case studies: our own summary of what the council did, cited to its passage.
    qvec = tool.embedder.embed([query])[0] if query else None
    for study in tool.catalogue.case_studies:
        council = tool.get_council(study.council) if tool.get_council else None
        if council is None:
            continue
        chunks = tool.catalogue_chunks((study.path, study.id), study.title or study.council)
        named = [
            (chunk, ev)
            for chunk in chunks
            for c, ev in tool.mentions(chunk)
            if c.name == council.name and ev.whole
        ]
        if not named:
            continue  # never cite a case study whose passage does not name the council
        entry = council_entry(council)
        relevance = CASE_STUDY_RELEVANCE
        if qvec is not None:
            relevance = float(tool.embedder.embed([f"{study.council}. {study.summary}"])[0] @ qvec)
        if not any(c.id == named[0][0].id for _, c, _ in entry.evidence):
            entry.evidence.append((relevance, *named[0]))
        else:  # already found by the search: the case study's own relevance counts
            entry.evidence = [
                (max(r, relevance) if c.id == named[0][0].id else r, c, e)
                for r, c, e in entry.evidence
            ]
        entry.summary = study.summary or entry.summary
        entry.themes.update(study.themes)

    for entry in councils.values():
        for _, _, evidence in entry.evidence:
            entry.themes.update(tool.tag_themes(evidence.text))
    kept = [
        entry
        for entry in councils.values()
        if _matches(entry.council_type, council_type)
        and _matches(entry.region, region)
        and _theme_matches(entry.themes, theme)
    ]
    for entry in kept:
        if theme:
            themed = [
                e for e in entry.evidence if _theme_matches(set(tool.tag_themes(e[2].text)), theme)
            ]
            entry.evidence = themed or entry.evidence
        entry.evidence.sort(key=lambda e: (-e[0], e[1].doc_type != "case_study", e[1].id))
    if qvec is not None:
        _rescore_by_sentence(tool, kept, qvec)
    results: list[tuple[float, _Council]] = []
    for entry in kept:
        distinct = {e[1].id for e in entry.evidence}
        if qvec is not None:
            score = entry.evidence[0][0] + 0.02 * min(len(distinct), 5)
        else:
            score = float(len(distinct)) + (0.5 if entry.summary else 0.0)
        results.append((score, entry))
    results.sort(key=lambda r: (-r[0], r[1].name))
    if results and min_score_ratio > 0:
        floor = results[0][0] * min_score_ratio
        results = [r for r in results if r[0] >= floor]

    numbering = CitationNumbering.after(())
    out: list[CaseResult] = []
    for score, entry in results[:limit]:
        cited: dict[int, Citation] = {}
        # Whole sentences first: a window cut around a name is the quote of last resort.
        for _, chunk, evidence in sorted(entry.evidence, key=lambda e: not e[2].whole):
            n = numbering.cite(chunk, evidence.quote, needle=evidence.needle or None)
            if n not in cited:
                cited[n] = next(c for c in (*numbering.answer, *numbering.new) if c.n == n)
            if len(cited) == CASE_QUOTES:
                break
        out.append(
            CaseResult(
                council=entry.name,
                council_type=entry.council_type,
                region=entry.region,
                themes=tuple(sorted(entry.themes)),
                what=entry.summary or entry.evidence[0][2].text,
                citations=tuple(cited.values()),
                score=round(score, 4),
            )
        )
    return out


def _rescore_by_sentence(tool: CatalogueSuggester, entries: list[_Council], qvec: Any) -> None:
    """Blend each council's best passages' cosine with the cosine of the sentence naming it
    (a page naming ten councils should not rank all ten alike), then re-sort its evidence."""
    pool = [(entry, i) for entry in entries for i in range(min(CASE_RESCORE, len(entry.evidence)))]
    if not pool:
        return
    texts = [entry.evidence[i][2].text for entry, i in pool]
    sims = np.asarray(tool.embedder.embed(texts), dtype=np.float32) @ np.asarray(qvec)
    for (entry, i), sim in zip(pool, sims, strict=True):
        relevance, chunk, evidence = entry.evidence[i]
        blended = PEER_PASSAGE_W * relevance + PEER_SENTENCE_W * float(sim)
        entry.evidence[i] = (blended, chunk, evidence)
    for entry in entries:
        head = sorted(entry.evidence[:CASE_RESCORE], key=lambda e: (-e[0], e[1].id))
        # Passages beyond the re-scored head keep their order after it.
        entry.evidence = head + entry.evidence[CASE_RESCORE:]


def case_to_dict(case: CaseResult) -> dict[str, Any]:
    """JSON form of a case result (for the CLI's ``--json`` and the API)."""
    return {
        "council": case.council,
        "type": case.council_type,
        "region": case.region,
        "themes": list(case.themes),
        "what": case.what,
        "score": case.score,
        "citations": [citation_to_dict(c) for c in case.citations],
    }


# ------------------------------------------------------------------ self-assessment


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def assessment_areas(suggester: CatalogueSuggester) -> list[ElementEntry]:
    """The areas a council can rate: the TIEx focus areas, then the 7Cs."""
    tiex = [e for e in suggester.elements if "tiex" in e.framework_id.casefold()]
    sevens = [e for e in suggester.elements if "7c" in e.framework_id.casefold()]
    return tiex + sevens


def _area_keys(element: ElementEntry) -> set[str]:
    fw = _slug(element.framework_id)
    keys = {_slug(element.id), _slug(element.name), _slug(element.label)}
    keys |= {f"{fw}_{k}" for k in list(keys)}
    for k in list(keys):
        keys.add(re.sub(rf"^{re.escape(fw)}_", "", k))
    return keys


def parse_ratings(
    ratings: Mapping[str, Any], areas: Sequence[ElementEntry]
) -> list[tuple[ElementEntry, int]]:
    """Validate ratings: known areas, integers 1-5, each area once. InputError otherwise."""
    if not ratings:
        raise InputError(
            "No ratings given: rate at least one area from 1 to 5, e.g. "
            "--rating capacity_to_deliver=2."
        )
    lookup: dict[str, ElementEntry] = {}
    ambiguous: set[str] = set()
    for element in areas:
        for key in _area_keys(element):
            if key in lookup and lookup[key] is not element:
                ambiguous.add(key)
            lookup.setdefault(key, element)
    known = ", ".join(_slug(a.id) for a in areas)
    out: list[tuple[ElementEntry, int]] = []
    seen: set[str] = set()
    for raw_key, raw_value in ratings.items():
        key = _slug(str(raw_key))
        if key in ambiguous:
            raise InputError(
                f"Area {raw_key!r} is ambiguous: prefix it with its framework, e.g. "
                f"tiex:{key} or 7cs:{key}."
            )
        found = lookup.get(key)
        if found is None:
            raise InputError(f"Unknown area {raw_key!r}: use one of {known}.")
        element = found
        if isinstance(raw_value, bool):
            raise InputError(f"Rating for {raw_key!r} must be a whole number from 1 to 5.")
        if isinstance(raw_value, str) and raw_value.strip().isdigit():
            raw_value = int(raw_value.strip())
        if isinstance(raw_value, float) and raw_value.is_integer():
            raw_value = int(raw_value)
        if not isinstance(raw_value, int) or not 1 <= raw_value <= 5:
            raise InputError(
                f"Rating for {raw_key!r} must be a whole number from 1 to 5, not {raw_value!r}."
            )
        uid = f"{element.framework_id}:{element.id}"
        if uid in seen:
            raise InputError(f"Area {raw_key!r} is rated twice: give each area one rating.")
        seen.add(uid)
        out.append((element, raw_value))
    return out


def weakest_areas(
    rated: Sequence[tuple[ElementEntry, int]], *, limit: int = 3
) -> list[tuple[ElementEntry, int]]:
    """The areas with the lowest rating (ties all kept, in the order given), at most ``limit``."""
    if not rated:
        return []
    low = min(r for _, r in rated)
    return [(e, r) for e, r in rated if r == low][:limit]


def _retrieve(index: Index, suggester: CatalogueSuggester, assistant: Any, query: str) -> list[Hit]:
    retriever = getattr(assistant, "retriever", None) if assistant is not None else None
    if retriever is None:
        from assistant.retrieval import Retriever

        retriever = Retriever(index, index.settings.retrieval, embedder=suggester.embedder)
    return list(retriever.retrieve(query))


def assess(
    ratings: Mapping[str, Any],
    *,
    index: Index,
    catalogue: Catalogue | None = None,
    assistant: Any = None,
    audience: Audience = "officer",
    suggester: CatalogueSuggester | None = None,
) -> Assessment:
    """Self-assessment: validate ``ratings`` and advise on the weakest areas (at most three).

    Each weak area gets a retrieval with a query built from its description, then next steps
    (the area's own framework element first), resources and peers, cited; citation numbers
    in an ``AreaResult`` refer to its own ``citations``.
    """
    check_audience(audience)
    tool = officer_suggester(index, catalogue, suggester=suggester, assistant=assistant)
    areas = assessment_areas(tool)
    if not areas:
        raise InputError(
            "The catalogue has no TIEx focus areas to rate: check that corpus/ holds the "
            "frameworks and run `lga-assistant ingest`."
        )
    rated = parse_ratings(ratings, areas)
    results: list[AreaResult] = []
    for element, rating in weakest_areas(rated):
        query = f"{element.name}: {first_sentence(element.description)}"
        hits = _retrieve(index, tool, assistant, query)
        qvec = tool.embedder.embed([query])[0]
        themes = tool._context_themes(query, hits)
        numbering = CitationNumbering.after(())
        steps = tool.next_steps(qvec, themes, hits, audience, numbering, focus=(element.id,))
        resources = tool.suggest_resources(qvec, themes, hits, numbering)
        peers = tool.peers(query, qvec, hits, numbering)
        results.append(
            AreaResult(
                area=element.id,
                label=element.label,
                rating=rating,
                next_steps=tuple(steps),
                resources=tuple(resources),
                peers=tuple(peers),
                citations=tuple(numbering.new),
            )
        )
    return Assessment(
        ratings=tuple((e.id, r) for e, r in rated),
        weakest=tuple(results),
    )


def area_to_dict(area: AreaResult) -> dict[str, Any]:
    return {
        "area": area.area,
        "label": area.label,
        "rating": area.rating,
        "next_steps": [next_step_to_dict(s) for s in area.next_steps],
        "resources": [resource_to_dict(s) for s in area.resources],
        "peers": [peer_to_dict(s) for s in area.peers],
        "citations": [citation_to_dict(c) for c in area.citations],
    }


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """JSON form of an assessment (for the CLI's ``--json`` and the API)."""
    return {
        "ratings": dict(assessment.ratings),
        "weakest": [area_to_dict(a) for a in assessment.weakest],
    }


# ------------------------------------------------------------------ evidence pack


def pack_for_answer(
    answer: Answer,
    *,
    index: Index,
    catalogue: Catalogue | None = None,
    fmt: PackFormat = "docx",
    cases: int = 5,
    assistant: Any = None,
    suggester: CatalogueSuggester | None = None,
) -> bytes:
    """The evidence pack for an answer already given: up to ``cases`` related case studies
    (none for a refused answer) added to its peers, rendered as DOCX or Markdown bytes."""
    from assistant.pack import build_pack

    found: list[CaseResult] = []
    if not answer.refused and cases > 0:
        tool = officer_suggester(index, catalogue, suggester=suggester, assistant=assistant)
        found = find_cases(
            index,
            tool.catalogue,
            query=answer.standalone_question or answer.question,
            limit=cases,
            min_score_ratio=PACK_CASE_RATIO,
            suggester=tool,
        )
    return build_pack(answer, found, fmt=fmt)


def make_pack(
    question: str,
    *,
    assistant: Any,
    index: Index | None = None,
    catalogue: Catalogue | None = None,
    audience: Audience = "officer",
    fmt: PackFormat = "docx",
    cases: int = 5,
    suggester: CatalogueSuggester | None = None,
) -> bytes:
    """Ask ``question`` (``assistant.ask``), then ``pack_for_answer``.

    A refused question gets a pack that says so, with no case studies.
    """
    answer = assistant.ask(question, audience=audience)
    return pack_for_answer(
        answer,
        index=index or assistant.index,
        catalogue=catalogue,
        fmt=fmt,
        cases=cases,
        assistant=assistant,
        suggester=suggester,
    )
