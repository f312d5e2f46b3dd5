"""The catalogue and keyword index in PostgreSQL (``tsvector`` + GIN), shared by app replicas.

The same tables as ``SqliteCatalog`` (documents, chunks with every ``Chunk`` field, meta). Each
chunk row carries a generated ``tsv`` column (passage text weight A, heading path B, title C)
under a GIN index, so the keyword index is part of the row and can never drift from the
catalogue. ``replace_document`` and ``remove_document`` are single transactions; under READ
COMMITTED every reading statement sees the old or the new version of a document, never half.

Catalogue writes are serialised with a transaction-scoped advisory lock (two replicas
re-ingesting one file at once would otherwise both delete the old rows and insert theirs). ``writer_lock`` is a session advisory lock the ingest pipeline holds for a
whole run, so only one replica ingests at a time; it is released if that process dies.

Ranking, BM25-shaped: for each query term the chunk matches, the term's inverse document
frequency (from ``keyword_terms``, kept in the same transaction as the chunks) times its
``ts_rank`` with the column weights of the SQLite FTS5 ranking (text 1.0, heading 0.6, title
0.3), length-normalised (``1 + log(length)``); summed over the terms.
``python -m evals.bench.keyword_quality`` compares hit@k with FTS5 on the eval set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from assistant.errors import ConfigurationError, StorageError
from assistant.index.sqlite_catalog import query_terms
from assistant.ports import DocumentRecord, TextVectors
from assistant.types import Chunk

# Text search configuration: Snowball English stemming (FTS5 used Porter); our own stopword
# list (``query_terms``) decides what is searched, PostgreSQL's only what is indexed.
TS_CONFIG = "english"
# ts_rank weights (in _SEARCH) for labels {D, C, B, A}: title (C) 0.3, heading path (B) 0.6,
# text (A) 1.0, the FTS5 bm25() column weights in ``sqlite_catalog._BM25_WEIGHTS``.
# ts_rank normalisation 1: divide by 1 + log(document length).
RANK_NORMALISATION = 1
WRITER_LOCK_KEY = 0x4C4741  # "LGA": one ingest at a time, across replicas
WRITE_LOCK_KEY = 0x4C4742  # one catalogue write transaction at a time
SCHEMA_LOCK_KEY = 0x4C4743

_SCHEMA = f"""
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
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    heading_path TEXT NOT NULL,
    heading TEXT NOT NULL,
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
    themes TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('{TS_CONFIG}', text), 'A')
        || setweight(to_tsvector('{TS_CONFIG}', heading), 'B')
        || setweight(to_tsvector('{TS_CONFIG}', title), 'C')
    ) STORED
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (document_id, position);
CREATE INDEX IF NOT EXISTS chunks_tsv ON chunks USING GIN (tsv);
CREATE TABLE IF NOT EXISTS keyword_terms (lexeme TEXT PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS text_vectors (
    chunk_id TEXT PRIMARY KEY,
    keys BYTEA NOT NULL,
    vectors BYTEA NOT NULL
);
"""

_CHUNK_COLUMNS = (
    "id, document_id, position, text, heading_path, page_start, page_end, char_start, char_end, "
    "title, source, url, doc_type, publisher, published, councils, themes"
)
_DOC_COLUMNS = (
    "id, source, title, content_hash, doc_type, publisher, published, url, ingested_at, file_hash"
)
# Document frequencies move by the lexemes of the chunks written or deleted; the row with the
# empty lexeme (never a real one) counts the chunks. Every catalogue write first takes one
# transaction-scoped advisory lock: writers touch the same frequency rows anyway, and after the
# lock a READ COMMITTED statement sees the previous writer's rows (two replicas replacing one
# document at once would otherwise both delete the old rows and both insert theirs).
_TERM_DELTAS = """
SELECT '' AS lexeme, count(*) AS n FROM chunks WHERE document_id = %(doc)s
UNION ALL
SELECT u.lexeme, count(*) FROM chunks, unnest(tsvector_to_array(tsv)) AS u(lexeme)
WHERE document_id = %(doc)s GROUP BY u.lexeme
"""
_ADD_TERMS = f"""
INSERT INTO keyword_terms (lexeme, df) SELECT lexeme, n FROM ({_TERM_DELTAS}) d ORDER BY lexeme
ON CONFLICT (lexeme) DO UPDATE SET df = keyword_terms.df + excluded.df
"""
_REMOVE_TERMS = f"""
UPDATE keyword_terms k SET df = k.df - d.n FROM ({_TERM_DELTAS}) d WHERE k.lexeme = d.lexeme
"""
# Score = sum over the query terms a chunk matches of idf(term) x ts_rank(chunk, term): BM25's
# shape (per-term idf times a saturating, length-normalised term weight; ts_rank normalisation 1
# divides by 1 + log(length)). The CTE computes each term's idf once; the GIN index finds the
# chunks matching any term. On the eval set (python -m evals.bench.keyword_quality) this kept
# fused hit@1 equal to FTS5 (0.825), where ts_rank(all terms) x summed idf lost 0.021.
_SEARCH = f"""
WITH terms AS MATERIALIZED (
    SELECT quote_literal(q.lexeme)::tsquery AS tq,
           ln(1 + (n.total - coalesce(k.df, 0) + 0.5) / (coalesce(k.df, 0) + 0.5)) AS idf
    FROM unnest(%(lexemes)s::text[]) AS q(lexeme)
    CROSS JOIN (SELECT greatest(coalesce(
        (SELECT df FROM keyword_terms WHERE lexeme = ''), 0), 1) AS total) AS n
    LEFT JOIN keyword_terms k ON k.lexeme = q.lexeme
)
SELECT c.id, (
    SELECT sum(t.idf * ts_rank('{{0.0, 0.3, 0.6, 1.0}}'::float4[], c.tsv, t.tq,
                               {RANK_NORMALISATION}))
    FROM terms t WHERE c.tsv @@ t.tq
) AS score
FROM chunks c
WHERE c.tsv @@ %(match)s::tsquery
ORDER BY score DESC, c.id
LIMIT %(k)s
"""


def describe_url(url: str) -> str:
    """``host:port/dbname`` of a PostgreSQL URL, without user or password (for messages)."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - only used to word an error message
        return "the configured PostgreSQL database"
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:
        raise ConfigurationError(
            "PostgreSQL support needs psycopg: run `make install` (or pip install "
            "'psycopg[binary]==3.3.9' psycopg-pool==3.3.3), or unset LGA_ASSISTANT_CATALOG__URL "
            "to use the embedded SQLite catalogue."
        ) from exc
    return psycopg, psycopg_pool


def _quote_lexeme(lexeme: str) -> str:
    """``lexeme`` as a tsquery literal (quoted, so no character is read as query syntax)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _row_to_chunk(row: Sequence[Any]) -> Chunk:
    return Chunk(
        id=row[0],
        document_id=row[1],
        position=row[2],
        text=row[3],
        heading_path=tuple(json.loads(row[4])),
        page_start=row[5],
        page_end=row[6],
        char_start=row[7],
        char_end=row[8],
        title=row[9],
        source=row[10],
        url=row[11],
        doc_type=row[12],
        publisher=row[13],
        published=row[14],
        councils=tuple(json.loads(row[15])),
        themes=tuple(json.loads(row[16])),
    )


def _chunk_row(chunk: Chunk) -> tuple[Any, ...]:
    return (
        chunk.id,
        chunk.document_id,
        chunk.position,
        chunk.text,
        json.dumps(list(chunk.heading_path), ensure_ascii=False),
        " ".join(chunk.heading_path),
        chunk.page_start,
        chunk.page_end,
        chunk.char_start,
        chunk.char_end,
        chunk.title,
        chunk.source,
        chunk.url,
        chunk.doc_type,
        chunk.publisher,
        chunk.published,
        json.dumps(list(chunk.councils), ensure_ascii=False),
        json.dumps(list(chunk.themes), ensure_ascii=False),
    )


class PostgresCatalog:
    """``Catalog`` and ``KeywordIndex`` in a PostgreSQL database; safe to share between threads
    (a small connection pool) and between processes (the database's transactions and locks)."""

    def __init__(self, url: str, *, pool_size: int = 4, connect_timeout: float = 10.0) -> None:
        psycopg, psycopg_pool = _psycopg()
        self._psycopg = psycopg
        self.url = url
        self.where = describe_url(url)
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"autocommit": True, "connect_timeout": max(1, int(connect_timeout))},
            timeout=connect_timeout,
            check=psycopg_pool.ConnectionPool.check_connection,
            open=False,
            name="lga-catalog",
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
            with self._pool.connection() as conn, conn.transaction():
                # Replicas starting together must not race on CREATE TABLE IF NOT EXISTS.
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                conn.execute(_SCHEMA)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            self._pool.close()
            raise StorageError(self._message(exc)) from exc

    def _message(self, exc: BaseException) -> str:
        return (
            f"Cannot use the PostgreSQL catalogue at {self.where} ({exc}): check that the server "
            "is running and LGA_ASSISTANT_CATALOG__URL is right, or unset it to use the embedded "
            "SQLite catalogue."
        )

    # -- connections -------------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except self._psycopg.OperationalError as exc:  # the server, not the caller's input
            raise StorageError(self._message(exc)) from exc

    def _read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        with self._connection() as conn:
            return list(conn.execute(sql, params).fetchall())

    def close(self) -> None:
        """Close the connection pool."""
        self._pool.close()

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Hold the ingest writer lock (one ingest at a time across every replica).

        Waits for another replica's ingest to finish. A session advisory lock on its own
        connection: if this process dies the server releases it.
        """
        try:
            conn = self._psycopg.connect(self.url, autocommit=True)
            conn.execute("SELECT pg_advisory_lock(%s)", (WRITER_LOCK_KEY,))
        except self._psycopg.Error as exc:
            raise StorageError(self._message(exc)) from exc
        try:
            yield
        finally:
            conn.close()  # closing the session releases the lock

    # -- Catalog -----------------------------------------------------------------------------

    @staticmethod
    def _record(row: Sequence[Any], chunk_ids: Sequence[str]) -> DocumentRecord:
        return DocumentRecord(
            id=row[0],
            source=row[1],
            title=row[2],
            content_hash=row[3],
            doc_type=row[4],
            publisher=row[5],
            published=row[6],
            url=row[7],
            ingested_at=row[8],
            file_hash=row[9],
            chunk_ids=tuple(chunk_ids),
        )

    def document(self, document_id: str) -> DocumentRecord | None:
        # One statement, one snapshot: the record and its chunk ids are of the same version.
        rows = self._read(
            f"SELECT {_DOC_COLUMNS}, ARRAY(SELECT c.id FROM chunks c WHERE c.document_id = d.id "
            "ORDER BY c.position) FROM documents d WHERE d.id = %s",
            (document_id,),
        )
        return self._record(rows[0], rows[0][10]) if rows else None

    def documents(self) -> list[DocumentRecord]:
        rows = self._read(
            f"SELECT {_DOC_COLUMNS}, ARRAY(SELECT c.id FROM chunks c WHERE c.document_id = d.id "
            "ORDER BY c.position) FROM documents d ORDER BY d.id"
        )
        return [self._record(r, r[10]) for r in rows]

    @staticmethod
    def _delete_document(conn: Any, document_id: str, keep: Sequence[str] = ()) -> None:
        """Delete the document's rows; the text vectors of chunk ids in ``keep`` stay (a chunk
        id is content-derived: the same id is the same text)."""
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        conn.execute(
            "DELETE FROM text_vectors WHERE chunk_id IN (SELECT id FROM chunks WHERE "
            "document_id = %s) AND NOT (chunk_id = ANY(%s))",
            (document_id, list(keep)),
        )
        conn.execute(_REMOVE_TERMS, {"doc": document_id})
        conn.execute("DELETE FROM chunks WHERE document_id = %s", (document_id,))
        conn.execute("DELETE FROM documents WHERE id = %s", (document_id,))

    def replace_document(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None:
        """Replace the document's row, chunks and keyword entries in one transaction."""
        placeholders = ", ".join(["%s"] * 18)
        with self._connection() as conn, conn.transaction():
            self._delete_document(conn, record.id, keep=[c.id for c in chunks])
            conn.execute(
                f"INSERT INTO documents ({_DOC_COLUMNS}) VALUES ({', '.join(['%s'] * 10)})",
                (
                    record.id,
                    record.source,
                    record.title,
                    record.content_hash,
                    record.doc_type,
                    record.publisher,
                    record.published,
                    record.url,
                    record.ingested_at,
                    record.file_hash,
                ),
            )
            if chunks:
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO chunks (id, document_id, position, text, heading_path, "
                        "heading, page_start, page_end, char_start, char_end, title, source, url, "
                        f"doc_type, publisher, published, councils, themes) VALUES ({placeholders})",
                        [_chunk_row(c) for c in chunks],
                    )
                conn.execute(_ADD_TERMS, {"doc": record.id})

    def remove_document(self, document_id: str) -> None:
        with self._connection() as conn, conn.transaction():
            self._delete_document(conn, document_id)

    def put_text_vectors(self, vectors: Mapping[str, TextVectors]) -> None:
        """Store chunks' sentence and heading vectors (ids not held are ignored)."""
        rows = [(cid, tv.keys, tv.vectors) for cid, tv in vectors.items()]
        if not rows:
            return
        with self._connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO text_vectors (chunk_id, keys, vectors) "
                "SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM chunks WHERE id = %s) "
                "ON CONFLICT (chunk_id) DO UPDATE SET keys = EXCLUDED.keys, "
                "vectors = EXCLUDED.vectors",
                [(cid, keys, vecs, cid) for cid, keys, vecs in rows],
            )

    def text_vectors(self, chunk_ids: Sequence[str]) -> dict[str, TextVectors]:
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return {}
        rows = self._read(
            "SELECT chunk_id, keys, vectors FROM text_vectors WHERE chunk_id = ANY(%s)", (ids,)
        )
        return {cid: TextVectors(bytes(keys), bytes(vecs)) for cid, keys, vecs in rows}

    def chunks_without_text_vectors(self) -> set[str]:
        rows = self._read(
            "SELECT c.id FROM chunks c WHERE NOT EXISTS "
            "(SELECT 1 FROM text_vectors t WHERE t.chunk_id = c.id)"
        )
        return {r[0] for r in rows}

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks for the ids that exist, in the order asked (unknown ids are skipped).

        One statement: every chunk returned is from the same committed state.
        """
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return []
        rows = self._read(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id = ANY(%s)", (ids,))
        found = {row[0]: _row_to_chunk(row) for row in rows}
        return [found[i] for i in chunk_ids if i in found]

    def document_chunks(self, document_id: str) -> list[Chunk]:
        rows = self._read(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE document_id = %s ORDER BY position",
            (document_id,),
        )
        return [_row_to_chunk(r) for r in rows]

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._read("SELECT id FROM chunks")}

    def count_chunks(self) -> int:
        return int(self._read("SELECT count(*) FROM chunks")[0][0])

    def count_documents(self) -> int:
        return int(self._read("SELECT count(*) FROM documents")[0][0])

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = %s", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def size_bytes(self) -> int:
        """Bytes the catalogue's tables and indexes use in the database."""
        rows = self._read(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relname IN ('documents', 'chunks', 'keyword_terms', 'meta') "
            "AND c.relnamespace = current_schema()::regnamespace"
        )
        return int(rows[0][0])

    def drop(self) -> None:
        """Delete every document, chunk and meta row (for ``ingest --rebuild``)."""
        with self._connection() as conn, conn.transaction():
            conn.execute("TRUNCATE chunks, documents, keyword_terms, meta, text_vectors")

    # -- KeywordIndex ------------------------------------------------------------------------

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, score), best first; higher is better."""
        terms = query_terms(query)
        if not terms or k <= 0:
            return []
        text = " ".join(terms)
        # Each term goes through the same stemmer as the index; PostgreSQL's own stopwords drop
        # out here, and a query left with nothing matches nothing.
        lexemes = self._read(f"SELECT tsvector_to_array(to_tsvector('{TS_CONFIG}', %s))", (text,))[
            0
        ][0]
        if not lexemes:
            return []
        match = " | ".join(_quote_lexeme(lx) for lx in lexemes)
        rows = self._read(_SEARCH, {"lexemes": lexemes, "match": match, "k": k})
        return [(r[0], float(r[1])) for r in rows if r[1] and r[1] > 0]

    def keyword_ids(self) -> set[str]:
        """Chunk ids present in the keyword index (for consistency checks)."""
        return {r[0] for r in self._read("SELECT id FROM chunks WHERE tsv IS NOT NULL")}
