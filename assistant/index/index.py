"""The index: catalogue (source of truth) + keyword index + vector store, for one embedder.

The catalogue and keyword index share one SQLite file (``SqliteCatalog``), or one PostgreSQL
database when ``catalog.url`` is set (``PostgresCatalog``, for several replicas); vectors live in
Chroma. ``Index.open`` refuses an index built with another embedding model. Readers should
resolve dense hits through ``catalog.chunks`` (which skips ids it does not hold), so a reader
never sees a half-written document: see ``ingest/pipeline.py`` for the write protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import (
    EmbeddingModelMismatchError,
    IndexCorruptError,
    IndexNotFoundError,
    StorageError,
)
from assistant.index.second_dense import SecondDense, open_second_dense
from assistant.ports import Catalog, Embedder, KeywordIndex, QueryPassageEmbedder, VectorStore
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.postgres_catalog import PostgresCatalog
    from assistant.index.sqlite_catalog import SqliteCatalog

META_MODEL = "embedding_model"
META_DIMENSION = "embedding_dimension"
META_LAST_INGEST = "last_ingest_at"
META_CREATED = "created_at"


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What ``lga-assistant stats`` shows."""

    documents: int
    chunks: int
    vectors: int
    embedding_model: str | None
    embedding_dimension: int | None
    size_bytes: int
    last_ingest: str | None
    data_dir: str
    vector_store: str
    second_dense: str | None = None  # "<model>: <n> vectors" when the second retriever is on

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "chunks": self.chunks,
            "vectors": self.vectors,
            "embedding_model": self.embedding_model,
            "embedding_dimension": self.embedding_dimension,
            "size_bytes": self.size_bytes,
            "last_ingest": self.last_ingest,
            "data_dir": self.data_dir,
            "vector_store": self.vector_store,
            "second_dense": self.second_dense,
        }


def _dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if not path.exists():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _catalog_files(settings: Settings) -> list[Path]:
    base = settings.catalog_path
    return [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]


@dataclass(slots=True)
class Index:
    """Everything retrieval and ingestion need, opened for one embedder.

    ``keyword`` is usually the same object as ``catalog`` (one SQLite file, one transaction).
    """

    embedder: Embedder
    catalog: Catalog
    keyword: KeywordIndex
    vectors: VectorStore
    settings: Settings
    second: SecondDense | None = None  # the second dense retriever (retrieval.second_dense)

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder,
        *,
        create: bool = False,
        check_model: bool = True,
    ) -> Index:
        """Open the index in ``settings.data_dir`` (or create it with ``create=True``).

        ``check_model=False`` skips the embedding model check (for ``stats`` only: searching an
        index with another model gives meaningless results).

        Raises ``IndexNotFoundError`` when there is none and ``create`` is false,
        ``EmbeddingModelMismatchError`` when it was built with another model, ``IndexCorruptError``
        when its files cannot be read and ``StorageError`` when the data dir cannot be written.
        """
        server = settings.catalog_url is not None  # PostgreSQL: the schema is made on connect
        exists = server or settings.catalog_path.exists()
        if not exists and not create:
            raise IndexNotFoundError(
                f"No index at {settings.data_dir}: run `lga-assistant ingest` first "
                "(or pass --data-dir to point at an existing index)."
            )
        if not exists:
            try:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"Cannot create the data directory {settings.data_dir} ({exc}): choose a "
                    "writable folder with --data-dir or LGA_ASSISTANT_DATA_DIR."
                ) from exc
        catalog = _open_catalog(settings)
        try:
            recorded = catalog.get_meta(META_MODEL), catalog.get_meta(META_DIMENSION)
            if recorded[0] is None:
                if server and not create and not catalog.count_chunks():
                    raise IndexNotFoundError(
                        f"No index in the PostgreSQL catalogue at {_where(settings)}: run "
                        "`lga-assistant ingest` first (with the same LGA_ASSISTANT_CATALOG__URL)."
                    )
                if catalog.count_chunks() and not create:
                    raise IndexCorruptError(
                        f"The index at {settings.data_dir} does not record its embedding model: "
                        "run `lga-assistant ingest --rebuild`."
                    )
                catalog.set_meta(META_MODEL, embedder.model_id)
                catalog.set_meta(META_DIMENSION, str(embedder.dimension))
            elif check_model:
                _check_model(settings, (recorded[0], int(recorded[1] or 0)), embedder)
            vectors = _open_vectors(settings, embedder)
            built_with = vectors.embedding_model()
            if built_with is not None and check_model:
                _check_model(settings, built_with, embedder)
            second = open_second_dense(settings, check_model=check_model)
        except BaseException:
            catalog.close()
            raise
        return cls(
            embedder=embedder,
            catalog=catalog,
            keyword=catalog,
            vectors=vectors,
            settings=settings,
            second=second,
        )

    @classmethod
    def in_memory(
        cls,
        embedder: Embedder | None = None,
        settings: Settings | None = None,
        *,
        second: QueryPassageEmbedder | None = None,
    ) -> Index:
        """A throwaway index with the fakes (MemoryCatalog, MemoryVectorStore); for tests.
        With ``second``, a second dense retriever over that model (in memory too)."""
        from assistant.adapters.fakes import HashEmbedder, MemoryCatalog, MemoryVectorStore

        embedder = embedder or HashEmbedder()
        catalog = MemoryCatalog()
        catalog.set_meta(META_MODEL, embedder.model_id)
        catalog.set_meta(META_DIMENSION, str(embedder.dimension))
        return cls(
            embedder=embedder,
            catalog=catalog,
            keyword=catalog,
            vectors=MemoryVectorStore(embedder.model_id, embedder.dimension),
            settings=settings or Settings.model_validate({"vector_store": "memory"}),
            second=(
                SecondDense(second, MemoryVectorStore(second.model_id, second.dimension))
                if second is not None
                else None
            ),
        )

    @staticmethod
    def exists(settings: Settings) -> bool:
        if settings.catalog_url:
            catalog = _open_catalog(settings)
            try:
                return catalog.get_meta(META_MODEL) is not None or catalog.count_chunks() > 0
            finally:
                catalog.close()
        return settings.catalog_path.exists()

    @staticmethod
    def destroy(settings: Settings) -> None:
        """Delete the index in ``settings.data_dir`` (catalogue, keyword index and vectors)."""
        if settings.vector_store == "chroma":
            from assistant.index.chroma_store import ChromaVectorStore

            ChromaVectorStore.drop(settings)
        if settings.catalog_url:
            catalog = _open_catalog(settings)
            try:
                catalog.drop()  # type: ignore[union-attr]  # only PostgresCatalog gets here
            finally:
                catalog.close()
            return
        for path in _catalog_files(settings):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise StorageError(f"Cannot delete {path} ({exc}): check its permissions.") from exc

    def dense_search(self, text: str, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine similarity) for ``text``, restricted to catalogued chunks.

        Vectors of a document being written (or orphaned by a crash) are not in the catalogue
        yet, so they are filtered out here.
        """
        vector = self.embedder.embed([text])[0]
        hits = self.vectors.query(np.asarray(vector), k)
        known = {c.id for c in self.catalog.chunks([cid for cid, _ in hits])}
        return [(cid, score) for cid, score in hits if cid in known]

    def stats(self) -> IndexStats:
        """Documents, chunks, embedding model, size on disk and last ingest time."""
        documents = getattr(self.catalog, "count_documents", None)
        dimension = self.catalog.get_meta(META_DIMENSION)
        server_size = getattr(self.catalog, "size_bytes", None)  # PostgreSQL: tables + indexes
        size = (
            server_size()
            if server_size
            else sum(_dir_size(p) for p in _catalog_files(self.settings))
        )
        if self.settings.vector_store == "chroma" and not self.settings.chroma_host:
            size += _dir_size(self.settings.chroma_dir)
        return IndexStats(
            documents=documents() if documents else len(self.catalog.documents()),
            chunks=self.catalog.count_chunks(),
            vectors=self.vectors.count(),
            embedding_model=self.catalog.get_meta(META_MODEL),
            embedding_dimension=int(dimension) if dimension else None,
            size_bytes=size,
            last_ingest=self.catalog.get_meta(META_LAST_INGEST),
            data_dir=str(self.settings.data_dir),
            vector_store=(
                f"chroma server {self.settings.chroma_host}:{self.settings.chroma_port}"
                if self.settings.vector_store == "chroma" and self.settings.chroma_host
                else self.settings.vector_store
            ),
            second_dense=(
                f"{self.second.embedder.model_id}: {self.second.vectors.count()} vectors"
                if self.second is not None
                else None
            ),
        )

    def close(self) -> None:
        """Release the catalogue connections (Chroma needs no explicit close)."""
        close = getattr(self.catalog, "close", None)
        if close:
            close()


def _open_catalog(settings: Settings) -> SqliteCatalog | PostgresCatalog:
    """The configured catalogue: PostgreSQL when ``catalog.url`` is set, else the SQLite file."""
    if settings.catalog_url:
        from assistant.index.postgres_catalog import PostgresCatalog

        return PostgresCatalog(
            settings.catalog_url,
            pool_size=settings.catalog.pool_size,
            connect_timeout=settings.catalog.connect_timeout_s,
        )
    from assistant.index.sqlite_catalog import SqliteCatalog

    return SqliteCatalog(settings.catalog_path)


def _where(settings: Settings) -> str:
    from assistant.index.postgres_catalog import describe_url

    return describe_url(settings.catalog_url or "")


def _check_model(settings: Settings, built_with: tuple[str, int], embedder: Embedder) -> None:
    model_id, dimension = built_with
    if model_id != embedder.model_id or dimension != embedder.dimension:
        raise EmbeddingModelMismatchError(
            f"The index at {settings.data_dir} was built with {model_id} ({dimension}-d) but the "
            f"configured embedder is {embedder.model_id} ({embedder.dimension}-d): re-run "
            "`lga-assistant ingest --rebuild` to rebuild it with the configured model, or set "
            "LGA_ASSISTANT_EMBEDDER__PROVIDER / LGA_ASSISTANT_EMBEDDER__MODEL_PATH back to the "
            "model it was built with."
        )


def _open_vectors(settings: Settings, embedder: Embedder) -> VectorStore:
    if settings.vector_store == "memory":
        from assistant.adapters.fakes import MemoryVectorStore

        return MemoryVectorStore(embedder.model_id, embedder.dimension)
    from assistant.index.chroma_store import ChromaVectorStore

    return ChromaVectorStore.from_settings(settings, embedder.model_id, embedder.dimension)
