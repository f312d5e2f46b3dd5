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


def test_the_refusal_score_counts_a_question_word_the_documents_say_otherwise() -> None:
    import numpy as np

    from assistant.answering.evidence import refusal_score, said_otherwise
    from assistant.text.terms import content_terms
    from assistant.types import Chunk, Hit

    question = "Half my group think it is a waste. How do I bring them round?"
    persuading = content_terms("Persuading colleagues who are resistant to the cost.")
    assert {"bring", "round"} <= said_otherwise(question, persuading)
    assert said_otherwise(question, content_terms("The board met in May.")) == set()

    def hits(text: str) -> list[Hit]:
        chunk = Chunk(id=Chunk.make_id("d", 0, text), document_id="d", position=0, text=text)
        return [Hit(chunk=chunk, score=1.0)]

    sims = np.array([0.3, 0.25], dtype=np.float32)
    said = refusal_score(question, sims, hits("Persuading resistant political colleagues."))
    unsaid = refusal_score(question, sims, hits("Political colleagues met in May."))
    assert said > unsaid
