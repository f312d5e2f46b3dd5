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

from assistant.app import Services
from assistant.settings import PROJECT_ROOT
from ui.api.app import create_app


@pytest.fixture(scope="module")
def real_client(catalogue_services: Services) -> Iterator[TestClient]:
    services = catalogue_services
    settings = services.assistant.settings
    app = create_app(
        assistant=services.assistant,
        settings=settings,
        officer_tools=services.officer,
        chat=False,
    )
    with TestClient(app) as client:
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


# -- hardening (#15.5): no server path in anything a user sees -----------------------------------


def _assert_no_server_path(text: str) -> None:
    for fragment in (str(PROJECT_ROOT), "/work/", "/tmp/", "/home/", "/root/"):
        assert fragment not in text, f"server path {fragment!r} leaked: {text[:300]}"


def test_no_server_path_in_answers_streams_search_documents_or_packs(
    real_client: TestClient,
) -> None:
    question = {"question": "How can councils co-design services with residents?"}
    answer = real_client.post("/api/ask", json=question)
    assert answer.json()["citations"]
    _assert_no_server_path(answer.text)
    assert all(c["source"] == c["document_id"] for c in answer.json()["citations"] if not c["url"])
    _assert_no_server_path(real_client.post("/api/ask/stream", json=question).text)
    search = real_client.get("/api/search", params={"q": "co-design", "k": 10})
    assert search.json()["results"]
    _assert_no_server_path(search.text)
    documents = real_client.get("/api/documents")
    _assert_no_server_path(documents.text)
    first = documents.json()["documents"][0]["id"]
    _assert_no_server_path(real_client.get(f"/api/documents/{first}").text)
    _assert_no_server_path(real_client.get("/api/cases", params={"q": "co-design"}).text)
    pack = real_client.post("/api/pack", json=question)
    doc = DocxDocument(io.BytesIO(pack.content))
    _assert_no_server_path("\n".join(p.text for p in doc.paragraphs))
    markdown = real_client.post("/api/pack", params={"format": "md"}, json=question)
    assert "## References" in markdown.text
    _assert_no_server_path(markdown.text)


# -- hardening (#15.10): filters as people type them ---------------------------------------------


def test_theme_filters_match_in_any_case_and_by_label(real_client: TestClient) -> None:
    def search(themes: list[str]) -> list[str]:
        response = real_client.get(
            "/api/search", params={"q": "artificial intelligence", "theme": themes}
        )
        assert response.status_code == 200, response.text
        return [h["chunk_id"] for h in response.json()["results"]]

    lower = search(["ai"])
    assert lower
    assert search(["AI"]) == lower
    asked = real_client.post(
        "/api/ask",
        json={"question": "How are councils using AI?", "filters": {"themes": ["AI"]}},
    )
    assert asked.status_code == 200 and asked.json()["citations"], asked.text


def test_council_filters_go_through_the_gazetteer(real_client: TestClient) -> None:
    def search(council: str) -> list[str]:
        response = real_client.get("/api/search", params={"q": "Derby", "council": [council]})
        assert response.status_code == 200, response.text
        return [h["chunk_id"] for h in response.json()["results"]]

    by_name = search("Derby City Council")
    assert by_name
    assert search("Derby") == search("derby") == by_name


@pytest.mark.parametrize(
    ("request_", "field", "value"),
    [
        ({"filters": {"themes": ["Quantum"]}}, "themes", "Quantum"),
        ({"filters": {"councils": ["Narnia"]}}, "councils", "Narnia"),
    ],
)
def test_an_unknown_filter_value_is_a_422_naming_it_and_the_choices(
    real_client: TestClient, request_: dict, field: str, value: str
) -> None:
    body = {"question": "How are councils using AI?", **request_}
    for path in ("/api/ask", "/api/ask/stream"):
        response = real_client.post(path, json=body)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "unknown_filter"
        assert (error["field"], error["value"]) == (field, value)
        assert repr(value) in error["message"]
    themes = real_client.get("/api/search", params={"q": "ai", "theme": ["Quantum"]})
    assert themes.status_code == 422
    assert "ai" in themes.json()["error"]["choices"]
    assert "culture_change" in themes.json()["error"]["message"]


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
