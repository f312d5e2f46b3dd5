"""The server under faults: a missing or corrupt index at start, re-ingest while serving, and a
kill -9 with traces and feedback in flight.

- Missing / corrupt index: the app starts, ``/readyz`` is 503 with the reason, API routes answer
  a JSON error (503), nothing crashes or loops.
- Re-ingest while serving: a real uvicorn server on a free loopback port (fake embedder, Chroma
  on disk); client threads hammer ``/api/ask`` and ``/api/search`` while the documents are
  rewritten and re-ingested through ``/api/admin/ingest`` several times. Zero 5xx; every
  response shows each document in exactly one edition (old or new, never a mix).
- kill -9: the server runs in a subprocess; every acknowledged answer trace and feedback row
  is in the SQLite trace store after SIGKILL (WAL).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from assistant.traces import TraceStore
from tests.helpers import SAMPLE_DOCUMENTS, build_data_dir
from tests.live_server import LiveServer, free_port, wait_until_up
from ui.api.app import create_app

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-admin-token"


def fake_settings(data_dir: Path, **extra: Any) -> Settings:
    return Settings(data_dir=data_dir, embedder={"provider": "fake"}, **extra)


# --------------------------------------------------------------------------- bad index at start


def settled_readyz(client: TestClient) -> Any:
    """``/readyz`` once start-up has finished (models load in the background)."""
    deadline = time.monotonic() + 60
    while True:
        r = client.get("/readyz")
        if "starting up" not in r.text and "warming up" not in r.text:
            return r
        if time.monotonic() > deadline:
            raise AssertionError(f"still starting: {r.text}")
        time.sleep(0.05)


def test_missing_index_is_reported_not_a_crash(tmp_path: Path) -> None:
    app = create_app(settings=fake_settings(tmp_path / "empty"), chat=False)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        ready = settled_readyz(client)
        assert ready.status_code == 503
        assert "ingest" in ready.json()["reason"]
        ask = client.post("/api/ask", json={"question": "How do councils run peer reviews?"})
        assert ask.status_code == 503
        assert ask.json()["error"]["code"] == "not_ready"
        assert "ingest" in ask.json()["error"]["message"]


def test_corrupt_catalogue_is_reported_not_a_crash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_data_dir(data, SAMPLE_DOCUMENTS)
    (data / "catalog.sqlite3").write_bytes(b"this is not a database" * 200)
    for suffix in ("-wal", "-shm"):
        (data / f"catalog.sqlite3{suffix}").unlink(missing_ok=True)
    app = create_app(settings=fake_settings(data), chat=False)
    with TestClient(app) as client:
        ready = settled_readyz(client)
        assert ready.status_code == 503
        reason = ready.json()["reason"]
        assert "catalog" in reason.lower() and "rebuild" in reason.lower(), reason
        search = client.get("/api/search", params={"q": "benefits tracker"})
        assert search.status_code == 503 and search.json()["error"]["message"] == reason


def test_corrupt_vector_index_is_reported_not_a_crash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_data_dir(data, SAMPLE_DOCUMENTS)
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    app = create_app(settings=fake_settings(data), chat=False)
    with TestClient(app) as client:
        ready = settled_readyz(client)
        assert ready.status_code == 503
        assert "rebuild" in ready.json()["reason"], ready.json()


# --------------------------------------------------------------------------- re-ingest


def write_edition(corpus: Path, edition: int, n_docs: int = 12) -> None:
    """``n_docs`` documents whose every sentence names the edition, so any passage tells which
    version of its document it came from."""
    corpus.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        paragraphs = "\n\n".join(
            " ".join(
                f"In edition {edition} Council {i} improved service {s} in step {k} with "
                f"residents and digital tools."
                for k in range(8)
            )
            for s in range(3 + edition % 2)  # editions differ in length too
        )
        (corpus / f"doc{i:02d}.md").write_text(
            f"# Council {i} transformation\n\n## Services\n\n{paragraphs}\n", encoding="utf-8"
        )


def editions_by_document(texts: list[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for document_id, text in texts:
        out.setdefault(document_id, set()).update(re.findall(r"edition (\d+)", text))
    return out


def test_server_keeps_serving_during_reingest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_edition(corpus, 1)
    settings = fake_settings(
        tmp_path / "data", corpus_dir=corpus, api={"admin_token": TOKEN, "workers": 4}
    )
    app = create_app(settings=settings, chat=False)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with LiveServer(app, timeout=60) as live, httpx.Client(base_url=live.url, timeout=60) as http:
        deadline = time.monotonic() + 30
        while "starting up" in (r := http.get("/readyz")).text and time.monotonic() < deadline:
            time.sleep(0.05)
        assert r.status_code == 503 and "ingest" in r.text  # no index yet: says so, keeps running
        assert http.post("/api/admin/ingest", headers=auth).status_code == 200
        assert http.get("/readyz").status_code == 200

        stop = threading.Event()
        statuses: list[int] = []
        mixed: list[Any] = []
        seen_editions: set[str] = set()

        def client(worker: int) -> None:
            with httpx.Client(base_url=live.url, timeout=60) as c:
                n = 0
                while not stop.is_set() and n < 400:
                    n += 1
                    council = (worker + n) % 12
                    if n % 2:
                        r = c.post(
                            "/api/ask",
                            json={
                                "question": f"How did Council {council} improve services "
                                "with residents and digital tools?",
                                "audience": "officer",
                            },
                        )
                        body = r.json()
                        texts = [(x["document_id"], x["quote"]) for x in body.get("citations", [])]
                    else:
                        r = c.get(
                            "/api/search", params={"q": f"Council {council} service", "k": 20}
                        )
                        body = r.json()
                        texts = [(x["document_id"], x["text"]) for x in body.get("results", [])]
                    statuses.append(r.status_code)
                    for doc, eds in editions_by_document(texts).items():
                        seen_editions.update(eds)
                        if len(eds) > 1:
                            mixed.append((doc, eds, r.url))

        threads = [threading.Thread(target=client, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        try:
            for edition in (2, 3, 4):
                write_edition(corpus, edition)
                r = http.post("/api/admin/ingest", headers=auth)
                assert r.status_code == 200, r.text
                assert r.json()["totals"]["failed"] == 0
                assert http.get("/readyz").status_code == 200
                time.sleep(0.3)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        assert statuses, "no requests were made"
        assert all(s < 500 for s in statuses), sorted(set(statuses))
        assert mixed == [], mixed[:5]
        assert len(seen_editions) >= 2, seen_editions  # requests spanned the re-ingests
        # After the last ingest every answer is from the last edition.
        final = http.get("/api/search", params={"q": "Council 3 service", "k": 20}).json()
        assert {e for x in final["results"] for e in re.findall(r"edition (\d+)", x["text"])} == {
            "4"
        }


# --------------------------------------------------------------------------- kill -9

SERVE = """
import sys, uvicorn
from assistant.settings import Settings
from ui.api.app import create_app
settings = Settings(data_dir=sys.argv[1], embedder={"provider": "fake"})
uvicorn.run(create_app(settings=settings, chat=False), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    data = tmp_path / "data"
    build_data_dir(data, SAMPLE_DOCUMENTS)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LGA_ASSISTANT_")}
    env.update(PYTHONPATH=str(ROOT), ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(data), str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/readyz", timeout=90, proc=proc, interval=0.2)
        yield proc, url, data
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_traces_and_feedback_survive_kill_9(
    server_process: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    proc, url, data = server_process
    acknowledged: list[str] = []
    rated: list[tuple[str, str]] = []
    questions = [
        "How did Newcastle-under-Lyme track benefits?",
        "What is the digitalisation almanac?",
        "How have councils used artificial intelligence in adult social care?",
    ]
    with httpx.Client(base_url=url, timeout=60) as http:
        for i in range(12):
            r = http.post("/api/ask", json={"question": questions[i % 3]})
            assert r.status_code == 200
            answer_id = r.json()["id"]
            acknowledged.append(answer_id)
            rating = ("up", "down")[i % 2]
            f = http.post(
                "/api/feedback",
                json={"answer_id": answer_id, "rating": rating, "comment": f"note {i}"},
            )
            assert f.status_code == 201
            rated.append((answer_id, rating))
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert (data / "traces.sqlite3-wal").exists()  # the writes may live only in the WAL
    store = TraceStore(data / "traces.sqlite3")
    try:
        assert store.journal_mode() == "wal"
        assert all(store.exists(a) for a in acknowledged)
        assert store.count() == len(acknowledged)
        rows = store._read("SELECT answer_id, rating, comment FROM feedback ORDER BY id")
        assert [(a, r) for a, r, _ in rows] == rated
        assert [c for _, _, c in rows] == [f"note {i}" for i in range(12)]
        trace = store.trace(acknowledged[0])
        assert trace is not None and json.dumps(trace["citations"])
    finally:
        store.close()
