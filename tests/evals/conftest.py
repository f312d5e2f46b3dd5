"""Fixtures of the eval tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_plots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports drawn without their matplotlib plots (about 1 s of CPU each), for tests about
    the rest of a run or its report. ``test_runner.test_write_run_report_and_thresholds`` and
    ``test_eval_cli.test_eval_run_ingests_then_writes_run_and_gates`` check the plots."""
    from evals import report

    monkeypatch.setattr(report, "_plots", lambda summary: [])
