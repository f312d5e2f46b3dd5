"""The real all-MiniLM-L6-v2 embedder (integration: loads torch and the model once)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.embedder import DIMENSION, MODEL_ID, SentenceTransformerEmbedder
from assistant.settings import EmbedderSettings, Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder.from_settings(EmbedderSettings(batch_size=4))


def test_identity_is_known_before_loading() -> None:
    lazy = SentenceTransformerEmbedder.from_settings(EmbedderSettings())
    assert (
        (lazy.model_id, lazy.dimension)
        == (MODEL_ID, DIMENSION)
        == (
            "sentence-transformers/all-MiniLM-L6-v2",
            384,
        )
    )
    assert lazy._model is None


def test_vectors_are_normalised_float32(embedder: SentenceTransformerEmbedder) -> None:
    texts = [f"Councils share learning on transformation, example {i}." for i in range(9)]
    vectors = embedder.embed(texts)
    assert vectors.shape == (9, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.model.get_embedding_dimension() == embedder.dimension
    # Batching does not change results.
    assert np.allclose(embedder.embed(texts[3:4])[0], vectors[3], atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_meaning_drives_similarity(embedder: SentenceTransformerEmbedder) -> None:
    q, near, far = embedder.embed(
        [
            "How can a council improve its housing repairs service?",
            "Speeding up repairs to council homes for tenants.",
            "The orchestra performed a symphony by Mahler.",
        ]
    )
    assert float(q @ near) > float(q @ far) + 0.3


def test_count_tokens_uses_the_wordpiece_tokenizer(embedder: SentenceTransformerEmbedder) -> None:
    assert embedder.count_tokens("transformation") >= 1
    assert embedder.count_tokens("") == 0
    long = "word " * 1000
    assert embedder.count_tokens(long) == 1000  # no truncation, no special tokens


def test_concurrent_embeds_agree(embedder: SentenceTransformerEmbedder) -> None:
    texts = [f"Question {i} about digital inclusion" for i in range(8)]
    expected = embedder.embed(texts)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: embedder.embed([t])[0], texts))
    assert np.allclose(np.stack(results), expected, atol=1e-5)


def test_real_model_ingest_then_query_finds_the_right_document(
    embedder: SentenceTransformerEmbedder, tmp_path: Path
) -> None:
    from ingest.pipeline import Pipeline, open_index_for_ingest

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "repairs.md").write_text(
        "# Housing repairs\n\nThe council cut the time to fix broken boilers and leaking roofs "
        "in tenants' homes by sending repair teams the same day a fault is reported.\n"
    )
    (docs / "libraries.md").write_text(
        "# Libraries\n\nBranch libraries now lend laptops and run coding clubs for children "
        "after school, with volunteers helping older residents get online.\n"
    )
    settings = Settings.model_validate({"data_dir": tmp_path / "data"})
    index = open_index_for_ingest(settings, embedder)
    report = Pipeline(index, settings).ingest_paths([docs], progress=False)
    assert report.count("added") == 2
    (top, score), *_ = index.dense_search(
        "How quickly are heating faults in social housing fixed?", 2
    )
    assert top.startswith("docs/repairs.md::") and score > 0.3
    (top, _), *_ = index.dense_search("Can I borrow a computer at the library?", 2)
    assert top.startswith("docs/libraries.md::")
    assert index.stats().embedding_model == MODEL_ID
    index.close()


def test_bfloat16_stays_close_to_float32(embedder: SentenceTransformerEmbedder) -> None:
    texts = ["Peer challenge helped the council redesign its customer contact centre."] * 2
    low = SentenceTransformerEmbedder.from_settings(EmbedderSettings(dtype="bfloat16"))
    a, b = embedder.embed(texts[:1])[0], low.embed(texts[:1])[0]
    assert low.embed(texts).dtype == np.float32
    assert abs(float(np.linalg.norm(b)) - 1.0) < 1e-5
    assert float(a @ b) > 0.99
