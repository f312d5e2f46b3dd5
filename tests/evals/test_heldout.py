"""The held-out set: valid, split deterministically into dev and test covering every kind."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from evals.run import KINDS, load_cases
from evals.split import assign_splits

HELDOUT = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "heldout.jsonl"


def test_heldout_cases_are_valid_and_split_by_the_fixed_seed() -> None:
    cases = load_cases(HELDOUT)
    assert len(cases) >= 120
    raw = [json.loads(x) for x in HELDOUT.read_text(encoding="utf-8").splitlines() if x]
    expected = assign_splits(raw)
    for case in cases:
        assert [s for s in case.suites if s in ("dev", "test")] == [expected[case.id]], case.id
        assert case.category, case.id
    for split in ("dev", "test"):
        kinds = Counter(c.kind for c in cases if split in c.suites)
        assert set(kinds) == set(KINDS), split
    dev = sum("dev" in c.suites for c in cases)
    assert 0.55 <= dev / len(cases) <= 0.65


def test_split_is_stable_and_ignores_line_order() -> None:
    cases = [{"id": f"c{i}", "kind": "fact" if i % 3 else "advice"} for i in range(50)]
    assert assign_splits(cases) == assign_splits(list(reversed(cases)))
    assert assign_splits(cases) != assign_splits(cases, seed=1)


def test_summary_reports_dev_and_test_apart() -> None:
    from evals.run import summarise

    def score(split: str, facts: bool, cls: str) -> dict:
        return {
            "id": f"{split}-{cls}-{facts}",
            "kind": "fact",
            "audience": "officer",
            "answerable": True,
            "should_refuse": False,
            "split": split,
            "class": cls,
            "refused": False,
            "facts_pass": facts,
            "source_cited": 1.0,
            "failures": [] if facts else ["missing facts"],
        }

    summary = summarise(
        [score("dev", True, "list"), score("dev", False, "who"), score("test", True, "who")]
    )
    assert summary["by_split"]["dev"]["facts_pass"] == 0.5
    assert summary["by_split"]["test"]["facts_pass"] == 1.0
    assert summary["by_split_audience"]["test/officer"]["n"] == 1
    assert summary["by_class"]["who"]["n"] == 2
    assert "by_split" not in summarise([{**score("dev", True, "x"), "split": None}])


def test_extra_dev_sets_are_valid_dev_only_and_disjoint() -> None:
    """heldout-dev2, dev3, ...: more dev questions written from the documents only (tune on them)."""
    seen = {c.id for c in load_cases(HELDOUT)}
    names = sorted(
        (p.name for p in HELDOUT.parent.glob("heldout-dev*.jsonl")),
        key=lambda n: int(n.removeprefix("heldout-dev").removesuffix(".jsonl")),
    )
    assert names[0] == "heldout-dev2.jsonl" and len(names) >= 15
    for name in names:
        cases = load_cases(HELDOUT.with_name(name))
        assert len(cases) >= 60, name
        ids = {c.id for c in cases}
        assert len(ids) == len(cases) and not ids & seen, name
        seen |= ids
        assert all("dev" in c.suites and "test" not in c.suites for c in cases), name
        for case in cases:
            if case.answerable:
                assert case.sources and case.facts and case.min_facts >= 1, case.id
            elif case.kind == "out_of_scope":
                assert not case.facts, case.id
