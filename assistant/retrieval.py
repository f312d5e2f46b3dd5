"""Hybrid retrieval: dense + keyword candidates fused with weighted reciprocal rank fusion.

The ``Retriever`` runs these steps, each switchable in ``RetrievalSettings``:

1. dense: embed the query, over-fetch from the vector index, keep ids the catalogue holds (the
   catalogue is the source of truth, so readers see a document's old or new version, never half,
   while it is being re-ingested);
2. keyword: BM25-style search over chunk texts;
3. ``fuse``: weighted reciprocal rank fusion; every ``Hit`` keeps both ranks and scores;
4. metadata filters (``Filters``), applied in Python after over-fetching (Chroma ``where``
   filters cost 45-75 ms per query at 100k chunks, see STACK.md);
5. ``dedupe``: drop a hit whose text largely repeats a better one (overlapping chunks);
6. sentence re-score: blend the fused score with the cosine of the chunk's best-matching
   sentence (embedding model; sentence vectors cached, and the cache is shared with answering);
7. neighbour expansion: a short hit gets the previous/next chunk of the same section attached.

Pure helpers (``fuse``, ``dedupe``, ``merge_neighbours``) are unit-tested
on their own.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from assistant.text.sentences import split_sentences
from assistant.types import Chunk, Filters, Hit

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.ports import Embedder
    from assistant.settings import RetrievalSettings


class Fused(NamedTuple):
    """One fused candidate: ``(id, fused, dense_rank, dense_score, kw_rank, kw_score)``."""

    id: str
    fused: float
    dense_rank: int | None
    dense_score: float | None
    kw_rank: int | None
    kw_score: float | None


def fuse(
    dense: Sequence[tuple[str, float]],
    keyword: Sequence[tuple[str, float]],
    *,
    k: int = 60,
    weights: tuple[float, float] = (1.0, 1.0),
) -> list[Fused]:
    """Weighted reciprocal rank fusion of two ranked lists of ``(id, score)``, best first.

    ``fused = w_dense / (k + dense_rank) + w_keyword / (k + keyword_rank)`` with 1-based ranks;
    a list that misses an id contributes nothing. Ties keep the better dense rank first, then
    the better keyword rank, then the id (deterministic).
    """
    w_dense, w_keyword = weights
    dense_pos: dict[str, tuple[int, float]] = {}
    for rank, (cid, score) in enumerate(dense, start=1):
        dense_pos.setdefault(cid, (rank, float(score)))
    kw_pos: dict[str, tuple[int, float]] = {}
    for rank, (cid, score) in enumerate(keyword, start=1):
        kw_pos.setdefault(cid, (rank, float(score)))
    out: list[Fused] = []
    for cid in dense_pos.keys() | kw_pos.keys():
        d = dense_pos.get(cid)
        w = kw_pos.get(cid)
        fused = (w_dense / (k + d[0]) if d else 0.0) + (w_keyword / (k + w[0]) if w else 0.0)
        out.append(
            Fused(
                cid,
                fused,
                d[0] if d else None,
                d[1] if d else None,
                w[0] if w else None,
                w[1] if w else None,
            )
        )
    big = 1 << 30
    out.sort(key=lambda f: (-f.fused, f.dense_rank or big, f.kw_rank or big, f.id))
    return out


_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str, size: int = 3) -> frozenset[tuple[str, ...]]:
    """Word ``size``-grams of lower-cased ``text`` (the whole text if it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def overlap(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Overlap of two shingle sets: Jaccard, or containment of the smaller when that is higher.

    Containment catches a short chunk that is wholly inside a longer one, which Jaccard misses.
    """
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return max(inter / len(a | b), inter / min(len(a), len(b)))


def dedupe(hits: Sequence[Hit], *, threshold: float = 0.8, shingle_size: int = 3) -> list[Hit]:
    """Hits in order, without any whose text overlaps a better (earlier) kept hit > threshold."""
    kept: list[Hit] = []
    kept_shingles: list[frozenset[tuple[str, ...]]] = []
    for hit in hits:
        sh = shingles(hit.chunk.text, shingle_size)
        if any(overlap(sh, other) > threshold for other in kept_shingles):
            continue
        kept.append(hit)
        kept_shingles.append(sh)
    return kept


def merge_neighbours(prev: Chunk | None, chunk: Chunk, next_: Chunk | None) -> Chunk:
    """``chunk`` widened with its neighbours' text, keeping its id (it stays the cited chunk).

    Overlapping text (chunks share an overlap window) is written once when the character offsets
    are consistent with the texts; otherwise the texts are joined with a blank line.
    """

    def consistent(c: Chunk) -> bool:
        return c.char_end - c.char_start == len(c.text) and c.char_end > c.char_start

    text = chunk.text
    char_start, char_end = chunk.char_start, chunk.char_end
    page_start, page_end = chunk.page_start, chunk.page_end
    offsets_ok = consistent(chunk)
    if prev is not None:
        if offsets_ok and consistent(prev) and prev.char_start <= chunk.char_start <= prev.char_end:
            text = prev.text[: chunk.char_start - prev.char_start] + text
        else:
            text = prev.text + "\n\n" + text
        char_start = min(char_start, prev.char_start)
        page_start = _min_page(page_start, prev.page_start)
    if next_ is not None:
        if (
            offsets_ok
            and consistent(next_)
            and next_.char_start <= chunk.char_end <= next_.char_end
        ):
            text = text + next_.text[chunk.char_end - next_.char_start :]
        else:
            text = text + "\n\n" + next_.text
        char_end = max(char_end, next_.char_end)
        page_end = _max_page(page_end, next_.page_end)
    return replace(
        chunk,
        text=text,
        char_start=char_start,
        char_end=char_end,
        page_start=page_start,
        page_end=page_end,
    )


def _min_page(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _max_page(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


class CachedEmbedder:
    """An ``Embedder`` that remembers vectors of texts it has embedded (thread-safe LRU).

    Retrieval embeds the sentences of candidate passages to re-score them; the answerer embeds
    the same sentences to select them. Sharing one cache means each sentence is embedded once
    per process, which is what keeps the extractive answer fast.
    """

    def __init__(self, inner: Embedder, *, max_entries: int = 50_000) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self._max = max_entries
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (shape (n, dimension)); only unseen texts reach the model."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                vec = self._cache.get(t)
                if vec is not None:
                    self._cache.move_to_end(t)
                    found[t] = vec
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vectors = np.asarray(self.inner.embed(missing), dtype=np.float32)
            with self._lock:
                for t, vec in zip(missing, vectors, strict=True):
                    found[t] = vec
                    self._cache[t] = vec
                    self._cache.move_to_end(t)
                while len(self._cache) > self._max:
                    self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    @property
    def size(self) -> int:
        """Texts currently cached (not ``__len__``: an empty cache must stay truthy)."""
        return len(self._cache)


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
    ) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder if embedder is not None else index.embedder

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
            self.index.keyword.search(query, max(s.keyword_k, top_k) * factor)
            if s.keyword_weight > 0
            else []
        )
        fused = fuse(dense, keyword, k=s.rrf_k, weights=(s.dense_weight, s.keyword_weight))
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
        if s.dedupe:
            hits = dedupe(
                hits[: max(top_k * 2, s.rescore_candidates)], threshold=s.dedupe_threshold
            )
        if s.sentence_rescore and hits:
            hits = self.rescore(query, hits[: max(top_k, s.rescore_candidates)])
        hits = hits[:top_k]
        if s.neighbour_expansion:
            hits = self.expand(hits)
        return hits

    def _dense(self, query: str, n: int) -> list[tuple[str, float]]:
        vector = self.embedder.embed([query])[0]
        return self.index.vectors.query(vector, n)

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
