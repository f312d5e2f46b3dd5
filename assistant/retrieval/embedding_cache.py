"""The embedding cache retrieval, answering and suggestions share (thread-safe LRU)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from cachetools import LRUCache

if TYPE_CHECKING:
    from assistant.ports import Embedder


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
        self._cache: LRUCache[str, np.ndarray] = LRUCache(max_entries)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (shape (n, dimension)); only unseen texts reach the model."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                vec = self._cache.get(t)  # a hit counts as a use: it moves to the front
                if vec is not None:
                    found[t] = vec
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vectors = np.asarray(self.inner.embed(missing), dtype=np.float32)
            with self._lock:
                for t, vec in zip(missing, vectors, strict=True):
                    found[t] = vec
                    self._cache[t] = vec
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    @property
    def size(self) -> int:
        """Texts currently cached (not ``__len__``: an empty cache must stay truthy)."""
        return len(self._cache)
