"""``ChromaVectorStore``: chunk vectors in a Chroma collection (cosine space).

Only ids, vectors and the document id live in Chroma; texts and metadata live in the catalogue
(the source of truth). We always pass our own embeddings: Chroma's default embedding function
downloads a model and fails offline. The collection metadata records the embedding model id and
dimension so a different model is refused at open time.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import ConfigurationError, IndexCorruptError, StorageError
from assistant.types import Chunk

if TYPE_CHECKING:
    from assistant.settings import Settings

MODEL_KEY = "embedding_model"
DIMENSION_KEY = "embedding_dimension"
_PAGE = 5000


def _chromadb() -> Any:
    try:
        import chromadb
    except ImportError as exc:  # pragma: no cover - chromadb is a pinned dependency
        raise ConfigurationError(
            "chromadb is not installed: run `make install` (or pip install chromadb==1.5.9), "
            "or set LGA_ASSISTANT_VECTOR_STORE=memory for tests."
        ) from exc
    return chromadb


def make_client(settings: Settings) -> Any:
    """A Chroma client: ``HttpClient`` when chroma_host/port are set, else a PersistentClient."""
    chromadb = _chromadb()
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port or 8000,
                settings=chroma_settings,
            )
        except (ValueError, OSError) as exc:
            raise StorageError(
                f"Cannot reach the Chroma server at {settings.chroma_host}:"
                f"{settings.chroma_port or 8000} ({exc}): start it with `chroma run --path DIR "
                "--port N` or unset LGA_ASSISTANT_CHROMA_HOST to use the local index."
            ) from exc
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except (sqlite3.DatabaseError, _chroma_errors()) as exc:
        if _STORAGE_PROBLEM.search(str(exc)):  # a full or read-only disk, not a broken index
            raise StorageError(
                f"Cannot write the vector index at {settings.chroma_dir} ({exc}): free disk "
                "space or choose a writable folder with --data-dir or LGA_ASSISTANT_DATA_DIR."
            ) from exc
        raise IndexCorruptError(
            f"The vector index at {settings.chroma_dir} cannot be opened ({exc}): run "
            "`lga-assistant ingest --rebuild` to build it again."
        ) from exc
    except OSError as exc:
        raise StorageError(
            f"Cannot open the vector index at {settings.chroma_dir} ({exc}): check the data "
            "directory is writable and the disk has space."
        ) from exc


_STORAGE_PROBLEM = re.compile(
    r"disk is full|no space left|read-?only|permission denied|disk i/o error", re.IGNORECASE
)


def _chroma_errors() -> type[Exception]:
    from chromadb.errors import ChromaError

    return ChromaError


class ChromaVectorStore:
    """``ports.VectorStore`` over one Chroma collection."""

    def __init__(self, client: Any, name: str, model_id: str, dimension: int) -> None:
        self._client = client
        self.name = name
        try:
            self._collection = client.get_or_create_collection(
                name=name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={MODEL_KEY: model_id, DIMENSION_KEY: dimension},
            )
        except (sqlite3.DatabaseError, _chroma_errors()) as exc:
            raise IndexCorruptError(
                f"The Chroma collection {name!r} cannot be opened ({exc}): run "
                "`lga-assistant ingest --rebuild`."
            ) from exc
        self._max_batch = max(1, int(client.get_max_batch_size()))

    @classmethod
    def from_settings(
        cls, settings: Settings, model_id: str, dimension: int, *, name: str | None = None
    ) -> ChromaVectorStore:
        """The collection ``name`` (default: ``settings.collection``) for this model."""
        return cls(make_client(settings), name or settings.collection, model_id, dimension)

    @staticmethod
    def drop(settings: Settings) -> None:
        """Delete the collections (server mode: the index's and its second retriever's) or the
        local Chroma folder (for --rebuild)."""
        if settings.chroma_host:
            client = make_client(settings)
            existing = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
            from assistant.index.second_dense import collection_name

            ours = {settings.collection, collection_name(settings, "e5")}
            for name in sorted(existing & ours):
                client.delete_collection(name)
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        # Chroma caches one system per path; a stale one would point at deleted files.
        SharedSystemClient.clear_system_cache()
        if settings.chroma_dir.exists():
            try:
                shutil.rmtree(settings.chroma_dir)
            except OSError as exc:
                raise StorageError(
                    f"Cannot delete {settings.chroma_dir} ({exc}): check its permissions."
                ) from exc

    def _storage_error(self, action: str, exc: BaseException) -> StorageError:
        return StorageError(
            f"Cannot {action} the vector index ({exc}): check the data directory is writable "
            "and the disk has space (or that the Chroma server is running)."
        )

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Insert or overwrite vectors by chunk id (idempotent), in batches Chroma accepts."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        vectors = np.asarray(vectors, dtype=np.float32)
        for start in range(0, len(chunks), self._max_batch):
            part = chunks[start : start + self._max_batch]
            try:
                self._collection.upsert(
                    ids=[c.id for c in part],
                    embeddings=vectors[start : start + len(part)],
                    metadatas=[{"document_id": c.document_id} for c in part],
                )
            except (sqlite3.OperationalError, OSError, _chroma_errors()) as exc:
                raise self._storage_error("write to", exc) from exc

    def delete(self, chunk_ids: Sequence[str]) -> None:
        ids = list(chunk_ids)
        for start in range(0, len(ids), self._max_batch):
            try:
                self._collection.delete(ids=ids[start : start + self._max_batch])
            except (sqlite3.OperationalError, OSError, _chroma_errors()) as exc:
                raise self._storage_error("delete from", exc) from exc

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self._collection.get(include=[], limit=_PAGE, offset=offset)
            out.update(got["ids"])
            if len(got["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine similarity = 1 - cosine distance), best first."""
        if k <= 0:
            return []
        # Chroma returns fewer results when it holds fewer than k (and none when empty), so no
        # count() round trip is needed on this hot path (it cost ~8 ms a query at 100k chunks).
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=k,
            include=["distances"],
        )
        return [
            (cid, 1.0 - float(dist))
            for cid, dist in zip(result["ids"][0], result["distances"][0], strict=True)
        ]

    def count(self) -> int:
        return int(self._collection.count())

    def embedding_model(self) -> tuple[str, int] | None:
        meta = self._collection.metadata or {}
        if MODEL_KEY not in meta or DIMENSION_KEY not in meta:
            return None
        return str(meta[MODEL_KEY]), int(meta[DIMENSION_KEY])


def chroma_size(path: Path) -> int:
    """Bytes on disk under ``path`` (0 when missing)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0
