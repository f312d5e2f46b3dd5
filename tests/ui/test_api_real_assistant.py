"""The API around the real Assistant (fake embedder, in-memory index of the project's own
catalogue in corpus/): the wiring of ask, stream, search, documents and the officer tools."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

from assistant.app import build_assistant
from assistant.index import Index
from assistant.settings import PROJECT_ROOT, Settings
from ingest.pipeline import Pipeline
from ui.api.app import create_app


@pytest.fixture(scope="module")
def real_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("real-api")
    settings = Settings(
        data_dir=data_dir,
        embedder={"provider": "fake"},
        vector_store="memory",
        corpus_dir=PROJECT_ROOT / "corpus",
    )
    index = Index.in_memory(settings=settings)
    Pipeline(index, settings).ingest_paths([settings.corpus_dir], progress=False)
    assistant = build_assistant(settings, index=index)
    with TestClient(create_app(assistant=assistant, settings=settings, chat=False)) as client:
        yield client


def test_ready_and_documents(real_client: TestClient) -> None:
    ready = real_client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["details"]["chunks"] > 0
    docs = real_client.get("/api/documents").json()
    assert docs["count"] > 5
    first = docs["documents"][0]["id"]
    detail = real_client.get(f"/api/documents/{first}").json()
    assert detail["document"]["id"] == first and detail["chunks"]


def test_ask_and_stream_agree_on_the_contract(real_client: TestClient) -> None:
    question = {"question": "How can councils co-design services with residents?"}
    answer = real_client.post("/api/ask", json=question).json()
    assert answer["citations"] or answer["refused"]
    events = [
        frame.split("\n", 1)[0].removeprefix("event: ")
        for frame in real_client.post("/api/ask/stream", json=question).text.strip().split("\n\n")
    ]
    assert events[0] == "sources" and events[-2:] == ["suggestions", "done"]
    done = real_client.post("/api/ask/stream", json=question).text.strip().split("\n\n")[-1]
    payload = json.loads(done.split("data: ", 1)[1])
    assert payload["answer"] == answer["answer"] and payload["id"] != answer["id"]


def test_search_and_officer_tools(real_client: TestClient) -> None:
    hits = real_client.get("/api/search", params={"q": "action learning sets", "k": 3}).json()
    assert 0 < len(hits["results"]) <= 3
    cases = real_client.get("/api/cases", params={"q": "co-design with residents"}).json()
    assert cases["count"] >= 1 and cases["cases"][0]["council"]
    pack = real_client.post(
        "/api/pack", json={"question": "How can councils co-design services with residents?"}
    )
    assert pack.status_code == 200, pack.text
    doc = DocxDocument(io.BytesIO(pack.content))
    assert any("Reference" in p.text for p in doc.paragraphs)
    areas_response = real_client.post(
        "/api/assess", json={"ratings": {"capacity to deliver": 1, "leadership of place": 4}}
    )
    assert areas_response.status_code == 200, areas_response.text
    weakest = areas_response.json()["weakest"]
    assert weakest and weakest[0]["rating"] == 1 and weakest[0]["next_steps"]


def test_unknown_assessment_area_is_a_clear_422(real_client: TestClient, tmp_path: Path) -> None:
    response = real_client.post("/api/assess", json={"ratings": {"juggling": 2}})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_follow_up_answer_carries_the_resolved_standalone_question(
    real_client: TestClient,
) -> None:
    history = [
        {"role": "user", "content": "Which council presented its Transformation Operating Model?"},
        {"role": "assistant", "content": "Cornwall Council, explaining its TOM [1]."},
    ]
    body = {"question": "How much have they put into going digital?", "history": history}
    answer = real_client.post("/api/ask", json=body).json()
    assert answer["question"] == "How much have they put into going digital?"
    assert answer["standalone_question"] == "How much have Cornwall Council put into going digital?"
    done = real_client.post("/api/ask/stream", json=body).text.strip().split("\n\n")[-1]
    payload = json.loads(done.split("data: ", 1)[1])
    assert payload["standalone_question"] == answer["standalone_question"]
    # A question that stands alone comes back as typed.
    alone = {"question": "How can councils co-design services with residents?", "history": history}
    plain = real_client.post("/api/ask", json=alone).json()
    assert plain["standalone_question"] == alone["question"]
