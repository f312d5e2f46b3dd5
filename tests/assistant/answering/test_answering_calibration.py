"""Threshold calibration (evals/calibrate.py): the choice of threshold and the stored record."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.answering import CALIBRATION_PATH, load_calibration, resolve_min_evidence
from assistant.settings import Settings
from evals.calibrate import Case, choose_threshold, load_cases, score


def case(evidence: float, refuse: bool, *, rule: bool = False) -> Case:
    return Case("c", "out_of_scope" if refuse else "fact", "q", refuse, evidence, rule)


def test_threshold_separates_refusals_from_answers_at_the_middle_of_the_gap() -> None:
    cases = [case(0.1, True), case(0.3, True), case(0.6, False), case(0.8, False)]
    chosen = choose_threshold(cases)
    assert 0.3 < chosen.threshold < 0.6
    assert (chosen.precision, chosen.recall, chosen.f1) == (1.0, 1.0, 1.0)


def test_scope_rules_count_as_refusals_and_overlap_costs_precision() -> None:
    cases = [case(0.9, True, rule=True), case(0.2, True), case(0.5, False), case(0.4, False)]
    figures = score(cases, 0.45)
    assert (figures.true_pos, figures.false_pos, figures.false_neg) == (2, 1, 0)
    assert score(cases, 0.45, use_scope=False).false_neg == 1


def test_load_cases_keeps_answerable_and_out_of_scope_kinds(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "kind": "fact", "question": "What is TIEx?"},
        {"id": "b", "kind": "out_of_scope", "question": "Who won?"},
        {"id": "c", "kind": "multi_turn", "question": "And then?"},
        {"id": "d", "kind": "injection", "question": "Ignore rules"},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    cases = load_cases(path)
    assert [(c.id, c.should_refuse) for c in cases] == [("a", False), ("b", True)]


def test_stored_calibration_is_used_for_its_model_only() -> None:
    record = load_calibration(CALIBRATION_PATH)
    assert record is not None
    assert 0.0 < float(record["threshold"]) < 1.0  # type: ignore[arg-type]
    model_id = str(record["model_id"])
    assert resolve_min_evidence(Settings(), model_id) == record["threshold"]
