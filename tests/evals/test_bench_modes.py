"""The modes bench's pure parts: mode settings, the sample, the table."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from evals.bench.modes import CaseResult, evenly_spaced, mode_settings, summarise_mode, table


def test_mode_settings_switch_one_thing_each() -> None:
    base = Settings(data_dir=Path("/tmp/x"))
    url, model = "http://127.0.0.1:9/v1", "m"
    extractive = mode_settings(base, "extractive", url, model)
    plain = mode_settings(base, "plain", url, model)
    rewrite = mode_settings(base, "rewrite", url, model)
    generative = mode_settings(base, "generative", url, model)
    rerank = mode_settings(base, "rerank", url, model)
    assert not extractive.answer.plain_english and plain.answer.plain_english
    assert extractive.llm.provider == plain.llm.provider == "extractive"
    assert rewrite.llm.councillor_rewrite and not rewrite.llm.writes_answers
    assert generative.llm.writes_answers and generative.llm.base_url == url
    assert rerank.llm.rerank and not rerank.llm.writes_answers
    assert not any(s.llm.rerank for s in (extractive, plain, rewrite, generative))


def test_evenly_spaced_sample() -> None:
    assert evenly_spaced(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert evenly_spaced([1, 2], 0) == [1, 2] == evenly_spaced([1, 2], 5)


def test_summary_and_table() -> None:
    results = [
        CaseResult("a", {"facts_pass": True, "failures": [], "kind": "fact"}, 0.1, 1.0),
        CaseResult("b", {"facts_pass": False, "failures": ["x"], "kind": "fact"}, None, 3.0),
        CaseResult("c", {"failures": [], "kind": "fact", "words": 50}, 0.2, 2.0, reused=True),
    ]
    summary = summarise_mode(results)
    assert summary["n"] == 3 and summary["asked"] == 2
    assert summary["facts_pass"] == 0.5 and summary["words_mean"] == 50
    assert summary["total_p50"] == 2.0 and summary["first_p50"] is not None
    rendered = table([("mode x", summary)]).splitlines()
    assert len(rendered) == 3 and rendered[2].startswith("| mode x | 3 (2) | 0.500 |")
