"""Vectors kept in a file between runs, keyed by the model and a digest of each text.

The suggester embeds the catalogue's resources, framework elements and case-study sentences
when it is built: a few hundred texts, seconds of every start-up on two cores. ``VectorFile``
keeps those vectors in the data dir: a text's vector is reused while the text (its digest) and
the model are the same, and a changed catalogue entry is the only text embedded again. A missing,
unreadable or other-model file is ignored (everything is embedded, then the file rewritten); a
data dir that cannot be written only costs the embedding next time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from assistant.ports import Embedder

KEY_BYTES = 16
logger = logging.getLogger(__name__)


def text_digest(text: str) -> bytes:
    """The key of one text's vector."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).digest()


class VectorFile:
    """Vectors of ``embedder``'s model for texts, read from ``path`` and written back by
    ``save`` when texts were embedded. Thread-safe."""

    def __init__(self, embedder: Embedder, path: Path) -> None:
        self.embedder = embedder
        self.path = Path(path)
        self._lock = threading.Lock()
        self._vectors: dict[bytes, np.ndarray] = self._read()
        self._added = 0

    @property
    def size(self) -> int:
        return len(self._vectors)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32: stored vectors, the rest embedded in one batch."""
        keys = [text_digest(t) for t in texts]
        with self._lock:
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if missing:
            fresh = np.asarray(self.embedder.embed(list(missing.values())), dtype=np.float32)
            with self._lock:
                self._vectors.update(zip(missing, fresh, strict=True))
                self._added += len(missing)
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        with self._lock:
            return np.stack([self._vectors[k] for k in keys])

    def save(self) -> bool:
        """Write the file if texts were embedded since it was read (atomically); False when
        there was nothing new or it could not be written (logged, never raised)."""
        with self._lock:
            if not self._added:
                return False
            keys = list(self._vectors)
            matrix = np.stack([self._vectors[k] for k in keys]).astype(np.float32)
            self._added = 0
        packed = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".vectors-", suffix=".npz", dir=self.path.parent)
            with os.fdopen(fd, "wb") as handle:
                np.savez(
                    handle, model=np.array(self.embedder.model_id), keys=packed, vectors=matrix
                )
            os.replace(tmp, self.path)
        except OSError as exc:
            logger.warning("Could not keep the catalogue's vectors in %s: %s", self.path, exc)
            return False
        return True

    def _read(self) -> dict[bytes, np.ndarray]:
        if not self.path.is_file():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                model = str(data["model"])
                keys, matrix = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            logger.warning("Ignoring unreadable vector file %s: %s", self.path, exc)
            return {}
        if model != self.embedder.model_id or matrix.shape[1:] != (self.embedder.dimension,):
            return {}  # another model's vectors: embed again, then overwrite
        if keys.shape != (len(matrix), KEY_BYTES):
            return {}
        return {bytes(k): v for k, v in zip(keys, matrix.astype(np.float32), strict=True)}
