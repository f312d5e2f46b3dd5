"""Contract every ``VectorStore`` adapter passes: the in-memory fake and Chroma alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.fakes import HashEmbedder, MemoryVectorStore
from assistant.ports import VectorStore
from assistant.types import Chunk

EMBEDDER = HashEmbedder()
TEXTS = [
    "digital transformation in adult social care",
    "housing repairs backlog and tenant satisfaction",
    "councillor training on data protection",
    "waste collection route optimisation",
    "children's services early help partnership",
]


def make_chunks(texts: list[str], doc: str = "doc") -> list[Chunk]:
    return [
        Chunk(id=Chunk.make_id(doc, i, t), document_id=doc, position=i, text=t)
        for i, t in enumerate(texts)
    ]


class VectorStoreContract:
    """Subclasses provide ``store`` (a new, empty store recording model fake-hash-384/384)."""

    @pytest.fixture
    def store(self, tmp_path: Path) -> VectorStore:
        raise NotImplementedError

    def test_implements_port(self, store: VectorStore) -> None:
        assert isinstance(store, VectorStore)

    def test_new_store_is_empty(self, store: VectorStore) -> None:
        assert store.count() == 0
        assert store.ids() == set()
        assert store.query(EMBEDDER.embed(["anything"])[0], 5) == []

    def test_records_embedding_model(self, store: VectorStore) -> None:
        assert store.embedding_model() == (EMBEDDER.model_id, EMBEDDER.dimension)

    def test_upsert_then_query_finds_the_matching_chunk_first(self, store: VectorStore) -> None:
        chunks = make_chunks(TEXTS)
        store.upsert(chunks, EMBEDDER.embed(TEXTS))
        assert store.count() == len(TEXTS)
        assert store.ids() == {c.id for c in chunks}
        hits = store.query(EMBEDDER.embed(["housing repairs backlog"])[0], 3)
        assert hits[0][0] == chunks[1].id
        assert len(hits) == 3
        scores = [s for _, s in hits]
        assert scores == sorted(scores, reverse=True)
        assert -1.0001 <= scores[-1] <= scores[0] <= 1.0001

    def test_exact_vector_has_similarity_one(self, store: VectorStore) -> None:
        chunks = make_chunks(TEXTS)
        vectors = EMBEDDER.embed(TEXTS)
        store.upsert(chunks, vectors)
        (cid, score), *_ = store.query(vectors[2], 1)
        assert cid == chunks[2].id
        assert score == pytest.approx(1.0, abs=1e-4)

    def test_upsert_is_idempotent(self, store: VectorStore) -> None:
        chunks = make_chunks(TEXTS)
        store.upsert(chunks, EMBEDDER.embed(TEXTS))
        store.upsert(chunks, EMBEDDER.embed(TEXTS))
        assert store.count() == len(TEXTS)

    def test_upsert_overwrites_vector(self, store: VectorStore) -> None:
        chunks = make_chunks(TEXTS)
        store.upsert(chunks, EMBEDDER.embed(TEXTS))
        new = EMBEDDER.embed(["completely different words about libraries"])
        store.upsert(chunks[:1], new)
        (cid, score), *_ = store.query(new[0], 1)
        assert cid == chunks[0].id
        assert score == pytest.approx(1.0, abs=1e-4)

    def test_delete_removes_only_given_ids_and_ignores_unknown(self, store: VectorStore) -> None:
        chunks = make_chunks(TEXTS)
        store.upsert(chunks, EMBEDDER.embed(TEXTS))
        store.delete([chunks[0].id, "no-such-id"])
        assert store.ids() == {c.id for c in chunks[1:]}
        assert all(cid != chunks[0].id for cid, _ in store.query(EMBEDDER.embed(TEXTS)[0], 5))
        store.delete([])
        assert store.count() == len(TEXTS) - 1

    def test_k_larger_than_count(self, store: VectorStore) -> None:
        chunks = make_chunks(TEXTS[:2])
        store.upsert(chunks, EMBEDDER.embed(TEXTS[:2]))
        assert len(store.query(EMBEDDER.embed(["x"])[0], 10)) == 2

    def test_mismatched_lengths_rejected(self, store: VectorStore) -> None:
        with pytest.raises(ValueError):
            store.upsert(make_chunks(TEXTS[:2]), EMBEDDER.embed(TEXTS[:1]))

    def test_many_vectors_in_batches(self, store: VectorStore) -> None:
        texts = [f"passage number {i} about topic {i % 7}" for i in range(700)]
        chunks = make_chunks(texts)
        store.upsert(chunks, EMBEDDER.embed(texts))
        assert store.count() == 700
        assert len(store.ids()) == 700


class TestMemoryVectorStore(VectorStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> VectorStore:
        return MemoryVectorStore(EMBEDDER.model_id, EMBEDDER.dimension)


@pytest.mark.integration
class TestChromaVectorStore(VectorStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> VectorStore:
        from assistant.index.chroma_store import ChromaVectorStore
        from assistant.settings import Settings

        settings = Settings(data_dir=tmp_path / "data")
        return ChromaVectorStore.from_settings(settings, EMBEDDER.model_id, EMBEDDER.dimension)

    def test_reopen_keeps_vectors_and_recorded_model(self, store: VectorStore, tmp_path: Path):
        from assistant.index.chroma_store import ChromaVectorStore
        from assistant.settings import Settings

        chunks = make_chunks(TEXTS)
        store.upsert(chunks, EMBEDDER.embed(TEXTS))
        again = ChromaVectorStore.from_settings(
            Settings(data_dir=tmp_path / "data"), "another-model", 8
        )
        assert again.embedding_model() == (EMBEDDER.model_id, EMBEDDER.dimension)
        assert again.ids() == {c.id for c in chunks}
        assert np.isclose(again.query(EMBEDDER.embed(TEXTS)[3], 1)[0][1], 1.0, atol=1e-4)
