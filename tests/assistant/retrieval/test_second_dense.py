"""The second dense retriever: rank fusion of two models, its vectors kept in step with the
catalogue by ingest, the model check, and retrieval with it on and off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.fakes import HashEmbedder, HashQueryPassageEmbedder
from assistant.errors import EmbeddingModelMismatchError
from assistant.index import Index
from assistant.index.second_dense import collection_name, open_second_dense
from assistant.retrieval import Retriever
from assistant.retrieval.fusion import fuse_dense
from assistant.settings import RetrievalSettings, Settings
from ingest.pipeline import Pipeline
from tests.helpers import SAMPLE_DOCUMENTS, index_chunks, make_chunk, make_document

# ------------------------------------------------------------------------------ fuse_dense


def test_fuse_dense_agreement_beats_one_models_favourite() -> None:
    first = [("a", 0.9), ("b", 0.8), ("c", 0.7), ("d", 0.6), ("e", 0.5)]
    second = [("e", 0.95), ("b", 0.9), ("c", 0.8), ("d", 0.7), ("a", 0.1)]
    fused = fuse_dense(first, second, k=60)
    # b is second in both lists; a and e are first in one and last in the other:
    # 2/62 > 1/61 + 1/65, so the passage both models rank well comes first (a before e: a tie
    # keeps the first model's order).
    assert [cid for cid, _ in fused] == ["b", "a", "e", "c", "d"]
    # Each id keeps the first model's cosine, never the second's (another scale).
    assert dict(fused) == dict(first)


def test_fuse_dense_keeps_ids_only_the_second_model_found_without_a_cosine() -> None:
    fused = fuse_dense([("a", 0.9)], [("z", 0.99), ("a", 0.5)], k=60)
    assert [cid for cid, _ in fused] == ["a", "z"]  # a: 1/61 + 1/62; z: 1/61
    assert dict(fused)["z"] is None


def test_fuse_dense_weight_decides_between_the_models() -> None:
    first = [("a", 0.9), ("b", 0.8)]
    second = [("b", 0.9), ("a", 0.8)]
    assert fuse_dense(first, second, weight=0.5)[0][0] == "a"
    assert fuse_dense(first, second, weight=2.0)[0][0] == "b"
    # A tie keeps the first model's order.
    assert [c for c, _ in fuse_dense(first, second, weight=1.0)] == ["a", "b"]


def test_fuse_dense_counts_an_id_once_at_its_best_rank() -> None:
    fused = fuse_dense([("a", 0.9), ("a", 0.1), ("b", 0.5)], [("b", 0.9)])
    assert [c for c, _ in fused] == ["b", "a"]
    assert dict(fused)["a"] == 0.9


# ------------------------------------------------------------------------------ retrieval


class _PointsAt:
    """A second model that reads every question as ``target`` (so it ranks that passage first):
    shows what the second model's vote does to the fused ranking."""

    model_id = "points-at"
    dimension = 384

    def __init__(self, target: str) -> None:
        self.target = target
        self._hash = HashEmbedder()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._hash.embed([self.target] * len(texts))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._hash.embed(texts)


_TEXTS = {
    "tracker": "The benefits realisation tracker measures cashable savings and staff time.",
    "almanac": "The digitalisation almanac lists councils using automation to redesign services.",
    "ai-news": "Artificial intelligence pilots saved social workers hours in adult social care.",
}
_QUERY = "benefits realisation tracker cashable savings"


def _index(second: _PointsAt | None) -> Index:
    chunks = [make_chunk(doc, 0, text) for doc, text in _TEXTS.items()]
    index = index_chunks(Index.in_memory(second=second), chunks)
    if index.second is not None:
        index.second.sync(index.catalog)
    return index


@pytest.mark.parametrize("weight", [2.0, 0.0])
def test_the_second_models_vote_moves_its_passage_up(weight: float) -> None:
    settings = RetrievalSettings(
        keyword_weight=0, sentence_rescore=False, dedupe=False, second_dense_weight=weight
    )
    alone = Retriever(_index(None), settings).retrieve(_QUERY, k=3)
    assert alone[0].chunk.document_id == "tracker"
    fused = Retriever(_index(_PointsAt(_TEXTS["ai-news"])), settings).retrieve(_QUERY, k=3)
    if weight == 0:  # weight 0 turns the second model off
        assert [h.chunk.id for h in fused] == [h.chunk.id for h in alone]
    else:
        assert fused[0].chunk.document_id == "ai-news"
        # Its dense score is still the first model's cosine (what the refusal evidence uses).
        first = {h.chunk.document_id: h.dense_score for h in alone}
        assert fused[0].dense_score == pytest.approx(first["ai-news"])


# ------------------------------------------------------------------------------ ingest sync


def _memory_settings() -> Settings:
    return Settings(vector_store="memory", embedder={"provider": "fake"})


def test_ingest_keeps_the_second_models_vectors_in_step_with_the_catalogue() -> None:
    index = Index.in_memory(settings=_memory_settings(), second=HashQueryPassageEmbedder())
    assert index.second is not None
    pipeline = Pipeline(index, index.settings)
    pipeline.index_documents(SAMPLE_DOCUMENTS)
    held = index.second.vectors.ids()
    assert held and held == index.catalog.all_chunk_ids()

    # A changed document: its new chunks are embedded, its old ones deleted.
    doc = SAMPLE_DOCUMENTS[0]
    changed = make_document(
        doc.id,
        {"Benefits realisation": ["The tracker now also records carbon savings per project."]},
        title=doc.title,
    )
    before = set(index.catalog.document(doc.id).chunk_ids)  # type: ignore[union-attr]
    pipeline.index_documents([changed])
    after = set(index.catalog.document(doc.id).chunk_ids)  # type: ignore[union-attr]
    assert after != before
    assert index.second.vectors.ids() == index.catalog.all_chunk_ids()
    assert not (before - after) & index.second.vectors.ids()

    # Vectors whose chunk left the catalogue go at the next ingest (nothing else to do).
    index.catalog.remove_document(doc.id)
    assert Pipeline(index, index.settings).index_documents([]).documents == ()
    assert index.second.vectors.ids() == index.catalog.all_chunk_ids()


def test_turning_the_second_retriever_on_backfills_an_existing_index() -> None:
    index = Index.in_memory(settings=_memory_settings())
    Pipeline(index, index.settings).index_documents(SAMPLE_DOCUMENTS)
    # The same catalogue, now opened with the second retriever: nothing is re-chunked, the
    # missing vectors are embedded once, and a second run has nothing left to do.
    index = replace(index, second=open_second_dense(_with_e5(index.settings)))
    assert index.second is not None and index.second.vectors.count() == 0
    report = Pipeline(index, index.settings).index_documents(SAMPLE_DOCUMENTS)
    assert {d.status for d in report.documents} == {"unchanged"}
    assert index.second.vectors.ids() == index.catalog.all_chunk_ids()
    assert index.second.sync(index.catalog) == 0


def _with_e5(settings: Settings) -> Settings:
    retrieval = settings.retrieval.model_copy(update={"second_dense": "e5"})
    return settings.model_copy(update={"retrieval": retrieval})


# ------------------------------------------------------------------------------ opening


def test_settings_turn_the_second_retriever_on_and_off() -> None:
    settings = _memory_settings()
    assert open_second_dense(settings) is None
    second = open_second_dense(_with_e5(settings))
    assert second is not None
    assert second.embedder.model_id == HashQueryPassageEmbedder().model_id  # fake with fake
    assert collection_name(_with_e5(settings)) == "lga_chunks_e5"


@pytest.mark.integration
def test_an_index_built_with_another_second_model_is_refused(tmp_path: Path) -> None:
    settings = _with_e5(
        Settings(data_dir=tmp_path, vector_store="chroma", embedder={"provider": "fake"})
    )
    index = Index.open(settings, HashEmbedder(), create=True)
    try:
        assert index.second is not None
        Pipeline(index, settings).index_documents(SAMPLE_DOCUMENTS[:1])
        count = index.second.vectors.count()
        assert count == index.catalog.count_chunks() > 0
        assert "fake-hash-qp-384: " in (index.stats().second_dense or "")
    finally:
        index.close()
    reopened = open_second_dense(settings)  # same model: its vectors are there
    assert reopened is not None and reopened.vectors.count() == count
    with pytest.raises(EmbeddingModelMismatchError, match="second retriever.*ingest --rebuild"):
        open_second_dense(settings, HashQueryPassageEmbedder(model_id="another-model"))
    # --rebuild drops the second collection with the first.
    Index.destroy(settings)
    fresh = open_second_dense(settings, HashQueryPassageEmbedder(model_id="another-model"))
    assert fresh is not None and fresh.vectors.count() == 0


# ------------------------------------------------------------------------------ serving


def test_serving_without_the_second_models_vectors_warns_until_ingest_fills_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from assistant.service import Assistant

    index = Index.in_memory(settings=_memory_settings())
    Pipeline(index, index.settings).index_documents(SAMPLE_DOCUMENTS)
    index = replace(index, second=open_second_dense(_with_e5(index.settings)))
    assistant = Assistant(index, index.settings)
    with caplog.at_level("WARNING", logger="assistant.service"):
        assistant.warm_up()
    chunks = index.catalog.count_chunks()
    assert f"no vectors for {chunks} of {chunks} passages" in caplog.text
    assert "lga-assistant ingest" in caplog.text
    assert assistant.ready()  # the first model and the keywords still answer meanwhile
    assert assistant.describe()["second_dense_model"] == HashQueryPassageEmbedder().model_id

    caplog.clear()
    Pipeline(index, index.settings).index_documents([])
    with caplog.at_level("WARNING", logger="assistant.service"):
        Assistant(index, index.settings).warm_up()
    assert "second retriever" not in caplog.text
