"""Crash safety: a real `python -m ui.cli ingest` killed with SIGKILL at several points, then
re-run, must leave exactly the index a clean run builds (same chunk ids in the catalogue,
the vectors and the keyword index; no duplicates).

Uses the fake embedder and two test-only hooks read by ``ingest/pipeline.py``:
``LGA_ASSISTANT_TEST_CRASH_AT=<stage>:<n>`` (self-SIGKILL at an exact point) and
``LGA_ASSISTANT_TEST_SLOW_INGEST_MS`` (slow down so an external kill lands mid-run).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
N_DOCS = 60


def write_corpus(folder: Path, n: int = N_DOCS, variant: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sections = "\n\n".join(
            f"## Section {s}\n\n"
            + " ".join(
                f"Council {i} {variant} improved service {s} in step {k} with residents."
                for k in range(12)
            )
            for s in range(3)
        )
        (folder / f"doc{i:03d}.md").write_text(f"# Document {i}\n\n{sections}\n", encoding="utf-8")


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LGA_ASSISTANT_")}
    base.update(
        {
            "LGA_ASSISTANT_EMBEDDER__PROVIDER": "fake",
            "LGA_ASSISTANT_EMBEDDER__BATCH_SIZE": "8",  # several flushes per run
            "HF_HUB_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            "PYTHONPATH": str(ROOT),
        }
    )
    base.update(extra)
    return base


def ingest_cmd(corpus: Path, data: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ui.cli",
        "ingest",
        str(corpus),
        "--data-dir",
        str(data),
        "--json",
    ]


def ingest(corpus: Path, data: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ingest_cmd(corpus, data),
        env=env(**extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(data: Path) -> dict[str, object]:
    """Chunk ids per store plus document hashes, checked for internal consistency."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    from assistant.index.sqlite_catalog import SqliteCatalog

    catalog = SqliteCatalog(data / "catalog.sqlite3")
    rows = catalog._read("SELECT id FROM chunks")
    ids = [r[0] for r in rows]
    keyword = [
        r[0]
        for r in catalog._read(
            "SELECT c.id FROM chunks_fts JOIN chunks c ON c.rid = chunks_fts.rowid"
        )
    ]
    fts_rows = catalog._read("SELECT count(*) FROM chunks_fts")[0][0]
    docs = {r.id: (r.content_hash, r.chunk_ids) for r in catalog.documents()}
    catalog.close()
    SharedSystemClient.clear_system_cache()  # Chroma caches one system per path per process
    client = chromadb.PersistentClient(
        path=str(data / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    names = {c.name for c in client.list_collections()}
    # A kill can land after the catalogue was created but before the collection was.
    vector_ids = (
        client.get_collection("lga_chunks").get(include=[])["ids"] if "lga_chunks" in names else []
    )
    SharedSystemClient.clear_system_cache()
    assert len(ids) == len(set(ids)), "duplicate chunk ids in the catalogue"
    assert len(vector_ids) == len(set(vector_ids)), "duplicate vector ids"
    assert fts_rows == len(ids) == len(keyword), "keyword index out of step with the catalogue"
    return {
        "chunks": sorted(ids),
        "keyword": sorted(keyword),
        "vectors": sorted(vector_ids),
        "documents": docs,
    }


def assert_never_half(data: Path) -> None:
    """After a crash: every catalogued chunk has its vector and keyword entry."""
    if not (data / "catalog.sqlite3").exists():
        return
    snap = snapshot(data)
    assert set(snap["chunks"]) <= set(snap["vectors"])
    assert snap["keyword"] == snap["chunks"]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("crash")
    v1, v2 = base / "v1" / "corpus", base / "v2" / "corpus"
    write_corpus(v1)
    write_corpus(v2, variant="revised")
    for i in range(0, N_DOCS, 3):  # v2: a third of the documents unchanged from v1
        (v2 / f"doc{i:03d}.md").write_text((v1 / f"doc{i:03d}.md").read_text())
    clean1, clean2 = base / "clean1", base / "clean2"
    assert ingest(v1, clean1).returncode == 0
    assert ingest(v2, clean2).returncode == 0
    return {
        "base": base,
        "v1": v1,
        "v2": v2,
        "clean1": snapshot(clean1),
        "clean2": snapshot(clean2),
    }


def same_as_clean(data: Path, clean: dict[str, object]) -> None:
    snap = snapshot(data)
    assert snap["documents"] == clean["documents"]
    assert snap["chunks"] == clean["chunks"] == snap["vectors"] == snap["keyword"]


@pytest.mark.parametrize("crash_at", ["loaded:20", "upserted:2", "committed:7", "stale_deleted:30"])
def test_killed_first_ingest_then_rerun_equals_clean_run(
    corpora: dict[str, object], crash_at: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    crashed = ingest(corpora["v1"], data, LGA_ASSISTANT_TEST_CRASH_AT=crash_at)
    assert crashed.returncode == -signal.SIGKILL
    assert_never_half(data)
    rerun = ingest(corpora["v1"], data)
    assert rerun.returncode == 0, rerun.stderr
    same_as_clean(data, corpora["clean1"])
    totals = json.loads(rerun.stdout)["totals"]
    assert (
        totals["failed"] == 0
        and totals["added"] + totals["unchanged"] + totals["updated"] == N_DOCS
    )


@pytest.mark.parametrize(
    "crash_at",
    [
        pytest.param("upserted:1", marks=pytest.mark.slow),
        "committed:10",  # new rows committed, stale vectors of that document not yet deleted
        pytest.param("stale_deleted:12", marks=pytest.mark.slow),
    ],
)
def test_killed_update_then_rerun_equals_clean_run(
    corpora: dict[str, object], crash_at: str, tmp_path: Path
) -> None:
    data, work = tmp_path / "data", tmp_path / "work" / "corpus"
    shutil.copytree(corpora["v1"], work)
    assert ingest(work, data).returncode == 0
    for path in corpora["v2"].iterdir():  # edit the documents in place
        (work / path.name).write_text(path.read_text())
    crashed = ingest(work, data, LGA_ASSISTANT_TEST_CRASH_AT=crash_at)
    assert crashed.returncode == -signal.SIGKILL
    assert_never_half(data)
    assert ingest(work, data).returncode == 0
    same_as_clean(data, corpora["clean2"])


def test_external_sigkill_mid_run(corpora: dict[str, object], tmp_path: Path) -> None:
    data = tmp_path / "data"
    for delay in (1.2, 1.6):
        proc = subprocess.Popen(
            ingest_cmd(corpora["v1"], data),
            env=env(LGA_ASSISTANT_TEST_SLOW_INGEST_MS="15"),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert_never_half(data)
    assert ingest(corpora["v1"], data).returncode == 0
    same_as_clean(data, corpora["clean1"])
