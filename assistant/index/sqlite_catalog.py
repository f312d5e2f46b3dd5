"""The catalogue and keyword index in one SQLite file (WAL mode, FTS5 with BM25 ranking).

One file holds the documents, their chunks (every ``Chunk`` field) and an FTS5 table over chunk
text, title and heading path. ``replace_document`` and ``remove_document`` are single
transactions, so the keyword index can never drift from the catalogue. FTS5 was chosen over
bm25s for that reason; ``python -m evals.bench.keyword`` measures both at 100k chunks.

Connections are per thread; WAL lets readers proceed while a writer commits.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexCorruptError, StorageError
from assistant.index.keywords import HEADING_WEIGHT, TEXT_WEIGHT, TITLE_WEIGHT, query_terms
from assistant.index.rows import (
    CHUNK_COLUMNS,
    DOCUMENT_COLUMNS,
    chunk_from_row,
    chunk_to_row,
    document_from_row,
    document_to_row,
)
from assistant.ports import DocumentRecord, TextVectors
from assistant.types import Chunk

__all__ = ["SqliteCatalog", "fts_query", "query_terms"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    publisher TEXT,
    published TEXT,
    url TEXT,
    ingested_at TEXT NOT NULL,
    file_hash TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS chunks (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    heading_path TEXT NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    doc_type TEXT NOT NULL,
    publisher TEXT,
    published TEXT,
    councils TEXT NOT NULL,
    themes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id, position);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS text_vectors (
    chunk_id TEXT PRIMARY KEY,
    keys BLOB NOT NULL,
    vectors BLOB NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, title, heading, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""
# FTS rows share their rowid with chunks.rid, so deletes are rowid lookups, not scans.
# bm25() column weights, in the FTS5 table's column order (text, title, heading).
_BM25_WEIGHTS = (TEXT_WEIGHT, TITLE_WEIGHT, HEADING_WEIGHT)


def fts_query(query: str) -> str | None:
    """A safe FTS5 OR-query of the question's words, or None when nothing is left to match."""
    terms = query_terms(query)
    return " OR ".join(f'"{t}"' for t in terms) if terms else None


class SqliteCatalog:
    """``Catalog`` and ``KeywordIndex`` over one SQLite file; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        conn = self._conn()
        try:
            conn.executescript(_SCHEMA)  # idempotent (IF NOT EXISTS)
            columns = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
            if "file_hash" not in columns:  # catalogues written before file hashes existed
                conn.execute("ALTER TABLE documents ADD COLUMN file_hash TEXT NOT NULL DEFAULT ''")
            rank = f"bm25({', '.join(str(w) for w in _BM25_WEIGHTS)})"
            current = conn.execute("SELECT v FROM chunks_fts_config WHERE k = 'rank'").fetchall()
            if current != [(rank,)]:  # write only when needed: readers should not take locks
                conn.execute(
                    "INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('rank', ?)", (rank,)
                )
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise StorageError(self._storage_message(exc)) from exc
            raise IndexCorruptError(
                f"The catalogue at {self.path} cannot be read ({exc}): delete the data "
                "directory's index or run `lga-assistant ingest --rebuild`."
            ) from exc

    # -- connections -------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):
                    raise StorageError(self._storage_message(exc)) from exc
                raise IndexCorruptError(
                    f"The catalogue at {self.path} is not a readable SQLite database ({exc}): "
                    "run `lga-assistant ingest --rebuild` to build a new index."
                ) from exc
            conn.isolation_level = None  # explicit BEGIN/COMMIT below
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _storage_message(self, exc: BaseException) -> str:
        return (
            f"Cannot write the catalogue at {self.path} ({exc}): check that the data directory "
            "exists, is writable and that the disk has free space, or pass --data-dir."
        )

    @contextmanager
    def _write(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        conn = conn or self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StorageError(self._storage_message(exc)) from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            conn.execute("ROLLBACK")
            raise StorageError(self._storage_message(exc)) from exc

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(
                f"The catalogue at {self.path} cannot be read ({exc}): run "
                "`lga-assistant ingest --rebuild`."
            ) from exc

    def close(self) -> None:
        """Close every thread's connection (checkpointing the WAL)."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- Catalog -----------------------------------------------------------------------------

    def _record(self, row: tuple) -> DocumentRecord:
        ids = self._read("SELECT id FROM chunks WHERE document_id = ? ORDER BY position", (row[0],))
        return document_from_row(row, [r[0] for r in ids])

    def document(self, document_id: str) -> DocumentRecord | None:
        rows = self._read(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (document_id,))
        return self._record(rows[0]) if rows else None

    def documents_at(self, url: str) -> list[DocumentRecord]:
        rows = self._read(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE rtrim(url, '/') = ? ORDER BY id",
            (url.rstrip("/"),),
        )
        return [self._record(r) for r in rows]

    def documents(self) -> list[DocumentRecord]:
        docs = self._read(f"SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY id")
        chunk_ids: dict[str, list[str]] = {}
        for doc_id, cid in self._read(
            "SELECT document_id, id FROM chunks ORDER BY document_id, position"
        ):
            chunk_ids.setdefault(doc_id, []).append(cid)
        return [document_from_row(r, chunk_ids.get(r[0], ())) for r in docs]

    @staticmethod
    def _delete_document(
        conn: sqlite3.Connection, document_id: str, keep: Sequence[str] = ()
    ) -> None:
        """Delete the document's rows; the text vectors of chunk ids in ``keep`` stay (chunk
        ids are content-derived: the same id is the same text, so its vectors still hold)."""
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep_ids (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM keep_ids")
        conn.executemany("INSERT OR IGNORE INTO keep_ids VALUES (?)", [(k,) for k in keep])
        conn.execute(
            "DELETE FROM text_vectors WHERE chunk_id IN (SELECT id FROM chunks WHERE "
            "document_id = ? AND id NOT IN (SELECT id FROM keep_ids))",
            (document_id,),
        )
        conn.execute(
            "DELETE FROM chunks_fts WHERE rowid IN (SELECT rid FROM chunks WHERE document_id = ?)",
            (document_id,),
        )
        conn.execute("DELETE FROM chunks WHERE document_id = ?", (document_id,))
        conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def replace_document(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None:
        """Replace the document's row, chunks and keyword entries in one transaction."""
        try:
            with self._write() as conn:
                self._delete_document(conn, record.id, keep=[c.id for c in chunks])
                conn.execute(
                    f"INSERT INTO documents ({DOCUMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    document_to_row(record),
                )
                for chunk in chunks:
                    cur = conn.execute(
                        f"INSERT INTO chunks ({CHUNK_COLUMNS}) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        chunk_to_row(chunk),
                    )
                    conn.execute(
                        "INSERT INTO chunks_fts (rowid, text, title, heading) VALUES (?,?,?,?)",
                        (cur.lastrowid, chunk.text, chunk.title, " ".join(chunk.heading_path)),
                    )
        except sqlite3.OperationalError as exc:
            raise StorageError(self._storage_message(exc)) from exc

    def remove_document(self, document_id: str) -> None:
        try:
            with self._write() as conn:
                self._delete_document(conn, document_id)
        except sqlite3.OperationalError as exc:
            raise StorageError(self._storage_message(exc)) from exc

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks for the ids that exist, in the order asked (unknown ids are skipped)."""
        found: dict[str, Chunk] = {}
        ids = list(dict.fromkeys(chunk_ids))
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for row in self._read(
                f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})", part
            ):
                found[row[0]] = chunk_from_row(row)
        return [found[i] for i in chunk_ids if i in found]

    def document_chunks(self, document_id: str) -> list[Chunk]:
        rows = self._read(
            f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE document_id = ? ORDER BY position",
            (document_id,),
        )
        return [chunk_from_row(r) for r in rows]

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._read("SELECT id FROM chunks")}

    def put_text_vectors(self, vectors: Mapping[str, TextVectors]) -> None:
        """Store chunks' sentence and heading vectors (ids not held are ignored)."""
        rows = [(cid, tv.keys, tv.vectors) for cid, tv in vectors.items()]
        try:
            with self._write() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO text_vectors (chunk_id, keys, vectors) "
                    "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?1)",
                    rows,
                )
        except sqlite3.OperationalError as exc:
            raise StorageError(self._storage_message(exc)) from exc

    def text_vectors(self, chunk_ids: Sequence[str]) -> dict[str, TextVectors]:
        found: dict[str, TextVectors] = {}
        ids = list(dict.fromkeys(chunk_ids))
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for cid, keys, vectors in self._read(
                f"SELECT chunk_id, keys, vectors FROM text_vectors WHERE chunk_id IN ({marks})",
                part,
            ):
                found[cid] = TextVectors(bytes(keys), bytes(vectors))
        return found

    def chunks_without_text_vectors(self) -> set[str]:
        return {
            r[0]
            for r in self._read(
                "SELECT id FROM chunks WHERE id NOT IN (SELECT chunk_id FROM text_vectors)"
            )
        }

    def count_chunks(self) -> int:
        return int(self._read("SELECT count(*) FROM chunks")[0][0])

    def count_documents(self) -> int:
        return int(self._read("SELECT count(*) FROM documents")[0][0])

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        try:
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
        except sqlite3.OperationalError as exc:
            raise StorageError(self._storage_message(exc)) from exc

    # -- KeywordIndex ------------------------------------------------------------------------

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score), best first; higher is better."""
        match = fts_query(query)
        if match is None or k <= 0:
            return []
        # ``rank`` is bm25() with the column weights set at creation; ranking inside a subquery
        # scores each match once and joins only the top k to the chunks table.
        rows = self._read(
            "SELECT c.id, -f.rank FROM (SELECT rowid, rank FROM chunks_fts WHERE chunks_fts "
            "MATCH ? ORDER BY rank LIMIT ?) AS f JOIN chunks c ON c.rid = f.rowid ORDER BY f.rank",
            (match, k),
        )
        return [(r[0], float(r[1])) for r in rows]

    def keyword_ids(self) -> set[str]:
        """Chunk ids present in the keyword index (for consistency checks)."""
        return {
            r[0]
            for r in self._read(
                "SELECT c.id FROM chunks_fts JOIN chunks c ON c.rid = chunks_fts.rowid"
            )
        }
