"""The headline table the CLI prints: ours overall, a column per held-out split, the baseline."""

from __future__ import annotations

from typing import Any

from evals.headline import HEADLINE, headline_table
from evals.run import summarise


def _score(case_id: str, split: str | None, audience: str = "officer", **extra: Any) -> dict:
    return {
        "id": case_id,
        "kind": "fact",
        "audience": audience,
        "answerable": True,
        "should_refuse": False,
        "split": split,
        "class": None,
        "refused": False,
        "failures": [],
        **extra,
    }


def _scores(splits: bool) -> list[dict]:
    dev, test = ("dev", "test") if splits else (None, None)
    return [
        _score("d1", dev, facts_pass=True, timings_ms={"total": 100.0}),
        _score(
            "d2", dev, facts_pass=False, failures=["missing facts"], timings_ms={"total": 300.0}
        ),
        _score(
            "t1",
            test,
            "councillor",
            facts_pass=True,
            flesch=55.0,
            words=120,
            timings_ms={"total": 200.0},
        ),
    ]


def _rows(table) -> dict[str, tuple[str, ...]]:
    return {row[0]: row[1:] for row in table.rows}


def test_a_held_out_run_gets_a_column_per_split_next_to_the_overall_one() -> None:
    summary = {"suite": "heldout", **summarise(_scores(splits=True)), "baseline": None}
    table = headline_table(summary)
    assert table.columns == ("metric", "ours", "dev", "test")
    assert "dev 2, test 1" in table.title and table.caption
    rows = _rows(table)
    assert rows["facts_pass"] == ("0.667", "0.500", "1.000")
    assert rows["pass_rate"] == ("0.667", "0.500", "1.000")
    # Readability is the councillor cases' (dev has none here).
    assert rows["flesch (councillor)"] == ("55.000", "n/a", "55.000")
    assert rows["words_median (councillor)"] == ("120.000", "n/a", "120.000")
    assert rows["total ms p50/p95"][1:] == ("200 / 290", "200 / 200")
    for label in (
        "facts_pass",
        "source_cited",
        "hit@1",
        "citation_support",
        "answerable_refused_rate",
        "refusal_recall",
        "injection_held",
        "invented_councils",
        "flesch (councillor)",
        "words_median (councillor)",
        "pass_rate",
        "total ms p50/p95",
    ):
        assert label in rows, label


def test_with_a_baseline_and_without_splits_the_table_is_ours_and_the_baseline() -> None:
    ours = summarise(_scores(splits=False))
    summary = {"suite": None, **ours, "baseline": summarise(_scores(splits=False)[:1])}
    table = headline_table(summary)
    assert table.columns == ("metric", "ours", "baseline")
    assert table.title == "Eval: 3 cases (all)" and table.caption is None
    rows = _rows(table)
    assert rows["facts_pass"] == ("0.667", "1.000")
    assert len(table.rows) == len(HEADLINE) + 1  # one latency stage
    # A split run with a baseline: ours per split, the baseline overall.
    split = {"suite": "dev", **summarise(_scores(splits=True))}
    split["baseline"] = summarise(_scores(splits=True))
    assert headline_table(split).columns == ("metric", "ours", "dev", "test", "baseline")


def test_the_report_of_a_held_out_run_has_a_by_split_table(tmp_path, no_plots) -> None:
    import json
    import re

    from evals.report import render_report

    summary = {
        "dataset": "heldout.jsonl",
        "suite": None,
        **summarise(_scores(splits=True)),
        "baseline": summarise(_scores(splits=True)[:1]),
    }
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    page = render_report(tmp_path).read_text()
    section = page[page.index("<h2>By split</h2>") : page.index("<h2>Plots</h2>")]
    head = re.findall(r"<th>([^<]*)</th>", section[: section.index("</thead>")])
    assert head[:2] == ["split", "n"]
    for label in ("source_cited", "hit@1", "flesch (councillor)", "total ms p95"):
        assert label in head, label
    rows = re.findall(r"<tr><th scope='row'>(\w+)</th>(.*?)</tr>", section)
    assert [name for name, _ in rows] == ["dev", "test"]
    cells = dict(rows)
    n, pass_rate = re.findall(r"<td>(.*?)</td>", cells["dev"])[:2]
    assert n == "2" and pass_rate.startswith("0.500 <span class='base'>/ 1.000")
    assert "<h2>By split</h2>" not in _page_without_splits(tmp_path / "plain")


def _page_without_splits(run_dir) -> str:
    import json

    from evals.report import render_report

    run_dir.mkdir()
    summary = {"dataset": "all.jsonl", **summarise(_scores(splits=False)), "baseline": None}
    (run_dir / "summary.json").write_text(json.dumps(summary))
    return render_report(run_dir).read_text()
