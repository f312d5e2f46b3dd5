"""`lga-assistant ingest` / `stats` through the Typer app (fake embedder, Chroma on disk)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ui.cli import app

pytestmark = pytest.mark.integration

ENV = {"LGA_ASSISTANT_EMBEDDER__PROVIDER": "fake"}


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("alpha", "beta"):
        body = " ".join(f"The {name} programme helped councils in step {i}." for i in range(40))
        (folder / f"{name}.md").write_text(f"# {name.title()}\n\n{body}\n")


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def test_ingest_json_then_unchanged_then_stats(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs)
    first = invoke("ingest", str(docs), "--json", "--data-dir", str(data))
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)  # stdout holds only the JSON
    assert report["totals"]["added"] == 2
    second = invoke("ingest", str(docs), "--json", "--data-dir", str(data))
    assert json.loads(second.stdout)["totals"]["unchanged"] == 2
    stats = invoke("stats", "--json", "--data-dir", str(data))
    info = json.loads(stats.stdout)
    assert (info["documents"], info["embedding_model"]) == (2, "fake-hash-384")
    assert info["chunks"] == info["vectors"] == report["totals"]["chunks"]
    assert info["size_bytes"] > 0 and info["last_ingest"]


def test_exit_codes_and_strict(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs)
    (docs / "empty.txt").write_text("")
    assert invoke("ingest", str(docs), "--data-dir", str(data)).exit_code == 0
    assert invoke("ingest", str(docs), "--strict", "--data-dir", str(data)).exit_code == 1
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "x.txt").write_text("")
    result = invoke("ingest", str(only_bad), "--json", "--data-dir", str(data))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["documents"][0]["error"]


def test_stats_without_index_says_run_ingest(tmp_path: Path) -> None:
    result = invoke("stats", "--data-dir", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "lga-assistant ingest" in result.output


def test_model_mismatch_and_rebuild(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs)
    assert invoke("ingest", str(docs), "--data-dir", str(data)).exit_code == 0
    # Record another model in the catalogue, as if MiniLM had built it.
    from assistant.index.sqlite_catalog import SqliteCatalog

    catalog = SqliteCatalog(data / "catalog.sqlite3")
    catalog.set_meta("embedding_model", "sentence-transformers/all-MiniLM-L6-v2")
    catalog.close()
    result = invoke("ingest", str(docs), "--data-dir", str(data))
    assert result.exit_code == 2
    assert "--rebuild" in result.output
    rebuilt = invoke("ingest", str(docs), "--rebuild", "--json", "--data-dir", str(data))
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.stdout)["totals"]["added"] == 2


def test_the_last_line_counts_failures_and_names_strict(tmp_path: Path) -> None:  # #15.4
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs)
    (docs / "empty.txt").write_text("")
    (docs / "blank.md").write_text("   ")
    lenient = invoke("ingest", str(docs), "--data-dir", str(data))
    assert lenient.exit_code == 0
    last = lenient.output.strip().splitlines()[-1]
    assert last.startswith("2 files failed") and "--strict" in last and "exit code is 0" in last
    strict = invoke("ingest", str(docs), "--strict", "--json", "--data-dir", str(data))
    assert strict.exit_code == 1
    assert strict.output.strip().splitlines()[-1] == "2 files failed (see above): exit code 1."
    clean = tmp_path / "clean"
    write(clean)
    assert "failed (see above)" not in invoke("ingest", str(clean), "--data-dir", str(data)).output
