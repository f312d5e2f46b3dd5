"""A read-only or full data directory gives a clear error (one line saying what to do, exit code
2, no traceback), for `ingest` and for the trace store.

As root, chmod does not stop writes, so each run gets its own mount namespace (``unshare -m``)
with a small tmpfs mounted read-only or nearly full over the data directory. Skipped where
mount namespaces are not allowed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.test_crash import ROOT, env, write_corpus

pytestmark = pytest.mark.integration


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
        capture_output=True,
        timeout=10,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(
    not _can_mount(), reason="needs root and mount namespaces (unshare -m) to fake a disk"
)


def run_on_tmpfs(mount: Path, options: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m ui.cli *args`` with a fresh tmpfs (``options``) mounted at ``mount``."""
    mount.mkdir(parents=True, exist_ok=True)
    cli = " ".join([sys.executable, "-m", "ui.cli", *args])
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o {options} tmpfs {mount} && exec {cli}"],
        env=env(COLUMNS="200"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("storage") / "corpus"
    write_corpus(folder, 60)
    return folder


def assert_clear_failure(proc: subprocess.CompletedProcess[str], *hints: str) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "Traceback" not in out, out
    assert "error:" in out
    flat = " ".join(out.split())
    assert any(h in flat for h in hints), flat


@needs_mount
def test_read_only_data_dir(corpus: Path, tmp_path: Path) -> None:
    mount = tmp_path / "ro"
    proc = run_on_tmpfs(mount, "ro", "ingest", str(corpus), "--data-dir", str(mount / "data"))
    assert_clear_failure(proc, "Read-only file system", "writable")


@needs_mount
@pytest.mark.parametrize("size", ["300k", "600k", "1200k"])
def test_full_disk_during_ingest(corpus: Path, tmp_path: Path, size: str) -> None:
    """Full at different moments: opening the vector index, writing vectors, writing the
    catalogue. Each says the disk is full or unwritable, never "corrupt, rebuild"."""
    mount = tmp_path / "full"
    proc = run_on_tmpfs(
        mount, f"size={size}", "ingest", str(corpus), "--data-dir", str(mount / "data")
    )
    assert_clear_failure(proc, "disk space", "disk has space", "disk has free space")
    assert "--rebuild" not in proc.stdout + proc.stderr


def test_trace_store_on_unwritable_path_is_a_storage_error(tmp_path: Path) -> None:
    from assistant.errors import StorageError
    from assistant.traces import TraceStore

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="writable"):
        TraceStore(blocker / "traces.sqlite3")
