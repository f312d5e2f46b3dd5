"""Hybrid retrieval: dense + keyword candidates fused with weighted reciprocal rank fusion.

The ``Retriever`` runs these steps, each switchable in ``RetrievalSettings``:

1. dense: embed the query, over-fetch from the vector index, keep ids the catalogue holds (the
   catalogue is the source of truth, so readers see a document's old or new version, never half,
   while it is being re-ingested); with a second dense model (``retrieval.second_dense``), the
   two models' rankings are fused first (``fuse_dense``);
2. keyword: BM25-style search over chunk texts;
3. ``fuse``: weighted reciprocal rank fusion; every ``Hit`` keeps both ranks and scores;
4. metadata filters (``Filters``), applied in Python after over-fetching (Chroma ``where``
   filters cost 45-75 ms per query at 100k chunks, see STACK.md);
5. ``dedupe``: drop a hit whose text largely repeats a better one (overlapping chunks);
6. sentence re-score: blend the fused score with the cosine of the chunk's best-matching
   sentence (embedding model; sentence vectors cached, and the cache is shared with answering);
7. an optional ``Reranker`` (the LLM yes/no rerank) re-orders the top passages;
8. neighbour expansion: a short hit gets the previous/next chunk of the same section attached.

Pure helpers (``fuse``, ``dedupe``, ``merge_neighbours``) are unit-tested
on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.retrieval.fusion import dedupe, fuse, fuse_dense, merge_neighbours
from assistant.retrieval.synonyms import expand_query
from assistant.text.sentences import split_sentences
from assistant.types import Chunk, Filters, Hit, is_catalogue

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.ports import Embedder, Reranker
    from assistant.settings import RetrievalSettings


SECOND_POOL = 4  # with a second dense model, each model's ranking is read this many times deeper


class Retriever:
    """Hybrid retriever over an ``Index``. Holds no per-request state: safe to share across threads.

    ``embedder`` defaults to the index's; pass a ``CachedEmbedder`` to share sentence vectors.
    """

    def __init__(
        self,
        index: Index,
        settings: RetrievalSettings,
        *,
        embedder: Embedder | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder if embedder is not None else index.embedder
        self.reranker = reranker  # e.g. the LLM rerank of the top few (LLMSettings.rerank)

    def retrieve(
        self, query: str, *, k: int | None = None, filters: Filters | None = None
    ) -> list[Hit]:
        """The ``k`` (default ``settings.top_k``) best passages for ``query``, best first."""
        s = self.settings
        top_k = k or s.top_k
        filtering = filters is not None and not filters.is_empty()
        factor = s.filter_overfetch if filtering else 1
        dense = self._dense(query, max(s.dense_k, top_k) * factor) if s.dense_weight > 0 else []
        keyword = (
            self.index.keyword.search(expand_query(query), max(s.keyword_k, top_k) * factor)
            if s.keyword_weight > 0
            else []
        )
        fused = fuse(
            dense,
            keyword,
            k=s.rrf_k,
            weights=(s.dense_weight, s.keyword_weight),
            dominance=s.keyword_dominance,
        )
        chunks = {c.id: c for c in self.index.catalog.chunks([f.id for f in fused])}
        hits = [
            Hit(
                chunk=chunks[f.id],
                score=f.fused,
                dense_rank=f.dense_rank,
                dense_score=f.dense_score,
                keyword_rank=f.kw_rank,
                keyword_score=f.kw_score,
            )
            for f in fused
            if f.id in chunks  # stale ids (mid re-ingest) are dropped: the catalogue decides
        ]
        if filtering:
            assert filters is not None
            hits = [h for h in hits if filters.matches(h.chunk)]
        if s.catalogue_discount > 0:
            kept = 1.0 - s.catalogue_discount
            hits = [replace(h, score=h.score * kept) if is_catalogue(h.chunk) else h for h in hits]
            hits.sort(key=lambda h: -h.score)
        if s.dedupe:
            hits = dedupe(
                hits[: max(top_k * 2, s.rescore_candidates)], threshold=s.dedupe_threshold
            )
        # Only the hits that can reach the answer are looked at (each "Sources" hit costs a
        # catalogue read).
        reach = max(top_k, s.rescore_candidates) if s.sentence_rescore else top_k
        hits = self.sources_to_summary(hits, limit=reach)
        if s.sentence_rescore and hits:
            hits = self.rescore(query, hits[: max(top_k, s.rescore_candidates)])
        hits = hits[:top_k]
        if self.reranker is not None and len(hits) > 1:
            hits = self.reranker.rerank(query, hits)
        if s.neighbour_expansion:
            hits = self.expand(hits)
        return hits

    def _dense(self, query: str, n: int) -> list[tuple[str, float | None]]:
        """The first model's top ``n``, or with the second dense retriever on, the top ``n`` of
        both models' rankings fused (each ranking reaches ``SECOND_POOL`` times deeper, so a
        passage one model ranks low still gets the other's vote)."""
        vector = self.embedder.embed([query])[0]
        second = self.index.second
        weight = self.settings.second_dense_weight
        if second is None or weight <= 0:
            return list(self.index.vectors.query(vector, n))
        pool = n * SECOND_POOL
        first = self.index.vectors.query(vector, pool)
        fused = fuse_dense(first, second.query(query, pool), k=self.settings.rrf_k, weight=weight)
        return fused[:n]

    def rescore(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        """Re-order ``hits`` by a blend of fused score and best-sentence cosine to the query.

        ``score = (1 - w) * fused / max_fused + w * max_sentence_cosine``, w =
        ``settings.sentence_weight``. Sentence vectors go through ``self.embedder`` (cache them).
        """
        w = self.settings.sentence_weight
        # The answerer embeds the same ``Sentence.text`` strings: with a shared CachedEmbedder,
        # what is embedded here is not embedded again when the answer is composed.
        per_hit = [
            [x.text for x in split_sentences(h.chunk.text)][: self.settings.max_sentences]
            for h in hits
        ]
        flat = [s for sents in per_hit for s in sents]
        vectors = self.embedder.embed([query, *flat])
        qv, sv = vectors[0], vectors[1:]
        sims = sv @ qv
        top = max(h.score for h in hits) or 1.0
        out: list[Hit] = []
        pos = 0
        for hit, sents in zip(hits, per_hit, strict=True):
            best = float(sims[pos : pos + len(sents)].max()) if sents else 0.0
            pos += len(sents)
            out.append(replace(hit, score=(1 - w) * hit.score / top + w * best))
        out.sort(key=lambda h: -h.score)
        return out

    def sources_to_summary(self, hits: Sequence[Hit], *, limit: int | None = None) -> list[Hit]:
        """A catalogue entry's "Sources" list (web addresses only) found by its words stands in
        for the entry itself: it becomes the entry's first chunk, its summary, or is dropped
        when that chunk is already a hit. Nothing in a list of URLs can answer a question.
        With ``limit``, the first ``limit`` results only (the rest are never used)."""
        seen = {h.chunk.id for h in hits}
        out: list[Hit] = []
        for hit in hits:
            if limit is not None and len(out) >= limit:
                break
            chunk = hit.chunk
            if not (is_catalogue(chunk) and _is_sources_section(chunk)):
                out.append(hit)
                continue
            summary = next(
                (
                    c
                    for c in sorted(
                        self.index.catalog.document_chunks(chunk.document_id),
                        key=lambda c: c.position,
                    )
                    if not _is_sources_section(c)
                ),
                None,
            )
            if summary is not None and summary.id not in seen:
                seen.add(summary.id)
                out.append(replace(hit, chunk=summary))
        return out

    def expand(self, hits: Sequence[Hit]) -> list[Hit]:
        """Attach the previous/next chunk of the same section to hits shorter than the minimum."""
        out: list[Hit] = []
        doc_chunks: dict[str, dict[int, Chunk]] = {}
        for hit in hits:
            chunk = hit.chunk
            if len(chunk.text) >= self.settings.neighbour_min_chars:
                out.append(hit)
                continue
            if chunk.document_id not in doc_chunks:
                doc_chunks[chunk.document_id] = {
                    c.position: c for c in self.index.catalog.document_chunks(chunk.document_id)
                }
            by_pos = doc_chunks[chunk.document_id]
            prev = by_pos.get(chunk.position - 1)
            next_ = by_pos.get(chunk.position + 1)
            prev = prev if prev is not None and prev.heading_path == chunk.heading_path else None
            next_ = (
                next_ if next_ is not None and next_.heading_path == chunk.heading_path else None
            )
            out.append(replace(hit, chunk=merge_neighbours(prev, chunk, next_)))
        return out


def _is_sources_section(chunk: Chunk) -> bool:
    return bool(chunk.heading_path) and chunk.heading_path[-1].strip().lower() == "sources"
