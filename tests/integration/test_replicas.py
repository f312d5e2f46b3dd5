"""Several replicas: a `chroma run` server, a throwaway PostgreSQL cluster and two API replicas
(two `lga-assistant serve` processes on two loopback ports, fake embedder, separate data dirs),
sharing nothing but the two servers.

- a document ingested through replica A's admin route is answered from replica B;
- feedback given on A is exported from B;
- re-ingest (alternating two versions of a document) under bounded load through both: no 5xx,
  and no response ever mixes two versions of the document; two ingests at once (one per
  replica) run one after the other;
- kill -9 replica A in the middle of an admin ingest: B keeps answering, and the ingest rerun
  through B converges (catalogue, keyword index and vectors hold exactly the current chunks).

Every loop is bounded; every server binds 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.ingest.test_crash import ROOT, env
from tests.live_server import free_port, stop_process, wait_until_up
from tests.pg_fixture import PgCluster
from tests.reliability.test_chroma_server import chroma_server  # noqa: F401

pytestmark = pytest.mark.integration
TOKEN = "replica-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
VERSIONED = "versioned.md"
EDITION = re.compile(r"edition (\d+)")


def write_doc(folder: Path, name: str, topic: str, n: int = 3) -> None:
    sections = "\n\n".join(
        f"## Part {s}\n\n"
        + " ".join(
            f"The {topic} programme delivered outcome {s}.{k} for residents." for k in range(8)
        )
        for s in range(n)
    )
    (folder / name).write_text(f"# {topic.title()} programme\n\n{sections}\n", encoding="utf-8")


def write_versioned(folder: Path, edition: int) -> None:
    """Each edition differs in every sentence and in its number of sections (so chunk ids and
    counts change), and every sentence names its edition."""
    parts = 2 + edition % 3
    sections = "\n\n".join(
        f"## Stage {s}\n\n"
        + " ".join(
            f"The zebra crossing pilot edition {edition} reported stage {s} step {k}."
            for k in range(10)
        )
        for s in range(parts)
    )
    (folder / VERSIONED).write_text(f"# Zebra crossing pilot\n\n{sections}\n", encoding="utf-8")


@dataclass
class Replica:
    name: str
    port: int
    data: Path
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Deployment:
    corpus: Path
    env: dict[str, str]
    pg_url: str
    chroma_port: int
    a: Replica
    b: Replica


def start(replica: Replica, environ: dict[str, str], **extra: str) -> None:
    cmd = [sys.executable, "-m", "ui.cli", "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(replica.port), "--data-dir", str(replica.data), "--log-level", "warning"]
    with replica.log.open("ab") as log:
        replica.proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**environ, **extra}, stdout=log, stderr=subprocess.STDOUT
        )
    wait_until_up(
        f"{replica.url}/readyz", timeout=120, proc=replica.proc, log=replica.log, interval=0.3
    )


def stop(replica: Replica) -> None:
    if replica.proc is not None:
        stop_process(replica.proc, timeout=20)


@pytest.fixture(scope="module")
def deployment(
    pg_cluster: PgCluster,
    chroma_server: int,  # noqa: F811 - the fixture imported above
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("replicas")
    corpus = root / "corpus"
    corpus.mkdir()
    for i, topic in enumerate(("libraries", "parking", "recycling")):
        write_doc(corpus, f"doc{i}.md", topic)
    write_versioned(corpus, 1)
    pg_url = pg_cluster.database()
    environ = env(
        LGA_ASSISTANT_CATALOG__URL=pg_url,
        LGA_ASSISTANT_CHROMA_HOST="127.0.0.1",
        LGA_ASSISTANT_CHROMA_PORT=str(chroma_server),
        LGA_ASSISTANT_CORPUS_DIR=str(corpus),
        LGA_ASSISTANT_ADMIN_TOKEN=TOKEN,
        # Bounded load below never exceeds workers + waiting: any 503 would be a real failure.
        LGA_ASSISTANT_API__WORKERS="2",
        LGA_ASSISTANT_API__MAX_WAITING="6",
        LGA_ASSISTANT_COLLECTION="replicas",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    # The first ingest, from the command line (as a deployment would before starting replicas).
    first = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ingest", str(corpus), "--data-dir", str(root / "cli")],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert first.returncode == 0, first.stderr + first.stdout
    a = Replica("A", free_port(), root / "a", root / "a.log")
    b = Replica("B", free_port(), root / "b", root / "b.log")
    deployment = Deployment(corpus, environ, pg_url, chroma_server, a, b)
    try:
        start(a, environ)
        start(b, environ)
        yield deployment
    finally:
        stop(a)
        stop(b)
        pg_cluster.drop(pg_url)


def ask(replica: Replica, question: str, timeout: float = 60) -> httpx.Response:
    return httpx.post(
        f"{replica.url}/api/ask",
        json={"question": question, "audience": "officer"},
        timeout=timeout,
    )


def ingest_via(replica: Replica, timeout: float = 180) -> dict:
    response = httpx.post(f"{replica.url}/api/admin/ingest", headers=AUTH, timeout=timeout)
    assert response.status_code == 200, response.text
    return response.json()


def test_replicas_share_no_files(deployment: Deployment) -> None:
    for replica in (deployment.a, deployment.b):
        held = [p.name for p in replica.data.rglob("*")] if replica.data.exists() else []
        assert not [n for n in held if n.endswith(".sqlite3") or n == "chroma"], held


def test_document_ingested_through_a_is_answered_from_b(deployment: Deployment) -> None:
    question = "What did the allotments programme deliver for residents?"
    before = ask(deployment.b, question).json()
    assert not any("allotments" in c["quote"].lower() for c in before["citations"])
    write_doc(deployment.corpus, "doc9.md", "allotments")
    report = ingest_via(deployment.a)
    assert report["totals"]["added"] == 1, report
    answer = ask(deployment.b, question)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not body["refused"], body
    assert any(c["document_id"].endswith("doc9.md") for c in body["citations"]), body


def test_feedback_given_on_a_is_exported_from_b(deployment: Deployment) -> None:
    answer = ask(deployment.a, "What did the parking programme deliver?").json()
    given = httpx.post(
        f"{deployment.a.url}/api/feedback",
        json={"answer_id": answer["id"], "rating": "down", "comment": "needs the 2025 figures"},
        timeout=30,
    )
    assert given.status_code == 201, given.text
    exported = httpx.get(f"{deployment.b.url}/api/admin/feedback.csv", headers=AUTH, timeout=30)
    assert exported.status_code == 200, exported.text
    assert answer["id"] in exported.text and "needs the 2025 figures" in exported.text


def _editions(texts: list[str]) -> set[str]:
    return {m for t in texts for m in EDITION.findall(t)}


def test_reingest_under_load_never_mixes_versions(deployment: Deployment) -> None:
    """Two clients per replica search and ask about the versioned document while it is
    re-ingested, alternating editions, through A and B in turn."""
    stop_at = time.monotonic() + 90
    done = threading.Event()
    statuses: dict[int, int] = {}
    mixed: list[str] = []
    seen: set[str] = set()
    lock = threading.Lock()

    def client(replica: Replica, n: int) -> None:
        with httpx.Client(base_url=replica.url, timeout=60) as http:
            i = 0
            while not done.is_set() and time.monotonic() < stop_at:
                i += 1
                if (i + n) % 3:
                    r = http.get("/api/search", params={"q": "zebra crossing pilot stage", "k": 20})
                    texts = (
                        [h["text"] for h in r.json()["results"] if h["source"].endswith(VERSIONED)]
                        if r.status_code == 200
                        else []
                    )
                else:
                    r = http.post(
                        "/api/ask",
                        json={"question": "What did the zebra crossing pilot report?"},
                    )
                    texts = [c["quote"] for c in r.json()["citations"]] if r.is_success else []
                found = _editions(texts)
                with lock:
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                    seen.update(found)
                    if len(found) > 1:
                        mixed.append(f"{replica.name} {r.url.path}: editions {sorted(found)}")

    clients = [
        threading.Thread(target=client, args=(replica, n))
        for replica in (deployment.a, deployment.b)
        for n in range(2)
    ]
    for t in clients:
        t.start()
    try:
        for edition, replica in zip(range(2, 8), [deployment.a, deployment.b] * 3, strict=True):
            write_versioned(deployment.corpus, edition)
            report = ingest_via(replica)
            assert report["totals"]["updated"] == 1, report
            time.sleep(0.3)
        # Both replicas asked at once: one ingest waits for the other (the writer lock), then
        # finds nothing left to do.
        write_versioned(deployment.corpus, 8)
        reports: list[dict] = []
        both = [
            threading.Thread(target=lambda r=replica: reports.append(ingest_via(r)))
            for replica in (deployment.a, deployment.b)
        ]
        for t in both:
            t.start()
        for t in both:
            t.join(timeout=180)
        assert sorted(r["totals"]["updated"] for r in reports) == [0, 1], reports
    finally:
        done.set()
        for t in clients:
            t.join(timeout=90)
    assert not any(t.is_alive() for t in clients)
    assert sum(statuses.values()) > 20, statuses
    assert not [s for s in statuses if s >= 500], statuses
    assert mixed == []
    assert len(seen) >= 2, f"the clients should have seen several editions: {seen}"
    # The documents route on either replica shows the last edition, whole.
    docs = httpx.get(f"{deployment.b.url}/api/documents", timeout=30).json()["documents"]
    doc_id = next(d["id"] for d in docs if d["source"].endswith(VERSIONED))
    detail = httpx.get(f"{deployment.a.url}/api/documents/{doc_id}", timeout=30).json()
    assert _editions([c["text"] for c in detail["chunks"]]) == {"8"}
    print(f"\nload during re-ingest: {statuses}, editions seen {sorted(seen)}")


def _index_state(deployment: Deployment) -> tuple[set[str], set[str], set[str]]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.index.postgres_catalog import PostgresCatalog

    catalog = PostgresCatalog(deployment.pg_url)
    try:
        catalogued, keyword = catalog.all_chunk_ids(), catalog.keyword_ids()
    finally:
        catalog.close()
    client = chromadb.HttpClient(
        host="127.0.0.1",
        port=deployment.chroma_port,
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    vectors = set(client.get_collection("replicas").get(include=[])["ids"])
    return catalogued, keyword, vectors


def test_kill_9_replica_a_mid_ingest_b_answers_and_rerun_converges(
    deployment: Deployment,
) -> None:
    a, b = deployment.a, deployment.b
    # Restart A with a slowed-down ingest so the kill lands in the middle of it.
    stop(a)
    start(a, deployment.env, LGA_ASSISTANT_TEST_SLOW_INGEST_MS="400")
    for i in range(10, 16):
        write_doc(deployment.corpus, f"doc{i}.md", f"topic{i} bridges")
    write_versioned(deployment.corpus, 9)

    def doomed() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the replica dies under it
            httpx.post(f"{a.url}/api/admin/ingest", headers=AUTH, timeout=60)

    from assistant.index.postgres_catalog import PostgresCatalog

    catalog = PostgresCatalog(deployment.pg_url)
    before = catalog.count_documents()
    request = threading.Thread(target=doomed)
    request.start()
    deadline = time.monotonic() + 90
    while catalog.count_documents() == before and time.monotonic() < deadline:
        time.sleep(0.05)  # kill once the first new document is committed, the rest not yet
    committed = catalog.count_documents() - before
    catalog.close()
    assert a.proc is not None
    os.kill(a.proc.pid, signal.SIGKILL)
    assert 1 <= committed < 6, committed
    a.proc.wait(timeout=20)
    request.join(timeout=60)

    for _ in range(5):
        answer = ask(b, "What did the libraries programme deliver?")
        assert answer.status_code == 200, answer.text
        assert answer.json()["citations"]

    report = ingest_via(b)  # A's writer lock died with its connection: this must not wait
    assert report["totals"]["failed"] == 0, report
    catalogued, keyword, vectors = _index_state(deployment)
    assert catalogued == keyword == vectors
    docs = httpx.get(f"{b.url}/api/documents", timeout=30).json()["documents"]
    assert len(docs) == len(list(deployment.corpus.glob("*.md")))
    doc_id = next(d["id"] for d in docs if d["source"].endswith(VERSIONED))
    detail = httpx.get(f"{b.url}/api/documents/{doc_id}", timeout=30).json()
    assert _editions([c["text"] for c in detail["chunks"]]) == {"9"}
    again = ingest_via(b)
    assert again["totals"]["unchanged"] == len(docs), again
    assert _index_state(deployment)[0] == catalogued
