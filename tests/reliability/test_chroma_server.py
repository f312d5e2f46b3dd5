"""Client/server mode: `chroma run` on a free loopback port, then `ingest` and `ask` through
``HttpClient`` (``LGA_ASSISTANT_CHROMA_HOST``/``PORT``), the vectors living in the server.

This is how several app replicas share one vector index (see "Running at scale" in the README).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest.test_crash import ROOT, env, write_corpus
from tests.live_server import free_port, stop_process, wait_until_up

pytestmark = pytest.mark.integration
CHROMA = Path(sys.executable).with_name("chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not CHROMA.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma executable is not installed")
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    proc = subprocess.Popen(
        [str(CHROMA if CHROMA.exists() else "chroma"), "run", "--path", str(path)]
        + ["--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env(),
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=60, proc=proc)
        yield port
    finally:
        stop_process(proc, timeout=20)


def cli(port: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        env=env(LGA_ASSISTANT_CHROMA_HOST="127.0.0.1", LGA_ASSISTANT_CHROMA_PORT=str(port)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_ingest_and_ask_through_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    write_corpus(corpus, 12)
    ingested = cli(chroma_server, "ingest", str(corpus), "--data-dir", str(data), "--json")
    assert ingested.returncode == 0, ingested.stderr
    totals = json.loads(ingested.stdout)["totals"]
    assert totals["added"] == 12 and totals["failed"] == 0
    assert not (data / "chroma").exists(), "vectors must live in the server, not the data dir"

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(
        host="127.0.0.1", port=chroma_server, settings=ChromaSettings(anonymized_telemetry=False)
    )
    assert client.get_collection("lga_chunks").count() == totals["chunks"]

    asked = cli(
        chroma_server,
        "ask",
        "How did Council 7 improve service 2 with residents?",
        "--audience",
        "officer",
        "--json",
        "--data-dir",
        str(data),
    )
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not answer["refused"], answer
    assert answer["citations"]
    assert any(c["document_id"] == "corpus/doc007.md" for c in answer["citations"])

    # A second ingest of the same corpus is a no-op against the server too.
    again = cli(chroma_server, "ingest", str(corpus), "--data-dir", str(data), "--json")
    assert json.loads(again.stdout)["totals"]["unchanged"] == 12
    assert client.get_collection("lga_chunks").count() == totals["chunks"]


def test_unreachable_chroma_server_is_a_clear_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 1)
    proc = cli(free_port(), "ingest", str(corpus), "--data-dir", str(tmp_path / "data"))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "Traceback" not in out
    assert "chroma run" in " ".join(out.split())
