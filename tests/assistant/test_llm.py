"""Chat model adapters: the real langchain clients against local servers, and the fakes."""

from __future__ import annotations

import pytest

from assistant.adapters.llm import (
    OllamaChatModel,
    OpenAIChatModel,
    ScriptedChatModel,
    build_chat_model,
    echo_first_passage,
)
from assistant.answering import build_messages
from assistant.errors import ProviderError
from assistant.ports import ChatMessage, ChatModel
from assistant.settings import LLMSettings
from assistant.types import Chunk, Hit
from tests.fake_openai_server import FakeOpenAIServer, Reply
from tests.live_server import free_port

MESSAGES = [ChatMessage("system", "Be brief."), ChatMessage("user", "Say hello.")]


def openai_settings(base_url: str, timeout_s: float = 5.0) -> LLMSettings:
    return LLMSettings(provider="openai", base_url=base_url, model="fake-gpt", timeout_s=timeout_s)


@pytest.mark.integration
def test_openai_adapter_generates_and_streams_against_a_compatible_server() -> None:
    with FakeOpenAIServer(lambda body: "Hello from the fake server [1].") as server:
        model = build_chat_model(openai_settings(server.base_url))
        assert isinstance(model, ChatModel)
        assert model.model_id == "openai:fake-gpt"
        assert model.generate(MESSAGES) == "Hello from the fake server [1]."
        pieces = list(model.stream(MESSAGES))
        assert len(pieces) > 1 and "".join(pieces) == "Hello from the fake server [1]."
        body = server.requests[0]
        assert body["model"] == "fake-gpt"
        assert body["temperature"] == 0.0
        assert [m["role"] for m in body["messages"]] == ["system", "user"]
        assert server.requests[1]["stream"] is True


@pytest.mark.integration
@pytest.mark.parametrize(("status", "hint"), [(500, "failed"), (401, "API key"), (404, "model")])
def test_openai_http_errors_become_provider_errors(status: int, hint: str) -> None:
    with FakeOpenAIServer(lambda body: Reply(status=status, text="nope")) as server:
        model = OpenAIChatModel(openai_settings(server.base_url), max_retries=0)
        with pytest.raises(ProviderError, match=hint):
            model.generate(MESSAGES)
        with pytest.raises(ProviderError):
            list(model.stream(MESSAGES))


@pytest.mark.integration
def test_openai_timeout_and_unreachable_server_say_what_to_check() -> None:
    with FakeOpenAIServer(lambda body: Reply(text="late", delay_s=2.0)) as server:
        model = OpenAIChatModel(openai_settings(server.base_url, timeout_s=0.3), max_retries=0)
        with pytest.raises(ProviderError, match="did not answer in time"):
            model.generate(MESSAGES)
    url = f"http://127.0.0.1:{free_port()}/v1"
    model = OpenAIChatModel(openai_settings(url, timeout_s=2.0), max_retries=0)
    with pytest.raises(ProviderError, match="Cannot reach") as info:
        model.generate(MESSAGES)
    assert url in str(info.value) and "BASE_URL" in str(info.value)


@pytest.mark.integration
def test_ollama_adapter_reports_a_missing_server() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    model = build_chat_model(LLMSettings(provider="ollama", base_url=url, model="llama3"))
    assert isinstance(model, OllamaChatModel) and model.model_id == "ollama:llama3"
    with pytest.raises(ProviderError, match="Cannot reach the Ollama server"):
        model.generate(MESSAGES)


def test_scripted_model_replies_in_turn_and_records_calls() -> None:
    model = ScriptedChatModel(["first", "second"])
    assert model.generate(MESSAGES) == "first"
    assert "".join(model.stream(MESSAGES)) == "second"
    assert model.generate(MESSAGES) == "second"  # the last reply repeats
    assert len(model.calls) == 3 and model.calls[0][1].content == "Say hello."
    by_function = ScriptedChatModel(lambda messages: messages[-1].content.upper())
    assert by_function.generate(MESSAGES) == "SAY HELLO."
    with pytest.raises(ProviderError):
        ScriptedChatModel([]).generate(MESSAGES)


def test_fake_provider_echoes_the_first_passage_with_a_citation() -> None:
    text = "Riverton set up a triage team. It cut waiting times."
    hit = Hit(chunk=Chunk(id="r", document_id="r", position=0, text=text, title="R"), score=1.0)
    messages = build_messages("What did Riverton do?", audience="officer", hits=[hit], words=50)
    model = build_chat_model(LLMSettings(provider="fake"))
    assert model.generate(messages) == "Riverton set up a triage team [1]."
    assert echo_first_passage([ChatMessage("user", "no passages here")]) == "NOT_IN_SOURCES"
