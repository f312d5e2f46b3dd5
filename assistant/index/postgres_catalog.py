"""The catalogue and keyword index in PostgreSQL, shared by app replicas.

The same tables as ``SqliteCatalog`` (documents, chunks with every ``Chunk`` field, meta,
text vectors) plus the keyword index: ``keyword_postings`` holds one row per (term, chunk) with
the term's column-weighted frequency in the chunk and the chunk's length, under a B-tree on
(term, chunk) that answers a query term with one index-only range scan; ``keyword_stats`` holds
the chunk and token totals. ``replace_document`` and ``remove_document`` write all of them in one
transaction, so the keyword index can never drift from the catalogue; under READ COMMITTED every
reading statement sees the old or the new version of a document, never half.

Ranking is SQLite FTS5's ``bm25()``, computed in SQL (``assistant/index/keywords.py``): the same
tokens, Porter stemming through ``to_tsvector`` with the ``lga_porter`` text search configuration
(Snowball ``porter``, no stopwords, as FTS5's ``porter`` tokenizer; tokens FTS5 leaves unstemmed
go through ``simple``), the same column weights, and
each term's idf from its number of postings. Only the postings of the query's terms are read and
summed; the top k are joined to their chunks. (The first version kept a ``tsvector`` column
under a GIN index: the index finds the matching chunks but not their rank, so every match's row
was read and ranked with ``ts_rank``, thousands per question at 100k chunks.)

Catalogue writes are serialised with a transaction-scoped advisory lock (two replicas
re-ingesting one file at once would otherwise both delete the old rows and insert theirs).
``writer_lock`` is a session advisory lock the ingest pipeline holds for a whole run, so only one
replica ingests at a time; it is released if that process dies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from assistant.errors import ConfigurationError, StorageError
from assistant.index.keywords import (
    BM25_B,
    BM25_K1,
    HEADING_WEIGHT,
    MIN_IDF,
    STEM_MAX_BYTES,
    STEM_MIN_BYTES,
    TEXT_WEIGHT,
    TITLE_WEIGHT,
    is_stemmed,
    keyword_tokens,
    query_terms,
)
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

# Text search configuration: the parser's words through Snowball's Porter stemmer (FTS5's
# ``porter``), no stopwords; numbers and anything else through ``simple`` (lower-cased as is).
TS_CONFIG = "lga_porter"
KEEP_CONFIG = "simple"  # tokens FTS5 does not stem: lower-cased only
# Bump when the tokens or postings change: opening the catalogue then rebuilds the keyword
# index from the chunks (2: bm25 postings replacing tsvector + GIN; 3: short tokens unstemmed, as FTS5).
KEYWORD_INDEX_VERSION = "3"
META_KEYWORD_VERSION = "keyword_index_version"
WRITER_LOCK_KEY = 0x4C4741  # "LGA": one ingest at a time, across replicas
WRITE_LOCK_KEY = 0x4C4742  # one catalogue write transaction at a time
SCHEMA_LOCK_KEY = 0x4C4743
_REINDEX_BATCH = 2000

_SCHEMA = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = '{TS_CONFIG}_stem') THEN
        CREATE TEXT SEARCH DICTIONARY {TS_CONFIG}_stem (TEMPLATE = snowball, LANGUAGE = porter);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{TS_CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG}
            ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword,
                hword_asciipart, hword_part, hword_numpart
            WITH {TS_CONFIG}_stem;
    END IF;
END $$;
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
    rid BIGINT GENERATED ALWAYS AS IDENTITY,
    tokens INTEGER NOT NULL DEFAULT 0
);
-- A catalogue made by the tsvector + GIN version (its keyword index is rebuilt from the chunks
-- by ``_upgrade_keyword_index``). Checked first: ALTER TABLE locks out readers even when a no-op.
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
               AND table_name = 'chunks' AND column_name = 'tsv') THEN
        ALTER TABLE chunks DROP COLUMN tsv, DROP COLUMN IF EXISTS heading,
            ADD COLUMN rid BIGINT GENERATED ALWAYS AS IDENTITY,
            ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0;
        DROP TABLE IF EXISTS keyword_terms;
    END IF;
END $$;
CREATE UNIQUE INDEX IF NOT EXISTS chunks_by_rid ON chunks (rid);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (document_id, position);
CREATE TABLE IF NOT EXISTS keyword_postings (
    lexeme TEXT NOT NULL,
    rid BIGINT NOT NULL,
    tf REAL NOT NULL,
    tokens INTEGER NOT NULL,
    PRIMARY KEY (lexeme, rid) INCLUDE (tf, tokens)
);
CREATE INDEX IF NOT EXISTS keyword_postings_by_chunk ON keyword_postings (rid);
CREATE TABLE IF NOT EXISTS keyword_stats (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    chunks BIGINT NOT NULL,
    tokens BIGINT NOT NULL
);
INSERT INTO keyword_stats VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS text_vectors (
    chunk_id TEXT PRIMARY KEY,
    keys BYTEA NOT NULL,
    vectors BYTEA NOT NULL
);
"""

# One row per (term, chunk) of the chunks given: ``tf`` is the column-weighted number of the
# term's occurrences (FTS5 bm25's per-phrase frequency), ``tokens`` the chunk's length in tokens
# (every column). Each column comes in as two strings of ``keyword_tokens`` joined by spaces, so
# PostgreSQL's parser sees plain words: those FTS5 stems (``_stem``, through the Porter
# configuration) and those it keeps as they are (``_keep``, through ``simple``).
_ADD_POSTINGS = f"""
INSERT INTO keyword_postings (lexeme, rid, tf, tokens)
SELECT t.lexeme, c.rid, sum(t.weight * cardinality(t.positions)), max(c.tokens)
FROM unnest(
    %(ids)s::text[], %(text_stem)s::text[], %(text_keep)s::text[], %(title_stem)s::text[],
    %(title_keep)s::text[], %(heading_stem)s::text[], %(heading_keep)s::text[]
) AS v(id, text_stem, text_keep, title_stem, title_keep, heading_stem, heading_keep)
JOIN chunks c ON c.id = v.id
CROSS JOIN LATERAL (
    SELECT u.lexeme, u.positions, {TEXT_WEIGHT}::float8 AS weight
    FROM unnest(to_tsvector('{TS_CONFIG}', v.text_stem)) u
    UNION ALL
    SELECT u.lexeme, u.positions, {TEXT_WEIGHT}::float8 AS weight
    FROM unnest(to_tsvector('{KEEP_CONFIG}', v.text_keep)) u
    UNION ALL
    SELECT u.lexeme, u.positions, {TITLE_WEIGHT}::float8 AS weight
    FROM unnest(to_tsvector('{TS_CONFIG}', v.title_stem)) u
    UNION ALL
    SELECT u.lexeme, u.positions, {TITLE_WEIGHT}::float8 AS weight
    FROM unnest(to_tsvector('{KEEP_CONFIG}', v.title_keep)) u
    UNION ALL
    SELECT u.lexeme, u.positions, {HEADING_WEIGHT}::float8 AS weight
    FROM unnest(to_tsvector('{TS_CONFIG}', v.heading_stem)) u
    UNION ALL
    SELECT u.lexeme, u.positions, {HEADING_WEIGHT}::float8 AS weight
    FROM unnest(to_tsvector('{KEEP_CONFIG}', v.heading_keep)) u
) t
GROUP BY t.lexeme, c.rid
"""
# FTS5's bm25() over the query's terms. Each term (as FTS5 phrases: a term twice counts twice)
# is stemmed like the index; its idf comes from its number of postings (an index-only count);
# only the postings of those terms are summed per chunk, and only the top k are joined to their
# chunks. Ties go to the older row, as FTS5's rowid order.
_SEARCH = f"""
WITH stats AS (
    SELECT greatest(chunks, 1)::float8 AS n,
           greatest(tokens, 1)::float8 / greatest(chunks, 1) AS avg_tokens
    FROM keyword_stats WHERE id = 1
),
terms AS MATERIALIZED (
    SELECT x.lexeme,
           greatest(ln((s.n - d.hits + 0.5) / (d.hits + 0.5)), {MIN_IDF}::float8) AS idf
    FROM unnest(%(terms)s::text[]) AS q(term)
    CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector(
        CASE WHEN octet_length(q.term) BETWEEN {STEM_MIN_BYTES} AND {STEM_MAX_BYTES}
             THEN '{TS_CONFIG}' ELSE '{KEEP_CONFIG}' END::regconfig, q.term))) AS x(lexeme)
    CROSS JOIN LATERAL (
        SELECT count(*)::float8 AS hits FROM keyword_postings p WHERE p.lexeme = x.lexeme
    ) d
    CROSS JOIN stats s
    WHERE d.hits > 0
),
top AS (
    SELECT p.rid,
           sum(t.idf * p.tf * {BM25_K1 + 1}::float8
               / (p.tf + {BM25_K1}::float8
                  * ({1 - BM25_B}::float8 + {BM25_B}::float8 * p.tokens / s.avg_tokens))) AS score
    FROM terms t
    JOIN keyword_postings p ON p.lexeme = t.lexeme
    CROSS JOIN stats s
    GROUP BY p.rid
    ORDER BY score DESC, p.rid
    LIMIT %(k)s
)
SELECT c.id, top.score FROM top JOIN chunks c ON c.rid = top.rid ORDER BY top.score DESC, top.rid
"""
_REMOVE_STATS = """
UPDATE keyword_stats SET chunks = keyword_stats.chunks - d.n, tokens = keyword_stats.tokens - d.t
FROM (SELECT count(*) AS n, coalesce(sum(tokens), 0) AS t FROM chunks WHERE document_id = %s) d
WHERE keyword_stats.id = 1
"""
_ADD_STATS = """
UPDATE keyword_stats SET chunks = keyword_stats.chunks + %s, tokens = keyword_stats.tokens + %s
WHERE id = 1
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


def _keyword_texts(chunks: Sequence[Chunk]) -> tuple[dict[str, list[Any]], list[int]]:
    """The ``_ADD_POSTINGS`` parameters for ``chunks`` and each chunk's length in tokens."""
    params: dict[str, list[Any]] = {"ids": []}
    lengths = []
    for chunk in chunks:
        params["ids"].append(chunk.id)
        length = 0
        for column, text in (
            ("text", chunk.text),
            ("title", chunk.title),
            ("heading", " ".join(chunk.heading_path)),
        ):
            tokens = keyword_tokens(text)
            length += len(tokens)
            params.setdefault(f"{column}_stem", []).append(
                " ".join(t for t in tokens if is_stemmed(t))
            )
            params.setdefault(f"{column}_keep", []).append(
                " ".join(t for t in tokens if not is_stemmed(t))
            )
        lengths.append(length)
    return params, lengths


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
            open=False,
            name="lga-catalog",
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
            with self._pool.connection() as conn, conn.transaction():
                # Replicas starting together must not race on CREATE TABLE IF NOT EXISTS.
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                conn.execute(_SCHEMA)
                self._upgrade_keyword_index(conn)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            self._pool.close()
            raise StorageError(self._message(exc)) from exc

    @staticmethod
    def _upgrade_keyword_index(conn: Any) -> None:
        """Rebuild the keyword index from the chunks when it was built by another version (or
        by the tsvector + GIN one); a no-op on a current or a new catalogue."""
        row = conn.execute(
            "SELECT value FROM meta WHERE key = %s", (META_KEYWORD_VERSION,)
        ).fetchone()
        if row is not None and row[0] == KEYWORD_INDEX_VERSION:
            return
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        # DELETE, not TRUNCATE: replicas already running keep searching the old postings until
        # this transaction commits (TRUNCATE would lock them out for the whole rebuild).
        conn.execute("DELETE FROM keyword_postings")
        last = 0
        while True:
            rows = conn.execute(
                f"SELECT rid, {CHUNK_COLUMNS} FROM chunks WHERE rid > %s ORDER BY rid LIMIT %s",
                (last, _REINDEX_BATCH),
            ).fetchall()
            if not rows:
                break
            last = rows[-1][0]
            chunks = [chunk_from_row(r[1:]) for r in rows]
            params, lengths = _keyword_texts(chunks)
            with conn.cursor() as cur:
                cur.executemany(
                    "UPDATE chunks SET tokens = %s WHERE id = %s",
                    list(zip(lengths, params["ids"], strict=True)),
                )
            conn.execute(_ADD_POSTINGS, params)
        conn.execute(
            "UPDATE keyword_stats SET chunks = d.n, tokens = d.t FROM (SELECT count(*) AS n, "
            "coalesce(sum(tokens), 0) AS t FROM chunks) d WHERE keyword_stats.id = 1"
        )
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (META_KEYWORD_VERSION, KEYWORD_INDEX_VERSION),
        )

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
            if conn.broken:
                self._pool.check()  # the next write gets a working connection
            raise StorageError(self._message(exc)) from exc

    def _read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one reading statement. A pooled connection the server dropped (a restart,
        a failover) is discarded and the statement retried once on a new one, so the pool need
        not test every connection it lends (a round trip before every query)."""
        for attempt in (1, 2):
            try:
                with self._pool.connection() as conn:
                    try:
                        return list(conn.execute(sql, params).fetchall())
                    except self._psycopg.OperationalError:
                        if attempt == 1 and conn.broken:
                            self._pool.check()  # replace every idle connection that broke too
                            continue  # this one is discarded as it goes back to the pool
                        raise
            except self._psycopg.OperationalError as exc:  # the server, not the caller's input
                raise StorageError(self._message(exc)) from exc
        raise AssertionError("unreachable")

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

    def document(self, document_id: str) -> DocumentRecord | None:
        # One statement, one snapshot: the record and its chunk ids are of the same version.
        rows = self._read(
            f"SELECT {DOCUMENT_COLUMNS}, ARRAY(SELECT c.id FROM chunks c "
            "WHERE c.document_id = d.id ORDER BY c.position) FROM documents d WHERE d.id = %s",
            (document_id,),
        )
        return document_from_row(rows[0], rows[0][10]) if rows else None

    def documents(self) -> list[DocumentRecord]:
        rows = self._read(
            f"SELECT {DOCUMENT_COLUMNS}, ARRAY(SELECT c.id FROM chunks c "
            "WHERE c.document_id = d.id ORDER BY c.position) FROM documents d ORDER BY d.id"
        )
        return [document_from_row(r, r[10]) for r in rows]

    def documents_at(self, url: str) -> list[DocumentRecord]:
        rows = self._read(
            f"SELECT {DOCUMENT_COLUMNS}, ARRAY(SELECT c.id FROM chunks c "
            "WHERE c.document_id = d.id ORDER BY c.position) FROM documents d "
            "WHERE rtrim(d.url, '/') = %s ORDER BY d.id",
            (url.rstrip("/"),),
        )
        return [document_from_row(r, r[10]) for r in rows]

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
        conn.execute(_REMOVE_STATS, (document_id,))
        # No foreign key: it would be checked on each of a chunk's ~60 postings as they are written.
        conn.execute(
            "DELETE FROM keyword_postings WHERE rid IN "
            "(SELECT rid FROM chunks WHERE document_id = %s)",
            (document_id,),
        )
        conn.execute("DELETE FROM chunks WHERE document_id = %s", (document_id,))
        conn.execute("DELETE FROM documents WHERE id = %s", (document_id,))

    def replace_document(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None:
        """Replace the document's row, chunks and keyword entries in one transaction."""
        params, lengths = _keyword_texts(chunks)
        with self._connection() as conn, conn.transaction():
            self._delete_document(conn, record.id, keep=[c.id for c in chunks])
            conn.execute(
                f"INSERT INTO documents ({DOCUMENT_COLUMNS}) VALUES ({', '.join(['%s'] * 10)})",
                document_to_row(record),
            )
            if chunks:
                with conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO chunks ({CHUNK_COLUMNS}, tokens) "
                        f"VALUES ({', '.join(['%s'] * 18)})",
                        [(*chunk_to_row(c), n) for c, n in zip(chunks, lengths, strict=True)],
                    )
                conn.execute(_ADD_POSTINGS, params)
                conn.execute(_ADD_STATS, (len(chunks), sum(lengths)))

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
        rows = self._read(f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE id = ANY(%s)", (ids,))
        found = {row[0]: chunk_from_row(row) for row in rows}
        return [found[i] for i in chunk_ids if i in found]

    def document_chunks(self, document_id: str) -> list[Chunk]:
        rows = self._read(
            f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE document_id = %s ORDER BY position",
            (document_id,),
        )
        return [chunk_from_row(r) for r in rows]

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
            "WHERE c.relname IN ('documents', 'chunks', 'keyword_postings', 'keyword_stats', 'meta', "
            "'text_vectors') "
            "AND c.relnamespace = current_schema()::regnamespace"
        )
        return int(rows[0][0])

    def drop(self) -> None:
        """Delete every document, chunk and meta row (for ``ingest --rebuild``)."""
        with self._connection() as conn, conn.transaction():
            conn.execute("TRUNCATE chunks, documents, keyword_postings, meta, text_vectors")
            conn.execute("UPDATE keyword_stats SET chunks = 0, tokens = 0")
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s)",
                (META_KEYWORD_VERSION, KEYWORD_INDEX_VERSION),
            )

    # -- KeywordIndex ------------------------------------------------------------------------

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, bm25 score), best first; higher is better. One statement."""
        terms = query_terms(query)
        if not terms or k <= 0:
            return []
        rows = self._read(_SEARCH, {"terms": terms, "k": k})
        return [(r[0], float(r[1])) for r in rows]

    def keyword_ids(self) -> set[str]:
        """Chunk ids present in the keyword index (for consistency checks): those with
        postings, and those without a single token (which have none to hold)."""
        rows = self._read(
            "SELECT c.id FROM chunks c WHERE c.tokens = 0 OR EXISTS "
            "(SELECT 1 FROM keyword_postings p WHERE p.rid = c.rid)"
        )
        return {r[0] for r in rows}
