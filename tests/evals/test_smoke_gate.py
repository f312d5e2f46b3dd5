"""The CI quality gate: the smoke suite with the real model must meet evals/thresholds.yaml.

Builds a fresh index in a temp data dir from corpus/ and ../shared/corpus, runs the smoke cases
through the real assistant (no baseline, to stay quick) and checks every threshold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.runner import SHARED_CORPUS, execute

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.mark.skipif(
    not SHARED_CORPUS.is_dir(),
    reason=f"the shared LGA corpus is not at {SHARED_CORPUS}: the smoke gate needs the real documents",
)
def test_smoke_suite_meets_thresholds(tmp_path: Path, copy_real_index):
    settings = Settings.model_validate({"data_dir": copy_real_index(tmp_path / "data")})
    outcome = execute(
        settings,
        dataset=ROOT / "evals" / "datasets" / "all.jsonl",
        suite="smoke",
        out_dir=tmp_path / "run",
        baseline=False,
        fail_under=ROOT / "evals" / "thresholds.yaml",
        say=lambda _msg: None,
    )
    assert outcome.summary["overall"]["n"] >= 12
    assert outcome.summary["overall"]["errors"] == 0
    assert outcome.checks, "thresholds.yaml defines no bounds"
    failed = [c.describe() for c in outcome.failed_checks]
    failing_cases = [
        f"{c['id']}: {'; '.join(c['failures'])}"
        for c in outcome.summary["cases"]
        if not c["passed"]
    ]
    assert not failed, f"thresholds not met: {failed}\nfailing cases:\n" + "\n".join(failing_cases)
    assert (tmp_path / "run" / "report.html").is_file()
