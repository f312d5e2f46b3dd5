"""The chat UI's handlers and page on the real Gradio objects, without a browser (the e2e tests
drive the page; test_chat_render.py tests the HTML rendering on its own).

Integration: Gradio is imported and its Blocks built (importing gradio alone costs ~5 s of
CPU, a sixth of the unit layer's budget); ``make test`` runs these."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import FakeAssistant, FakeOfficer
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

from assistant.settings import Settings
from assistant.traces import TraceStore
from assistant.types import Answer
from ui.api.admission import AdmissionGate
from ui.api.app import create_app
from ui.api.deps import AppState
from ui.chat.render import render_assessment, render_cases

if TYPE_CHECKING:
    from ui.chat import ChatHandlers

# Gradio is imported inside the tests, so that collecting the unit layer does not import it.
pytestmark = pytest.mark.integration


@pytest.fixture
def handlers(
    fake_assistant: FakeAssistant, fake_officer: FakeOfficer, api_settings: Settings
) -> ChatHandlers:
    from ui.chat import ChatHandlers

    state = AppState(api_settings, assistant=fake_assistant, officer=fake_officer)
    return ChatHandlers(state)


def test_respond_streams_then_renders_final_answer_and_records_trace(
    handlers: ChatHandlers, fake_assistant: FakeAssistant, api_settings: Settings
) -> None:
    steps = list(
        handlers.respond("How do councils use action learning?", [], [], "officer", [], [])
    )
    assert len(steps) > 3  # placeholder, sources, tokens..., final
    first_chat = steps[0][0]
    assert first_chat[-1]["content"].startswith('<p class="lga-muted">Searching')
    chat, box, history, answer, _ = steps[-1]
    assert box == "" and isinstance(answer, Answer)
    assert "lga-card" in chat[-1]["content"]
    assert [h["role"] for h in history] == ["user", "assistant"]
    assert history[1]["content"] == answer.text
    assert fake_assistant.calls[-1]["audience"] == "officer"
    trace = TraceStore(api_settings.traces_path).trace(answer.id)
    assert trace is not None and trace["client"] == "chat"


def test_respond_passes_history_and_filters(
    handlers: ChatHandlers, fake_assistant: FakeAssistant
) -> None:
    history = [
        {"role": "user", "content": "Tell me about leadership"},
        {"role": "assistant", "content": "Leadership [1]."},
    ]
    list(
        handlers.respond(
            "What did they learn?", [], history, "councillor", ["guidance"], ["leadership"]
        )
    )
    call = fake_assistant.calls[-1]
    assert [t.content for t in call["history"]] == ["Tell me about leadership", "Leadership [1]."]
    assert call["filters"].doc_types == ("guidance",) and call["filters"].themes == ("leadership",)


def test_respond_shows_errors_in_the_chat(handlers: ChatHandlers) -> None:
    steps = list(handlers.respond("boom", [], [], "councillor", [], []))
    assert "Something went wrong" in steps[-1][0][-1]["content"]
    assert steps[-1][3] is None
    steps = list(handlers.respond("\u200b\u200b", [], [], "councillor", [], []))
    assert "question is empty" in steps[-1][0][-1]["content"]
    assert list(handlers.respond("   ", [], [], "councillor", [], []))[-1][0] == []


def test_feedback_rate_then_details(handlers: ChatHandlers, api_settings: Settings) -> None:
    answer = list(handlers.respond("action learning?", [], [], "councillor", [], []))[-1][3]
    feedback_id, rating, reasons, _, note = handlers.rate("down", answer)
    assert rating == "down" and "Not accurate" in reasons["choices"][0]
    assert "saved" in note
    handlers.send_details(feedback_id, "down", ["Not accurate"], "Wrong council")
    rows = TraceStore(api_settings.traces_path).feedback_rows()
    assert [(r["rating"], r["reasons"], r["comment"]) for r in rows] == [
        ("down", ["Not accurate"], "Wrong council")
    ]
    assert handlers.rate("up", None)[-1] == "Ask a question first."


def test_pack_file_is_a_docx_named_after_the_question(handlers: ChatHandlers) -> None:
    answer = list(
        handlers.respond("How have councils used action learning?", [], [], "officer", [], [])
    )[-1][3]
    update = handlers.prepare_pack(answer)
    path = Path(update["value"])
    assert update["visible"] is True and path.name.startswith("evidence-pack-how-have-councils")
    assert path.suffix == ".docx"
    assert any(
        p.text == "References" for p in DocxDocument(io.BytesIO(path.read_bytes())).paragraphs
    )
    refused = FakeAssistant().ask("a poem please")
    assert handlers.prepare_pack(refused)["visible"] is False


def test_cases_and_assessment_render(handlers: ChatHandlers) -> None:
    out = handlers.find_cases("co-design", None, "", "London")
    assert "London Borough of Newham" in out and "Brighton" not in out
    assert "london borough · London" in out and '<details class="lga-source"><summary>' in out
    assert "No case studies found" in render_cases([])
    out, _ = handlers.assess(3, 4, 1, 3, 5)  # one rating per TIEx area of the catalogue
    assert "TIEx: financial planning and viability (you rated it 1 out of 5)" in out
    assert "leadership of place (you rated" not in out
    assert "Councils to learn from" in out
    assert "Framework: TIEx: financial planning and viability" in out
    assert "Source: [1] Action learning sets" in out

    class Empty:
        weakest = ()

    assert "every area is rated strong" in render_assessment(Empty())


def test_chat_is_mounted_at_root_with_api_still_reachable(
    fake_assistant: FakeAssistant, fake_officer: FakeOfficer, api_settings: Settings
) -> None:
    app = create_app(assistant=fake_assistant, settings=api_settings, officer_tools=fake_officer)
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        config = client.get("/config").json()
        assert config["title"] == "LGA transformation assistant"
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.post("/api/ask", json={"question": "action learning?"}).status_code == 200


def test_the_users_question_is_shown_as_typed_never_as_markdown(  # #15.7
    handlers: ChatHandlers,
) -> None:
    import html

    question = (
        "![x](http://evil.example/pixel.png) **bold** <img src=x onerror=alert(1)>\n"
        "[link](http://a.example) `code` # heading https://auto.example/link"
    )
    chat = list(handlers.respond(question, [], [], "councillor", [], []))[-1][0]
    shown = chat[0]["content"]
    assert chat[0]["role"] == "user"
    for fragment in ("![", "](", "<img", "**", "`", "http://", "https://", "# "):
        assert fragment not in shown, fragment
    body = shown.removeprefix('<p class="lga-question">').removesuffix("</p>")
    assert html.unescape(body.replace("<br>", "\n")) == question


def test_a_refused_question_shows_busy_retrying_then_answers(
    fake_assistant: FakeAssistant, fake_officer: FakeOfficer, api_settings: Settings
) -> None:
    """Under load the chat says it is busy and retries after the gate's wait, no error."""
    from ui.chat import ChatHandlers

    state = AppState(api_settings, assistant=fake_assistant, officer=fake_officer)
    state.gate = AdmissionGate(workers=1, max_wait_s=0, initial_service_s=2.5)
    blocker = state.gate.admit()  # someone else is being answered: the wait is 2.5 s
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            state.gate.release(blocker)  # the other answer finished

    handlers = ChatHandlers(state, sleep=sleep)
    steps = list(
        handlers.respond("How do councils use action learning?", [], [], "officer", [], [])
    )
    busy = [s[0][-1]["content"] for s in steps if "lga-busy" in s[0][-1]["content"]]
    assert busy and "retrying in 3 s" in busy[0] and "went wrong" not in busy[0]
    assert slept == [3, 3]
    assert isinstance(steps[-1][3], Answer)  # answered once admitted
    assert state.gate.in_flight == 0  # and gave its place back


def test_a_question_still_refused_after_the_retries_is_given_back(
    fake_assistant: FakeAssistant, api_settings: Settings
) -> None:
    from ui.chat import ChatHandlers

    state = AppState(api_settings, assistant=fake_assistant)
    state.gate = AdmissionGate(workers=1, max_wait_s=0, initial_service_s=1)
    state.gate.admit()
    handlers = ChatHandlers(state, sleep=lambda s: None)
    steps = list(handlers.respond("action learning?", [], [], "councillor", [], []))
    chat, box, _, answer, _ = steps[-1]
    assert (
        "still busy" in chat[-1]["content"]
        and "send your question again in 1 s" in (chat[-1]["content"])
    )
    assert box == "action learning?" and answer is None  # the question is kept to resend
    assert state.gate.in_flight == 1  # only the blocker


def test_leaving_mid_answer_gives_the_place_back(handlers: ChatHandlers) -> None:
    steps = handlers.respond("How do councils use action learning?", [], [], "officer", [], [])
    next(steps)  # placeholder
    next(steps)  # admitted, streaming
    assert handlers.state.gate.in_flight == 1
    steps.close()  # what Gradio does when the browser goes away
    assert handlers.state.gate.in_flight == 0


def test_assessment_heads_every_weak_area_charts_all_ratings_and_exports(  # #15.15
    handlers: ChatHandlers,
) -> None:
    out, pack = handlers.assess(2, 4, 1, 3, 5)
    # Both areas at or below 2 get a headline, weakest first; not only the single weakest.
    one = out.index("financial planning and viability (you rated it 1 out of 5)")
    two = out.index("place and priority setting (you rated it 2 out of 5)")
    assert one < two
    # A chart of every rating, each number in words, weak areas marked in text.
    chart = out[out.index('<figure class="lga-chart"') : out.index("</figure>")]
    assert chart.count('<li class="lga-bars__row') == 5
    assert chart.count("(weak area)") == 2 and "4 out of 5" in chart
    assert 'style="width:40%"' in chart
    # The same, as a Word file with the chart drawn as a picture.
    assert pack["visible"] is True
    doc = DocxDocument(pack["value"])
    assert len(doc.inline_shapes) == 1
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "rated 1 out of 5" in text and "rated 2 out of 5" in text


def test_questions_asked_at_any_moment_are_queued_and_answered_in_turn(  # #15.11
    handlers: ChatHandlers,
) -> None:
    import gradio as gr

    asked = handlers.enqueue("First question about action learning?", [])
    # Asked while the first is being answered: it joins the queue, in order.
    asked = handlers.enqueue("Second question about co-design?", asked)
    assert asked == ["First question about action learning?", "Second question about co-design?"]
    assert handlers.enqueue("   ", asked) == asked  # nothing to ask: nothing queued

    chat: list = []
    history: list = []
    for n in (0, 1):
        outputs = list(handlers.answer_next(asked, n, chat, history, "councillor", [], []))
        # Answering never writes the question box (a late write would eat what is typed).
        assert all(len(o) == 5 for o in outputs)
        chat, history = outputs[-2][0], outputs[-2][1]
        assert outputs[-1][4] == n + 1  # counted as answered at the end
    assert [m["content"] for m in history if m["role"] == "user"] == asked
    assert len([m for m in chat if m["role"] == "assistant"]) == 2
    # Nothing left: a run changes nothing but restates whether the feedback column shows (an
    # update without its visibility would hide "Was this answer useful?" after every answer).
    (idle,) = list(handlers.answer_next(asked, 2, chat, history, "councillor", [], []))
    assert [idle[i] for i in (0, 1, 2, 4)] == [gr.update()] * 4
    assert idle[3] == gr.update(visible=False)  # no answer yet in this session
    last = outputs[-2][2]
    (idle,) = list(handlers.answer_next(asked, 2, chat, history, "councillor", [], [], last))
    assert idle[3] == gr.update(visible=True)
    assert outputs[-1][3] == gr.update(visible=True)  # the final update keeps it shown


def test_the_chat_is_built_after_the_port_opens_and_readyz_waits_for_it(  # #13 start-up
    api_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    import ui.chat.layout as layout
    from assistant.app import Services
    from assistant.index import Index

    release = threading.Event()
    build = layout.build_chat_app

    def slow_chat(app, state):  # type: ignore[no-untyped-def]
        release.wait(10)
        return build(app, state)

    def services(settings: Settings, *, index: object = None) -> Services:
        return Services(FakeAssistant(), FakeOfficer(), Index.in_memory(settings=settings))  # type: ignore[arg-type]

    monkeypatch.setattr("assistant.app.build_services", services)
    monkeypatch.setattr("ui.chat.build_chat_app", slow_chat)

    def wait_for(client: TestClient, done: Any) -> Any:
        deadline = time.monotonic() + 20
        while not done(response := client.get("/readyz")) and time.monotonic() < deadline:
            time.sleep(0.02)
        return response

    with TestClient(create_app(settings=api_settings)) as client:
        # The assistant is warm, the chat is still being built: not ready, and the page says so.
        starting = wait_for(client, lambda r: "chat" in (r.json()["reason"] or ""))
        assert starting.status_code == 503 and "chat UI is starting" in starting.json()["reason"]
        page = client.get("/")
        assert page.status_code == 503 and page.headers["Retry-After"]
        assert "starting up" in page.text and 'http-equiv="refresh"' in page.text
        assert client.post("/api/ask", json={"question": "action learning?"}).status_code == 200
        release.set()
        assert wait_for(client, lambda r: r.status_code == 200).status_code == 200
        page = client.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert client.get("/config").json()["title"] == "LGA transformation assistant"


def test_a_chat_that_fails_to_build_leaves_the_api_up_and_says_so(
    fake_assistant: FakeAssistant, api_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(app, state):  # type: ignore[no-untyped-def]
        raise RuntimeError("no Gradio today")

    monkeypatch.setattr("ui.chat.build_chat_app", broken)
    with TestClient(create_app(assistant=fake_assistant, settings=api_settings)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "chat UI failed" in ready.json()["reason"]
        page = client.get("/")
        assert page.status_code == 503 and "could not start" in page.text
        assert client.post("/api/ask", json={"question": "action learning?"}).status_code == 200
