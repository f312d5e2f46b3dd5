"""The index: catalogue (source of truth) + keyword index + vector store, behind one ``Index``.

``index.py`` holds ``Index`` (open, create, stats, the embedding-model check);
``sqlite_catalog.py`` the SQLite catalogue with its FTS5 keyword index; ``chroma_store.py`` the
Chroma vector store. Backends are imported lazily by ``Index.open``.
"""

from assistant.index.index import (
    META_CREATED,
    META_DIMENSION,
    META_LAST_INGEST,
    META_MODEL,
    Index,
    IndexStats,
)

__all__ = [
    "META_CREATED",
    "META_DIMENSION",
    "META_LAST_INGEST",
    "META_MODEL",
    "Index",
    "IndexStats",
]
