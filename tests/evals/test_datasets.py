"""The eval datasets: every line valid, enough cases of each kind, smoke subset in sync."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.metrics import matches_pattern
from evals.run import ANSWERABLE_KINDS, KINDS, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "evals" / "datasets"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
MINIMUMS = {"out_of_scope": 15, "injection": 10, "multi_turn": 10, "fact": 10, "advice": 10}


@pytest.fixture(scope="module")
def cases():
    return load_cases(DATASETS / "all.jsonl")


def test_all_cases_valid_unique_and_enough(cases):
    assert len(cases) >= 80
    assert len({c.id for c in cases}) == len(cases)
    counts = Counter(c.kind for c in cases)
    assert set(counts) == set(KINDS)
    for kind, minimum in MINIMUMS.items():
        assert counts[kind] >= minimum, kind
    assert {c.audience for c in cases} == {"councillor", "officer"}
    for kind in KINDS:  # both audiences within the answerable kinds
        if kind in ANSWERABLE_KINDS:
            assert {c.audience for c in cases if c.kind == kind} == {"councillor", "officer"}, kind


def test_answerable_cases_have_sources_and_reachable_facts(cases):
    for case in cases:
        if case.answerable:
            assert case.sources and case.facts and case.min_facts >= 1, case.id
        else:
            assert not case.facts and not case.peers and not case.resources, case.id
        if case.kind == "peer":
            assert case.peers, case.id
        if case.kind == "multi_turn":
            assert case.history and case.history[-1].role == "assistant", case.id


def test_source_patterns_name_real_files(cases):
    names = [str(p.relative_to(ROOT)) for p in (ROOT / "corpus").rglob("*") if p.is_file()]
    if SHARED_CORPUS.is_dir():
        names += [f"corpus/{p.name}" for p in SHARED_CORPUS.iterdir() if p.is_file()]
    for case in cases:
        for pattern in case.sources:
            shared_only = pattern in {
                "action-learning",
                "iib-minutes",
                "lga-first",
                "sector-support",
            }
            shared = shared_only or "corpus/" not in pattern
            found = any(matches_pattern(pattern, n) for n in names)
            if shared and not found and not SHARED_CORPUS.is_dir():
                continue  # names a shared document, and ../shared is not beside this clone
            assert any(matches_pattern(pattern, n) for n in names), (case.id, pattern)


def test_smoke_file_is_the_smoke_suite_of_all(cases):
    tagged = [c for c in cases if "smoke" in c.suites]
    smoke_lines = (DATASETS / "smoke.jsonl").read_text(encoding="utf-8").splitlines()
    all_lines = {
        json.loads(line)["id"]: line
        for line in (DATASETS / "all.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert [json.loads(line)["id"] for line in smoke_lines] == [c.id for c in tagged]
    assert all(all_lines[json.loads(line)["id"]] == line for line in smoke_lines)
    assert 12 <= len(tagged) <= 20
    kinds = Counter(c.kind for c in tagged)
    assert set(kinds) == set(KINDS), "the smoke suite covers every kind"
    assert [c.id for c in load_cases(DATASETS / "all.jsonl", "smoke")] == [c.id for c in tagged]
