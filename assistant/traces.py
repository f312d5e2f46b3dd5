"""Traces and feedback: every answer the web app gives, stored in SQLite under the data dir.

A trace keeps what is needed to understand an answer later (the question with personal data
redacted, the standalone question, the retrieved chunk ids with scores, the answer, its
citations and timings); feedback rows link to it. The content-gap report groups refused and
low-confidence questions by theme so LGA staff can see what the corpus does not cover.

The database runs in WAL mode so readers never block the writer and a killed server loses
nothing that was committed. One connection is shared behind a lock: SQLite writes are short.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.errors import InputError, StorageError
from assistant.guardrails import redact_pii
from assistant.types import Answer

Rating = Literal["up", "down"]
RATINGS: tuple[Rating, ...] = ("up", "down")
MAX_COMMENT_CHARS = 2000
MAX_REASONS = 10
# The reasons a user can tick under an answer (the chat offers these; the API accepts only these).
UP_REASONS = ("Clear and easy to read", "Useful sources", "Helps me act")
DOWN_REASONS = (
    "Not accurate",
    "Missing information",
    "Sources don't support it",
    "Hard to understand",
    "Not relevant to my council",
)
FEEDBACK_REASONS = UP_REASONS + DOWN_REASONS
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ tab or CR gets a
    leading ' (OWASP's advice), so "=HYPERLINK(...)" or "=cmd|..." is never run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_KNOWN_REASONS = {r.casefold(): r for r in FEEDBACK_REASONS}


def check_reasons(reasons: Sequence[str]) -> list[str]:
    """``reasons`` as the known reasons they name (any case); ``InputError`` naming any other
    one, so free text (and formulas) cannot be stored as a reason."""
    out = []
    for reason in reasons:
        known = _KNOWN_REASONS.get(" ".join(reason.split()).casefold())
        if known is None:
            raise InputError(
                f"Unknown feedback reason {reason!r}: use any of "
                + ", ".join(repr(r) for r in FEEDBACK_REASONS)
                + "."
            )
        out.append(known)
    return out


# The traces table in SQL both SQLite and PostgreSQL read (postgres_traces.py uses it too).
TRACES_TABLE = """
CREATE TABLE IF NOT EXISTS traces (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    client TEXT,
    audience TEXT NOT NULL,
    question TEXT NOT NULL,
    standalone_question TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    refusal_reason TEXT,
    citations TEXT NOT NULL,
    hits TEXT NOT NULL,
    themes TEXT NOT NULL,
    warnings TEXT NOT NULL,
    timings TEXT NOT NULL
);
"""
_SCHEMA = (
    TRACES_TABLE
    + """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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

FEEDBACK_CSV_COLUMNS = (
    "answer_id",
    "feedback_at",
    "rating",
    "reasons",
    "comment",
    "audience",
    "question",
    "refused",
    "answer",
    "citations",
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def question_themes(question: str) -> tuple[str, ...]:
    """Theme ids for a question, from the project's taxonomy (empty if it is unavailable)."""
    try:
        from assistant.knowledge.themes import tag_themes
    except ImportError:
        return ()
    return tuple(tag_themes(question))


def trace_row(answer: Answer, client: str | None) -> tuple[Any, ...]:
    """The traces-table row of ``answer``, in column order, personal data redacted (shared by
    the SQLite and PostgreSQL trace stores)."""
    citations = [
        {
            "n": c.n,
            "chunk_id": c.chunk.id,
            "document_id": c.chunk.document_id,
            "title": c.chunk.title,
            "page": c.chunk.page_start,
        }
        for c in answer.citations
    ]
    hits = [
        {"chunk_id": h.chunk.id, "document_id": h.chunk.document_id, "score": h.score}
        for h in answer.hits
    ]
    themes = _top_themes(t for h in answer.hits for t in h.chunk.themes)
    return (
        answer.id,
        _now(),
        client,
        answer.audience,
        redact_pii(answer.question),
        redact_pii(answer.standalone_question),
        answer.text,
        int(answer.refused),
        answer.refusal_reason,
        json.dumps(citations),
        json.dumps(hits),
        json.dumps(themes),
        json.dumps(list(answer.warnings)),
        json.dumps(answer.timings_ms),
    )


class TraceStore:
    """SQLite store of answer traces and user feedback (``settings.traces_path``)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10.0)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA)
            self._conn.commit()
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(
                f"Cannot open the trace store at {path}: {exc}. Check that the data directory "
                "exists and is writable, or pass another one with --data-dir."
            ) from exc
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _write(self, sql: str, params: Sequence[Any]) -> None:
        with self._lock:
            try:
                with self._conn:
                    self._conn.execute(sql, params)
            except sqlite3.Error as exc:
                raise StorageError(
                    f"Cannot write to the trace store at {self.path}: {exc}. Check free disk "
                    "space and permissions on the data directory."
                ) from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())

    def journal_mode(self) -> str:
        """The SQLite journal mode in use ("wal")."""
        return str(self._read("PRAGMA journal_mode")[0][0])

    def record(self, answer: Answer, *, client: str | None = None) -> None:
        """Store ``answer`` as a trace; personal data in the question is redacted first."""
        self._write(
            "INSERT OR REPLACE INTO traces (id, created_at, client, audience, question, "
            "standalone_question, answer, refused, refusal_reason, citations, hits, themes, "
            "warnings, timings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            trace_row(answer, client),
        )

    def exists(self, answer_id: str) -> bool:
        """Whether an answer with this id was recorded."""
        return bool(self._read("SELECT 1 FROM traces WHERE id = ?", (answer_id,)))

    def trace(self, answer_id: str) -> dict[str, Any] | None:
        """The stored trace as a dict (JSON columns decoded), or None."""
        with self._lock:
            cur = self._conn.execute("SELECT * FROM traces WHERE id = ?", (answer_id,))
            row = cur.fetchone()
            names = [d[0] for d in cur.description]
        if row is None:
            return None
        out = dict(zip(names, row, strict=True))
        for key in ("citations", "hits", "themes", "warnings", "timings"):
            out[key] = json.loads(out[key])
        out["refused"] = bool(out["refused"])
        return out

    def count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM traces")[0][0])

    def feedback(
        self,
        answer_id: str,
        rating: str,
        reasons: Sequence[str] = (),
        comment: str | None = None,
    ) -> int:
        """Store a thumbs up/down with optional reasons and comment (comment redacted).

        Returns the feedback id (for ``amend_feedback``). Raises ``InputError`` for an unknown
        answer id or a rating other than up/down.
        """
        if rating not in RATINGS:
            raise InputError(f"Rating must be 'up' or 'down', not {rating!r}.")
        if not self.exists(answer_id):
            raise InputError(
                f"No answer with id {answer_id!r}: feedback must refer to an answer given here."
            )
        clean_reasons = check_reasons([r for r in reasons if r.strip()])[:MAX_REASONS]
        clean_comment = redact_pii(comment.strip())[:MAX_COMMENT_CHARS] if comment else None
        clean_comment = clean_comment or None
        with self._lock:
            try:
                with self._conn:
                    cur = self._conn.execute(
                        "INSERT INTO feedback (answer_id, created_at, rating, reasons, comment) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (answer_id, _now(), rating, json.dumps(clean_reasons), clean_comment),
                    )
            except sqlite3.Error as exc:
                raise StorageError(
                    f"Cannot write to the trace store at {self.path}: {exc}. Check free disk "
                    "space and permissions on the data directory."
                ) from exc
        return int(cur.lastrowid or 0)

    def amend_feedback(
        self,
        feedback_id: int,
        *,
        rating: str,
        reasons: Sequence[str] = (),
        comment: str | None = None,
    ) -> None:
        """Replace the rating, reasons and comment of a feedback row (the chat's "tell us more")."""
        if rating not in RATINGS:
            raise InputError(f"Rating must be 'up' or 'down', not {rating!r}.")
        if not self._read("SELECT 1 FROM feedback WHERE id = ?", (feedback_id,)):
            raise InputError(f"No feedback with id {feedback_id}.")
        clean_reasons = check_reasons([r for r in reasons if r.strip()])[:MAX_REASONS]
        clean_comment = redact_pii(comment.strip())[:MAX_COMMENT_CHARS] if comment else None
        self._write(
            "UPDATE feedback SET rating = ?, reasons = ?, comment = ? WHERE id = ?",
            (rating, json.dumps(clean_reasons), clean_comment or None, feedback_id),
        )

    def feedback_rows(self) -> list[dict[str, Any]]:
        """Every feedback row joined with its trace, oldest first."""
        rows = self._read(
            "SELECT f.answer_id, f.created_at, f.rating, f.reasons, f.comment, t.audience, "
            "t.question, t.refused, t.answer, t.citations FROM feedback f "
            "JOIN traces t ON t.id = f.answer_id ORDER BY f.id"
        )
        out = []
        for row in rows:
            item = dict(zip(FEEDBACK_CSV_COLUMNS, row, strict=True))
            item["reasons"] = json.loads(item["reasons"])
            item["refused"] = bool(item["refused"])
            item["citations"] = json.loads(item["citations"])
            out.append(item)
        return out

    def feedback_csv(self) -> str:
        """Feedback joined with the question and answer, as CSV text (one row per feedback)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(FEEDBACK_CSV_COLUMNS)
        for item in self.feedback_rows():
            row = [
                item["answer_id"],
                item["feedback_at"],
                item["rating"],
                "; ".join(item["reasons"]),
                item["comment"] or "",
                item["audience"],
                item["question"],
                "yes" if item["refused"] else "no",
                item["answer"],
                "; ".join(f"[{c['n']}] {c['title']}" for c in item["citations"]),
            ]
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        return buffer.getvalue()

    def gaps(self, *, limit_per_theme: int = 20) -> list[dict[str, Any]]:
        """Refused or low-confidence questions grouped by theme, biggest group first.

        Low confidence: answered with no citation, or rated down by a user. Each group is
        ``{"theme", "count", "questions": [{"answer_id", "question", "reason", "asked_at"}]}``;
        questions with no recognisable theme are grouped under ``"unthemed"``.
        """
        rows = self._read(
            "SELECT t.id, t.created_at, t.question, t.refused, t.refusal_reason, t.citations, "
            "t.themes, (SELECT COUNT(*) FROM feedback f WHERE f.answer_id = t.id "
            "AND f.rating = 'down') FROM traces t ORDER BY t.created_at DESC"
        )
        groups: dict[str, list[dict[str, Any]]] = {}
        for answer_id, asked_at, question, refused, reason, citations, themes, downs in rows:
            if refused:
                why = f"refused: {reason}" if reason else "refused"
            elif not json.loads(citations):
                why = "no citation"
            elif downs:
                why = "rated unhelpful"
            else:
                continue
            tags = question_themes(question) or tuple(json.loads(themes)) or ("unthemed",)
            item = {
                "answer_id": answer_id,
                "question": question,
                "reason": why,
                "asked_at": asked_at,
            }
            for tag in tags:
                groups.setdefault(tag, []).append(item)
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [
            {"theme": theme, "count": len(items), "questions": items[:limit_per_theme]}
            for theme, items in ordered
        ]


def _top_themes(themes: Iterable[str], n: int = 3) -> list[str]:
    counts: dict[str, int] = {}
    for theme in themes:
        counts[theme] = counts.get(theme, 0) + 1
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
