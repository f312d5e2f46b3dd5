"""Crash harness: `python -m ui.cli ingest --prune` killed with SIGKILL from outside at random
moments over a corpus of hundreds of documents, re-run after each kill; every re-run must leave
exactly the index a clean run builds (same chunk ids in the catalogue, the vectors and the FTS5
keyword index; no duplicates), and every killed state must be whole (no catalogued chunk
without its vector or keyword entry).

The runs alternate between two versions of the corpus (most documents revised, some deleted,
some added), so kills land in first ingests, updates and prunes alike. The full run (300
documents, 10 kills) is marked ``slow``; the default run does 2 kills over 40 documents.
Reuses the single-kill helpers of ``tests/ingest/test_crash.py``.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.ingest.test_crash import (
    ROOT,
    assert_never_half,
    env,
    ingest_cmd,
    same_as_clean,
    snapshot,
    write_corpus,
)

pytestmark = pytest.mark.integration

SLOW_MS = "8"  # per document and per flush: stretches a run so kills land mid-way


def make_versions(base: Path, n_docs: int) -> tuple[Path, Path]:
    """Two versions of a corpus: v2 revises two thirds of v1, deletes the last tenth and adds a
    tenth of new documents."""
    v1, v2 = base / "v1", base / "v2"
    write_corpus(v1, n_docs)
    write_corpus(v2, n_docs + n_docs // 10, variant="revised")
    for i in range(0, n_docs, 3):
        shutil.copy(v1 / f"doc{i:03d}.md", v2 / f"doc{i:03d}.md")
    for i in range(n_docs - n_docs // 10, n_docs):
        (v2 / f"doc{i:03d}.md").unlink()
    return v1, v2


def switch_to(corpus: Path, version: Path) -> Path:
    """Make the one live ``corpus`` folder hold exactly ``version``'s files (edited in place,
    as a real document folder is)."""
    corpus.mkdir(parents=True, exist_ok=True)
    for old in corpus.iterdir():
        if not (version / old.name).exists():
            old.unlink()
    for new in version.iterdir():
        target = corpus / new.name
        if not target.exists() or target.read_bytes() != new.read_bytes():
            shutil.copy(new, target)
    return corpus


def run_ingest(corpus: Path, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ingest_cmd(corpus, data), "--prune"],
        env=env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def timed_clean_run(corpus: Path, data: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*ingest_cmd(corpus, data), "--prune"],
        env=env(LGA_ASSISTANT_TEST_SLOW_INGEST_MS=SLOW_MS),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return time.perf_counter() - t0


def harness(tmp_path: Path, n_docs: int, kills: int, seed: int) -> None:
    versions = dict(zip(("v1", "v2"), make_versions(tmp_path / "versions", n_docs), strict=True))
    clean = {}
    for name, version in versions.items():
        corpus = switch_to(tmp_path / f"clean-{name}" / "corpus", version)
        data = tmp_path / f"clean-{name}" / "data"
        if name == "v1":  # the longer run: sets the window the kills land in
            duration = timed_clean_run(corpus, data)
        else:
            assert run_ingest(corpus, data).returncode == 0
        clean[name] = snapshot(data)
    corpus, data = tmp_path / "live" / "corpus", tmp_path / "live" / "data"
    rng = random.Random(seed)
    landed = 0
    for k in range(kills):
        name = ("v1", "v2")[k % 2]
        switch_to(corpus, versions[name])
        delay = rng.uniform(0.2, 0.9) * duration
        proc = subprocess.Popen(
            [*ingest_cmd(corpus, data), "--prune"],
            env=env(LGA_ASSISTANT_TEST_SLOW_INGEST_MS=SLOW_MS),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        landed += proc.wait(timeout=60) == -signal.SIGKILL
        assert_never_half(data)
        rerun = run_ingest(corpus, data)
        assert rerun.returncode == 0, rerun.stderr
        assert '"failed": 0' in rerun.stdout
        same_as_clean(data, clean[name])
    # Most kills must have hit a running ingest, or the harness proves nothing.
    assert landed >= kills * 0.7, f"only {landed}/{kills} kills landed mid-run"


def test_two_random_kills_over_forty_documents(tmp_path: Path) -> None:
    harness(tmp_path, n_docs=40, kills=2, seed=7)


@pytest.mark.slow
def test_ten_random_kills_over_three_hundred_documents(tmp_path: Path) -> None:
    harness(tmp_path, n_docs=300, kills=10, seed=2026)
