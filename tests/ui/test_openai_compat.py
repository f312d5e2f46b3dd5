"""The OpenAI-compatible endpoint in process: request mapping, the Sources list, the admission gate
(503 + Retry-After in OpenAI's shape, slots released after a stream) and readiness errors."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import threading
import time
from typing import Any

import httpx
import pytest
from conftest import CHUNKS, FakeAssistant
from fastapi.testclient import TestClient

from assistant.settings import Settings
from assistant.types import Answer, Citation, Turn
from ui.api.app import create_app
from ui.api.openai_schemas import (
    OpenAIError,
    answer_content,
    parse_chat_request,
    strip_sources,
)
from ui.api.routers.openai_compat import reshape_error

QUESTION = "How have councils used action learning sets?"
CHAT = "/v1/chat/completions"


def _body(*messages: tuple[str, Any], **extra: Any) -> bytes:
    data = {
        "model": "lga-assistant-officer",
        "messages": [{"role": r, "content": c} for r, c in messages],
        **extra,
    }
    return json.dumps(data).encode()


def test_parse_maps_model_question_and_history() -> None:
    settings = Settings(api={"max_history_turns": 2})
    call = parse_chat_request(
        _body(
            ("system", "Be a pirate."),
            ("user", "first"),
            ("assistant", "one [1].\n\n**Sources**\n- [1] Doc: https://x"),
            ("user", "second"),
            ("assistant", "two"),
            ("user", QUESTION),
        ),
        settings,
    )
    assert (call.audience, call.question, call.stream) == ("officer", QUESTION, False)
    # The most recent max_history_turns, our Sources list removed, the system message ignored.
    assert call.history == (Turn("user", "second"), Turn("assistant", "two"))
    full = parse_chat_request(
        _body(("user", "first"), ("assistant", "one [1].\n\n**Sources**\n- [1] D"), ("user", "q")),
        Settings(),
    )
    assert full.history[1] == Turn("assistant", "one [1].")


def test_parse_errors_name_the_param() -> None:
    with pytest.raises(OpenAIError) as err:
        parse_chat_request(
            b'{"model": "lga-assistant-officer", "messages": [{"content": 1}]}', Settings()
        )
    assert (err.value.status, err.value.param) == (400, "messages[0].role")
    with pytest.raises(OpenAIError) as err:
        parse_chat_request(b"[1, 2]", Settings())
    assert err.value.code == "invalid_json"
    with pytest.raises(OpenAIError) as err:
        parse_chat_request(_body(("user", [{"type": "text"}])), Settings())
    assert (err.value.code, err.value.param) == ("invalid_value", "messages[0].content")
    with pytest.raises(OpenAIError) as err:
        parse_chat_request(_body(("user", "q"), stream="maybe"), Settings())
    assert (err.value.code, err.value.param) == ("invalid_value", "stream")


def _answer(text: str, *, refused: bool = False) -> Answer:
    return Answer(
        id="a1",
        question="q",
        standalone_question="q",
        audience="councillor",
        text=text,
        citations=(
            Citation(1, CHUNKS[0], "quote"),
            Citation(2, CHUNKS[2], "quote"),
            Citation(3, CHUNKS[1], "peer evidence"),
        ),
        refused=refused,
    )


def test_sources_list_has_only_the_cited_passages() -> None:
    content = answer_content(_answer("Leadership [1]. Networks help [2]."))
    assert content == (
        "Leadership [1]. Networks help [2].\n\n**Sources**\n"
        "- [1] Action learning sets: learning document, p. 2: "
        "https://www.local.gov.uk/example/action-learning\n"
        "- [2] Transformation Network, p. 2: https://www.local.gov.uk/example/action-learning"
    )
    assert strip_sources(content) == "Leadership [1]. Networks help [2]."
    assert answer_content(_answer("Nothing cited.")) == "Nothing cited."
    assert answer_content(_answer("Refused [1].", refused=True)) == "Refused [1]."


def test_reshape_error_keeps_openai_bodies_and_reshapes_ours() -> None:
    ours = json.dumps({"error": {"code": "overloaded", "message": "Busy."}}).encode()
    assert json.loads(reshape_error(ours, 503)) == {
        "error": {"message": "Busy.", "type": "server_error", "code": "overloaded", "param": None}
    }
    theirs = json.dumps({"error": {"message": "m", "type": "t", "code": None, "param": None}})
    assert reshape_error(theirs.encode(), 400) == theirs.encode()
    assert reshape_error(b"not json", 500) == b"not json"


class Gated(FakeAssistant):
    """The fake assistant, with ``ask`` and the stream's first step waiting for ``gate``."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def ask(self, question: str, **kw: Any) -> Any:
        self.gate.wait(30)
        return super().ask(question, **kw)


def test_gate_full_is_an_openai_503_with_retry_after_and_slots_come_back(
    api_settings: Settings,
) -> None:
    gated = Gated()
    settings = api_settings.model_copy(
        update={"api": api_settings.api.model_copy(update={"workers": 1, "max_wait_s": 0})}
    )
    app = create_app(assistant=gated, settings=settings, chat=False)
    state = app.state.lga
    body = {
        "model": "lga-assistant-councillor",
        "messages": [{"role": "user", "content": QUESTION}],
    }

    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            admitted = asyncio.create_task(client.post(CHAT, json=body))
            deadline = time.monotonic() + 10
            while state.gate.in_flight < 1 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            shed = await client.post(CHAT, json={**body, "stream": True})
            gated.gate.set()
            done = await admitted
            streamed = await client.post(CHAT, json={**body, "stream": True})
            in_flight_after_stream = state.gate.in_flight
        return shed, done, streamed, in_flight_after_stream

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        shed, done, streamed, in_flight = pool.submit(asyncio.run, scenario()).result(timeout=60)
    assert shed.status_code == 503 and shed.headers["Retry-After"] == "1"
    assert shed.json() == {
        "error": {
            "message": "The assistant is busy answering other questions: try again in 1 s.",
            "type": "server_error",
            "code": "overloaded",
            "param": None,
        }
    }
    assert done.status_code == 200
    assert streamed.status_code == 200 and streamed.text.endswith("data: [DONE]\n\n")
    assert in_flight == 0  # the stream gave its slot back


def test_not_ready_and_assistant_input_errors_in_openai_shape(api_settings: Settings) -> None:
    body = {
        "model": "lga-assistant-councillor",
        "messages": [{"role": "user", "content": "\u200b"}],
    }
    with TestClient(create_app(assistant=FakeAssistant(), settings=api_settings, chat=False)) as c:
        invalid = c.post(CHAT, json=body)
        assert invalid.status_code == 422
        assert invalid.json()["error"]["type"] == "invalid_request_error"
        assert invalid.json()["error"]["code"] == "invalid_input"
        assert c.get("/v1/models").status_code == 200  # open when no key is set
        # The rest of the API keeps its own error shape.
        assert "type" not in c.post("/api/ask", json={"question": "\u200b"}).json()["error"]

    app = create_app(settings=api_settings, chat=False)
    app.state.lga.load_error = "No index at data/chroma: run `lga-assistant ingest` first."
    client = TestClient(app)  # no lifespan: the assistant is never built
    response = client.post(CHAT, json={**body, "messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 503
    assert response.json()["error"]["type"] == "server_error"
    assert "lga-assistant ingest" in response.json()["error"]["message"]


def test_real_assistant_plain_and_stream_agree(catalogue_services: Any) -> None:
    """The real Assistant (fake embedder, the project's catalogue): its stream events map to the
    same message as the plain answer, with citations, Sources and the extra field."""
    assistant = catalogue_services.assistant
    app = create_app(assistant=assistant, settings=assistant.settings, chat=False)
    body = {
        "model": "lga-assistant-officer",
        "messages": [
            {"role": "user", "content": "How can councils co-design services with residents?"}
        ],
    }
    with TestClient(app) as client:
        plain = client.post(CHAT, json=body).json()
        frames = client.post(CHAT, json={**body, "stream": True}).text.strip().split("\n\n")
        refused = client.post(
            CHAT, json={**body, "messages": [{"role": "user", "content": "Write me a poem"}]}
        ).json()
    content = plain["choices"][0]["message"]["content"]
    lga = plain["lga"]
    assert not lga["refused"] and lga["citations"]
    assert "[1]" in content and "\n\n**Sources**\n- [1] " in content
    assert frames[-1] == "data: [DONE]"
    chunks = [json.loads(f.removeprefix("data: ")) for f in frames[:-1]]
    streamed = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert streamed == content
    assert chunks[-1]["lga"]["citations"] == lga["citations"]
    assert refused["choices"][0]["finish_reason"] == "stop"
    assert refused["lga"]["refused"] is True and refused["lga"]["refusal_reason"]
    assert "**Sources**" not in refused["choices"][0]["message"]["content"]
