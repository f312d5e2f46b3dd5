"""``PostgresTraceStore``: answer traces and feedback in PostgreSQL, shared by every replica.

Same tables and behaviour as the SQLite ``TraceStore`` (which it extends: redaction, the CSV
export and the content-gap report are written once, there); only connecting, the placeholder
style and the three statements SQLite spells differently are PostgreSQL's own here. Feedback
given on one replica is then exported from any other.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

from assistant.errors import ConfigurationError, InputError, StorageError
from assistant.guardrails import redact_pii
from assistant.index.postgres_catalog import describe_url
from assistant.traces import (
    MAX_COMMENT_CHARS,
    MAX_REASONS,
    RATINGS,
    TRACES_TABLE,
    TraceStore,
    _now,
    check_reasons,
    trace_row,
)
from assistant.types import Answer

SCHEMA_LOCK_KEY = 0x4C4744

_SCHEMA = (
    TRACES_TABLE
    + """
CREATE TABLE IF NOT EXISTS feedback (
    id BIGSERIAL PRIMARY KEY,
    answer_id TEXT NOT NULL REFERENCES traces(id),
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reasons TEXT NOT NULL,
    comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
CREATE INDEX IF NOT EXISTS traces_created ON traces(created_at);
"""
)

_TRACE_COLUMNS = (
    "id, created_at, client, audience, question, standalone_question, answer, refused, "
    "refusal_reason, citations, hits, themes, warnings, timings"
)


class PostgresTraceStore(TraceStore):
    """Traces and feedback in a PostgreSQL database (``LGA_ASSISTANT_CATALOG__URL``)."""

    def __init__(self, url: str, *, connect_timeout: float = 10.0) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise ConfigurationError(
                "PostgreSQL support needs psycopg: run `make install` (or pip install "
                "'psycopg[binary]==3.3.9')."
            ) from exc
        self._psycopg = psycopg
        self.url = url
        self.where = describe_url(url)
        self.path = None  # type: ignore[assignment]  # no file: messages name the server
        self._lock = threading.Lock()
        self._timeout = max(1, int(connect_timeout))
        self._pg: Any = None
        try:
            self._pg = self._connect()
            with self._pg.transaction():
                self._pg.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                self._pg.execute(_SCHEMA)
        except psycopg.Error as exc:
            raise StorageError(self._message(exc)) from exc

    def _connect(self) -> Any:
        return self._psycopg.connect(self.url, autocommit=True, connect_timeout=self._timeout)

    def _message(self, exc: BaseException) -> str:
        return (
            f"Cannot use the trace store in PostgreSQL at {self.where} ({exc}): check that the "
            "server is running and LGA_ASSISTANT_CATALOG__URL is right."
        )

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders, as in ``TraceStore``) under the lock; one
        reconnect if the server dropped the connection (a restart, a failover)."""
        sql = sql.replace("?", "%s")
        with self._lock:
            for attempt in (0, 1):
                try:
                    if self._pg.closed:
                        self._pg = self._connect()
                    return self._pg.execute(sql, params)
                except self._psycopg.OperationalError as exc:
                    if attempt:
                        raise StorageError(self._message(exc)) from exc
                    self._pg.close()
                except self._psycopg.Error as exc:
                    raise StorageError(self._message(exc)) from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._pg.close()

    def _write(self, sql: str, params: Sequence[Any]) -> None:
        self._execute(sql, params)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._execute(sql, params).fetchall())

    def journal_mode(self) -> str:
        return "postgresql"

    def record(self, answer: Answer, *, client: str | None = None) -> None:
        """Store ``answer`` as a trace; personal data in the question is redacted first."""
        updates = ", ".join(f"{c} = excluded.{c}" for c in _TRACE_COLUMNS.split(", ") if c != "id")
        self._write(
            f"INSERT INTO traces ({_TRACE_COLUMNS}) VALUES ({', '.join(['%s'] * 14)}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}",
            trace_row(answer, client),
        )

    def trace(self, answer_id: str) -> dict[str, Any] | None:
        """The stored trace as a dict (JSON columns decoded), or None."""
        rows = self._read(f"SELECT {_TRACE_COLUMNS} FROM traces WHERE id = %s", (answer_id,))
        if not rows:
            return None
        out = dict(zip(_TRACE_COLUMNS.split(", "), rows[0], strict=True))
        for key in ("citations", "hits", "themes", "warnings", "timings"):
            out[key] = json.loads(out[key])
        out["refused"] = bool(out["refused"])
        return out

    def feedback(
        self,
        answer_id: str,
        rating: str,
        reasons: Sequence[str] = (),
        comment: str | None = None,
    ) -> int:
        """Store a thumbs up/down (see ``TraceStore.feedback``); returns the feedback id."""
        if rating not in RATINGS:
            raise InputError(f"Rating must be 'up' or 'down', not {rating!r}.")
        if not self.exists(answer_id):
            raise InputError(
                f"No answer with id {answer_id!r}: feedback must refer to an answer given here."
            )
        clean_reasons = check_reasons([r for r in reasons if r.strip()])[:MAX_REASONS]
        clean_comment = redact_pii(comment.strip())[:MAX_COMMENT_CHARS] if comment else None
        rows = self._read(
            "INSERT INTO feedback (answer_id, created_at, rating, reasons, comment) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (answer_id, _now(), rating, json.dumps(clean_reasons), clean_comment or None),
        )
        return int(rows[0][0])
