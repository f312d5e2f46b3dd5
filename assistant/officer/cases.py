"""The case-study finder: councils and what they did, each with citations.

Candidates come from catalogue case studies and from council mentions in every ingested
document (the suggester's gazetteer lookups); ranked by relevance to the query (or, without
one, by the amount of evidence). Only councils named in an indexed passage are ever returned;
the passage is cited and its sentence naming the council is the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.errors import InputError
from assistant.knowledge.gazetteer import Council
from assistant.officer.types import CaseQuery, CaseResult
from assistant.officer.weights import WEIGHTS, CaseWeights
from assistant.serialize import citation_to_dict
from assistant.suggestions import CatalogueSuggester, CitationNumbering, Evidence
from assistant.types import Chunk, Citation

SCAN_BATCH = 500  # chunk ids read from the catalogue at a time (memory, not ranking)


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
    suggester: CatalogueSuggester, query: str | None, w: CaseWeights
) -> list[tuple[Chunk, float]]:
    """(chunk, relevance) pairs to look for councils in.

    With a query: dense and keyword candidates (relevance = cosine + a keyword share).
    Without: every chunk tagged with a council or from a case study (all equally relevant).
    """
    index = suggester.index
    if query:
        qvec = suggester.embedder.embed([query])[0]
        dense = dict(index.vectors.query(np.asarray(qvec), w.candidates))
        keyword = index.keyword.search(query, w.candidates)
        top_kw = max((s for _, s in keyword), default=0.0) or 1.0
        scores = {cid: float(s) for cid, s in dense.items()}
        for cid, s in keyword:
            scores[cid] = scores.get(cid, 0.0) + w.keyword * float(s) / top_kw
        chunks = index.catalog.chunks(list(scores))
        return [(c, scores[c.id]) for c in chunks]
    ids = sorted(index.catalog.all_chunk_ids())
    out: list[tuple[Chunk, float]] = []
    for i in range(0, len(ids), SCAN_BATCH):
        for chunk in index.catalog.chunks(ids[i : i + SCAN_BATCH]):
            if chunk.councils or chunk.doc_type == "case_study":
                out.append((chunk, w.no_query_relevance))
    return out


def find_cases(
    suggester: CatalogueSuggester, request: CaseQuery, *, weights: CaseWeights = WEIGHTS.cases
) -> list[CaseResult]:
    """Councils and what they did, with citations, best first.

    Ranked by the relevance of their best passage to ``request.query`` (cosine, plus a little
    for more evidence); without a query, by the number of passages that name them. Citations
    are numbered 1.. across the whole result list. See ``CaseQuery`` for the filters and
    ``weights.CaseWeights`` for the scoring numbers.
    """
    w = weights
    limit = request.limit
    council_type, region, min_score_ratio = (
        request.council_type,
        request.region,
        request.min_score_ratio,
    )
    if limit < 1:
        raise InputError("limit must be at least 1.")
    query = (request.query or "").strip() or None
    theme = request.theme
    if theme:
        from assistant.knowledge.filters import theme_for_cases

        theme = theme_for_cases(theme)  # an id, label or id fragment; unknown -> InputError
    tool = suggester
    councils: dict[str, _Council] = {}

    def council_entry(council: Council) -> _Council:
        entry = councils.get(council.name)
        if entry is None:
            entry = _Council(council.name, council.type, council.region, [], set())
            councils[council.name] = entry
        return entry

    for chunk, relevance in _candidate_chunks(tool, query, w):
        for council, evidence in tool.mentions(chunk):
            council_entry(council).evidence.append((relevance, chunk, evidence))

    # Catalogue case studies: our own summary of what the council did, cited to its passage.
    qvec = tool.embedder.embed([query])[0] if query else None
    for study in tool.catalogue.case_studies:
        named_council = tool.council(study.council)
        if named_council is None:
            continue
        chunks = tool.catalogue_chunks((study.path, study.id), study.title or study.council)
        named = [
            (chunk, ev)
            for chunk in chunks
            for c, ev in tool.mentions(chunk)
            if c.name == named_council.name and ev.whole
        ]
        if not named:
            continue  # never cite a case study whose passage does not name the council
        entry = council_entry(named_council)
        relevance = w.no_query_relevance
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
        _rescore_by_sentence(tool, kept, qvec, w)
    results: list[tuple[float, _Council]] = []
    for entry in kept:
        distinct = {e[1].id for e in entry.evidence}
        if qvec is not None:
            score = entry.evidence[0][0] + w.evidence * min(len(distinct), w.evidence_cap)
        else:
            score = float(len(distinct)) + (w.summary_bonus if entry.summary else 0.0)
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
            if len(cited) == w.quotes:
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
    # A passage cited for two councils has one number; its quote, widened by the later
    # ``cite``, is the one every case shows.
    out = [replace(r, citations=tuple(numbering.final(c.n) or c for c in r.citations)) for r in out]
    return out


def _rescore_by_sentence(
    tool: CatalogueSuggester, entries: list[_Council], qvec: np.ndarray, w: CaseWeights
) -> None:
    """Blend each council's best passages' cosine with the cosine of the sentence naming it
    (a page naming ten councils should not rank all ten alike), then re-sort its evidence."""
    pool = [(entry, i) for entry in entries for i in range(min(w.rescore, len(entry.evidence)))]
    if not pool:
        return
    texts = [entry.evidence[i][2].text for entry, i in pool]
    sims = np.asarray(tool.embedder.embed(texts), dtype=np.float32) @ np.asarray(qvec)
    for (entry, i), sim in zip(pool, sims, strict=True):
        relevance, chunk, evidence = entry.evidence[i]
        blended = w.passage * relevance + w.sentence * float(sim)
        entry.evidence[i] = (blended, chunk, evidence)
    for entry in entries:
        head = sorted(entry.evidence[: w.rescore], key=lambda e: (-e[0], e[1].id))
        # Passages beyond the re-scored head keep their order after it.
        entry.evidence = head + entry.evidence[w.rescore :]


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
