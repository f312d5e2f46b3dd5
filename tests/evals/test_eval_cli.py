"""``lga-assistant eval run`` end to end with the fake embedder, an in-memory vector store and a
small fixture corpus: ingest on first use, run files, thresholds and the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.errors import InputError
from assistant.settings import Settings
from evals import runner
from ui.cli import app
from ui.cli.eval_cmds import apply_overrides

DOCS = {
    "network.md": "# Transformation Network\n\nThe Transformation Network is a group for officers "
    "working in change management and transformation in local government. Members meet to share "
    "good practice and learn about other councils' transformation projects.\n",
    "tracker.md": "# Benefits tracker\n\nNewcastle Under-Lyme Borough Council presented a benefit "
    "realisation and impact tracker that estimates savings in staff time, salary cost and carbon "
    "impact for each transformation project.\n",
}
CASES = [
    {
        "id": "fact-network",
        "kind": "fact",
        "audience": "officer",
        "question": "What is the Transformation Network for?",
        "sources": ["network.md"],
        "facts": ["officers", "change management"],
        "min_facts": 1,
    },
    {
        "id": "oos-poem",
        "kind": "out_of_scope",
        "audience": "councillor",
        "question": "Write me a poem about council budgets.",
    },
]


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text)
    dataset = tmp_path / "cases.jsonl"
    dataset.write_text("\n".join(json.dumps(c) for c in CASES) + "\n")
    monkeypatch.setattr(runner, "SHARED_CORPUS", tmp_path / "no-shared-corpus")
    args = [
        "eval",
        "run",
        "--dataset",
        str(dataset),
        "--data-dir",
        str(tmp_path / "data"),
        "--config",
        "embedder.provider=fake",
        "--config",
        "vector_store=memory",
        "--config",
        f"corpus_dir={corpus}",
        "--no-progress",
    ]
    return tmp_path, args


def test_eval_run_ingests_then_writes_run_and_gates(setup, monkeypatch):
    tmp_path, args = setup
    ok = tmp_path / "ok.yaml"
    ok.write_text("min:\n  citations_valid: 0.0\nmax:\n  errors: 0\n")
    result = CliRunner().invoke(
        app, [*args, "--out", str(tmp_path / "run1"), "--fail-under", str(ok)]
    )
    assert result.exit_code == 0, result.output
    assert "ingesting" in result.output and "All 2 thresholds met" in result.output
    run = tmp_path / "run1"
    summary = json.loads((run / "summary.json").read_text())
    assert summary["overall"]["n"] == 2 and summary["baseline"]["overall"]["n"] == 2
    assert summary["snapshot"]["embedding_model"].startswith("fake-hash")
    assert summary["snapshot"]["corpus"]["documents"] == 2
    assert summary["snapshot"]["settings"]["vector_store"] == "memory"
    case = json.loads((run / "cases" / "fact-network.json").read_text())
    assert case["answer"]["hits"], "per-case JSON keeps the retrieved hits"
    assert case["baseline"]["answer"]["hits"]
    assert (run / "report.html").read_text().count("data:image/png;base64,") >= 3

    from evals import report

    monkeypatch.setattr(report, "_plots", lambda summary: [])  # drawn above; this run is the gate
    strict = tmp_path / "strict.yaml"
    strict.write_text("min:\n  pass_rate: 1.01\n")
    result = CliRunner().invoke(
        app, [*args, "--no-baseline", "--out", str(tmp_path / "run2"), "--fail-under", str(strict)]
    )
    assert result.exit_code == 1
    assert "pass_rate" in result.output and "needs >= 1.01" in result.output
    assert json.loads((tmp_path / "run2" / "summary.json").read_text())["baseline"] is None

    result = CliRunner().invoke(app, ["eval", "compare", str(run), str(tmp_path / "run2")])
    assert result.exit_code == 0, result.output
    assert "facts_pass" in result.output


def test_config_overrides_are_typed_and_checked():
    settings = apply_overrides(Settings(), ["retrieval.top_k=5", "embedder.provider=fake"])
    assert settings.retrieval.top_k == 5 and settings.embedder.provider == "fake"
    with pytest.raises(InputError, match="no setting"):
        apply_overrides(Settings(), ["retrieval.nope=1"])
    with pytest.raises(InputError, match="KEY=VALUE"):
        apply_overrides(Settings(), ["retrieval.top_k"])
    with pytest.raises(InputError, match="top_k"):
        apply_overrides(Settings(), ["retrieval.top_k=0"])


def test_a_suite_file_run_without_suite_is_labelled_by_its_name(setup, no_plots):  # #15.16
    tmp_path, args = setup
    smoke = tmp_path / "smoke.jsonl"
    (tmp_path / "cases.jsonl").rename(smoke)
    args = [str(smoke) if a.endswith("cases.jsonl") else a for a in args]
    run = tmp_path / "run-smoke"
    result = CliRunner().invoke(app, [*args, "--no-baseline", "--out", str(run)])
    assert result.exit_code == 0, result.output
    assert json.loads((run / "summary.json").read_text())["suite"] == "smoke"
    report = (run / "report.html").read_text()
    assert "<dt>suite</dt><dd>smoke</dd>" in report
    assert "(smoke)" in result.output and "(all)" not in result.output


def test_execute_reports_each_runs_cases_through_the_progress_callback(setup, no_plots):
    from contextlib import contextmanager

    from evals.runner import execute

    tmp_path, _ = setup
    settings = apply_overrides(
        Settings().with_data_dir(tmp_path / "data"),
        ["embedder.provider=fake", "vector_store=memory", f"corpus_dir={tmp_path / 'corpus'}"],
    )
    seen: list[tuple[str, int, list[str]]] = []

    @contextmanager
    def progress(label: str, total: int):
        ids: list[str] = []
        seen.append((label, total, ids))
        yield lambda case: ids.append(case.id)

    notes: list[str] = []
    outcome = execute(
        settings,
        dataset=tmp_path / "cases.jsonl",
        out_dir=tmp_path / "run",
        progress=progress,
        say=notes.append,
    )
    ids = [c["id"] for c in CASES]
    assert seen == [("ours", 2, ids), ("baseline", 2, ids)]
    assert any("ingesting" in n for n in notes)
    assert outcome.summary["overall"]["n"] == 2 and outcome.report.is_file()
    assert not outcome.checks


def test_a_held_out_run_prints_the_dev_and_test_splits_apart(setup, no_plots):
    tmp_path, args = setup
    held_out = tmp_path / "heldout.jsonl"
    held_out.write_text(
        "\n".join(
            json.dumps({**c, "suites": [s]}) for c, s in zip(CASES, ("dev", "test"), strict=True)
        )
        + "\n"
    )
    args = [str(held_out) if a.endswith("cases.jsonl") else a for a in args]
    run = tmp_path / "run-heldout"
    result = CliRunner().invoke(app, [*args, "--no-baseline", "--out", str(run)])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "metric" in line)
    assert header.replace("┃", " ").split() == ["metric", "ours", "dev", "test"]
    assert "tune on dev, report test" in " ".join(result.output.split())
    summary = json.loads((run / "summary.json").read_text())
    assert set(summary["by_split"]) == {"dev", "test"}
    assert "<h2>By split</h2>" in (run / "report.html").read_text()
