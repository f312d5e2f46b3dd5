"""The numpy MiniLM encoder gives sentence-transformers' vectors without importing torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters import minilm
from assistant.adapters.embedder import SentenceTransformerEmbedder, default_model_path
from assistant.settings import PROJECT_ROOT, EmbedderSettings

pytestmark = pytest.mark.integration

TEXTS = [
    "How can a council improve its housing repairs service?",
    "  Speeding up repairs to council homes for tenants.  ",
    "7Cs",
    "Café naïve – résumé, “quoted” text",
    "",
    # Longer than the model's 256-token window: truncated the same way.
    "The orchestra performed a symphony by Mahler in the council's town hall. " * 40,
]


@pytest.fixture(scope="module")
def model_path() -> Path:
    return default_model_path()


def test_vectors_match_sentence_transformers(model_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    expected = reference.encode(TEXTS, batch_size=4, normalize_embeddings=True)
    ours = minilm.BertSentenceEncoder(model_path, threads=1).encode(TEXTS, batch_size=4)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(ours, expected, atol=1e-5)
    # One at a time (no padding) gives the same vectors as in a padded batch.
    alone = np.stack([minilm.BertSentenceEncoder(model_path).encode([t])[0] for t in TEXTS[:2]])
    assert np.allclose(alone, ours[:2], atol=1e-5)


def test_supports_only_bert_with_mean_pooling(model_path: Path, tmp_path: Path) -> None:
    assert minilm.supports(model_path)
    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("config.json", "modules.json", "model.safetensors", "tokenizer.json"):
        (copy / name).symlink_to(model_path / name)
    (copy / "1_Pooling").mkdir()
    pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text())
    (copy / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    assert minilm.supports(copy)
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (copy / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    assert not minilm.supports(copy)  # CLS pooling: sentence-transformers runs it
    assert not minilm.supports(tmp_path)  # not a model folder


def test_embedder_counts_tokens_as_before(model_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    embedder = SentenceTransformerEmbedder.from_settings(EmbedderSettings())
    for text in TEXTS:
        ids = reference.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        assert embedder.count_tokens(text) == len(ids)
    assert isinstance(embedder.model, minilm.BertSentenceEncoder)


def test_the_default_embedder_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from assistant.adapters.embedder import SentenceTransformerEmbedder\n"
        "from assistant.settings import EmbedderSettings\n"
        "e = SentenceTransformerEmbedder.from_settings(EmbedderSettings(threads=1))\n"
        "v = e.embed(['How do councils share learning?'])\n"
        "assert v.shape == (1, 384), v.shape\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
