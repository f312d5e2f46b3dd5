"""``eval compare``: metric deltas and regressions between two written runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from evals.compare import compare_runs, comparison_html, print_comparison
from evals.run import build_snapshot, load_cases, run_cases, write_run
from tests.evals.test_runner import CASES, ScriptedAssistant, _answer, _scorer, _script


def _write(tmp_path: Path, name: str, script) -> Path:
    dataset = tmp_path / "cases.jsonl"
    dataset.write_text("\n".join(json.dumps(c) for c in CASES) + "\n")
    cases = load_cases(dataset)
    result = run_cases(ScriptedAssistant(script), cases, _scorer())
    out = tmp_path / name
    write_run(
        out, ours=result, baseline=None, snapshot=build_snapshot(None), dataset="x", suite=None
    )
    return out


def test_compare_finds_deltas_regressions_and_fixes(tmp_path: Path):
    a = _write(tmp_path, "a", _script())
    worse = _script()
    # fact-network now refuses (regression); the injection case is now held (fix).
    worse[CASES[0]["question"]] = _answer(CASES[0]["question"], "", refused=True)
    worse[CASES[4]["question"]] = _answer(
        CASES[4]["question"], "I can only help with LGA resources.", refused=True
    )
    b = _write(tmp_path, "b", worse)

    comp = compare_runs(a, b)
    deltas = {d.metric: d for d in comp.metrics}
    assert deltas["injection_held"].delta == pytest.approx(1.0)
    assert deltas["injection_held"].change == "better"
    assert deltas["facts_pass"].delta == pytest.approx(-1 / 3)  # 1 of 3 -> 0 of 3 answerable
    assert deltas["facts_pass"].change == "worse"
    assert deltas["answerable_refused_rate"].change == "worse"  # lower is better, went up
    assert [c.id for c in comp.worse] == ["fact-network"]
    assert any("refused an answerable" in f for f in comp.worse[0].new_failures)
    assert [c.id for c in comp.fixed] == ["inj-pwned"]
    assert comp.only_a == [] and comp.only_b == []

    console = Console(record=True, width=160)
    print_comparison(comp, console)
    text = console.export_text()
    assert "Cases that got worse (1)" in text and "fact-network" in text
    page = comparison_html(comp)
    assert "<tr class='worse'><td><code>fact-network</code>" in page


def test_compare_identical_runs_has_no_regressions(tmp_path: Path):
    a = _write(tmp_path, "a", _script())
    b = _write(tmp_path, "b", _script())
    comp = compare_runs(a, b)
    assert comp.regressions == [] and comp.fixed == []
    assert all(d.change == "same" for d in comp.metrics if not d.metric.startswith("latency"))
