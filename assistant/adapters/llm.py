"""Chat model adapters implementing ``ports.ChatModel``: OpenAI-compatible, Ollama, scripted fake.

- ``OpenAIChatModel``: any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM, llama.cpp
  server, LM Studio) through langchain-openai's ``ChatOpenAI``.
- ``OllamaChatModel``: a local Ollama server through langchain-ollama's ``ChatOllama``.
- ``ScriptedChatModel``: replies from a list or a function; records what it was sent (tests).

Provider SDKs are imported lazily. Connection failures, timeouts and bad responses become
``ProviderError`` with a message that says what to check.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assistant.errors import ConfigurationError, ProviderError
from assistant.ports import ChatMessage, ChatModel
from assistant.settings import LLMSettings


def to_langchain_messages(messages: Sequence[ChatMessage]) -> list[Any]:
    """Our ``ChatMessage``s as langchain-core message objects."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    out = []
    for m in messages:
        if m.role not in kinds:
            raise ValueError(f"Unknown chat role {m.role!r}: use system, user or assistant.")
        out.append(kinds[m.role](content=m.content))
    return out


def _text(content: Any) -> str:
    """The text of a langchain message content (a string or a list of content parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            p if isinstance(p, str) else str(p.get("text", "")) for p in content if p is not None
        )
    return str(content or "")


class _LangChainChatModel:
    """Shared generate/stream over a langchain chat model, with error mapping."""

    model_id: str
    _provider: str
    _where: str

    def __init__(self, model: Any, model_id: str, errors: tuple[type[BaseException], ...]) -> None:
        self._model = model
        self.model_id = model_id
        self._errors = errors

    def generate(self, messages: Sequence[ChatMessage]) -> str:
        """The model's whole reply."""
        try:
            reply = self._model.invoke(to_langchain_messages(messages))
        except self._errors as exc:
            raise self._error(exc) from exc
        return _text(getattr(reply, "content", reply))

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        """The reply as it is produced, piece by piece."""
        try:
            for chunk in self._model.stream(to_langchain_messages(messages)):
                piece = _text(getattr(chunk, "content", chunk))
                if piece:
                    yield piece
        except self._errors as exc:
            raise self._error(exc) from exc

    def _error(self, exc: BaseException) -> ProviderError:
        name = type(exc).__name__
        text = str(exc)
        lowered = f"{name} {text}".lower()
        if "timeout" in lowered or "timed out" in lowered:
            hint = (
                f"The {self._provider} server at {self._where} did not answer in time: check it "
                "is running and not overloaded, or raise LGA_ASSISTANT_LLM__TIMEOUT_S."
            )
        elif "connect" in lowered or "connection" in lowered or "refused" in lowered:
            hint = (
                f"Cannot reach the {self._provider} server at {self._where}: check the URL "
                "(LGA_ASSISTANT_LLM__BASE_URL) and that the server is running."
            )
        elif "401" in text or "403" in text or "auth" in lowered or "api key" in lowered:
            hint = (
                f"The {self._provider} server at {self._where} rejected the API key: check "
                "LGA_ASSISTANT_LLM__API_KEY."
            )
        elif "404" in text or "not found" in lowered:
            hint = (
                f"The {self._provider} server at {self._where} does not know model "
                f"{self.model_id!r}: check LGA_ASSISTANT_LLM__MODEL (and the base URL path)."
            )
        else:
            hint = (
                f"The {self._provider} server at {self._where} failed: check its logs, the "
                "model name and the base URL."
            )
        return ProviderError(f"{hint} ({name}: {text[:200]})")


class OpenAIChatModel(_LangChainChatModel):
    """``ports.ChatModel`` over any OpenAI-compatible endpoint (langchain-openai ChatOpenAI)."""

    _provider = "OpenAI-compatible"

    def __init__(self, settings: LLMSettings, *, max_retries: int = 1) -> None:
        try:
            import httpx
            import openai
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise ConfigurationError(
                "The openai provider needs langchain-openai: run `make install`."
            ) from exc
        self._where = settings.base_url or "the default OpenAI URL"
        model = ChatOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key,
            model=settings.model,
            temperature=settings.temperature,
            timeout=settings.timeout_s,
            max_retries=max_retries,
        )
        super().__init__(
            model, f"openai:{settings.model}", (openai.APIError, httpx.HTTPError, OSError)
        )


class OllamaChatModel(_LangChainChatModel):
    """``ports.ChatModel`` over a local Ollama server (langchain-ollama ChatOllama)."""

    _provider = "Ollama"

    def __init__(self, settings: LLMSettings) -> None:
        try:
            import httpx
            import ollama
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise ConfigurationError(
                "The ollama provider needs langchain-ollama: run `make install`."
            ) from exc
        self._where = settings.base_url or "http://localhost:11434"
        model = ChatOllama(
            base_url=settings.base_url,
            model=settings.model,
            temperature=settings.temperature,
            client_kwargs={"timeout": settings.timeout_s},
        )
        super().__init__(
            model,
            f"ollama:{settings.model}",
            (ollama.ResponseError, ollama.RequestError, httpx.HTTPError, OSError),
        )


Script = list[str] | Callable[[Sequence[ChatMessage]], str]


class ScriptedChatModel:
    """A fake ``ports.ChatModel``: replies from a list (in turn) or from a function of the
    messages. Every call's messages are kept in ``calls``."""

    def __init__(self, responses: Script, *, model_id: str = "fake-scripted") -> None:
        self.model_id = model_id
        self._responses = responses
        self._index = 0
        self._lock = threading.Lock()
        self.calls: list[list[ChatMessage]] = []

    def generate(self, messages: Sequence[ChatMessage]) -> str:
        with self._lock:
            self.calls.append(list(messages))
            if callable(self._responses):
                return self._responses(messages)
            if not self._responses:
                raise ProviderError("ScriptedChatModel has no responses scripted.")
            reply = self._responses[min(self._index, len(self._responses) - 1)]
            self._index += 1
            return reply

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        text = self.generate(messages)
        for i in range(0, len(text), 16):
            yield text[i : i + 16]


def build_chat_model(llm_settings: LLMSettings) -> ChatModel:
    """The chat model for ``llm_settings.provider`` ("openai", "ollama" or "fake")."""
    provider = llm_settings.provider
    if provider == "openai":
        return OpenAIChatModel(llm_settings)
    if provider == "ollama":
        return OllamaChatModel(llm_settings)
    if provider == "fake":
        return ScriptedChatModel(echo_first_passage, model_id="fake-echo")
    raise ConfigurationError(
        f"No chat model for provider {provider!r}: use openai, ollama, fake or extractive."
    )


def echo_first_passage(messages: Sequence[ChatMessage]) -> str:
    """The fake provider's reply: the first sentence of passage [1], cited; NOT_IN_SOURCES when
    the prompt holds no passage. Grounded by construction, so demos and tests stay honest."""
    import re

    user = next((m.content for m in reversed(messages) if m.role == "user"), "")
    match = re.search(r"^\[1\][^\n]*\n(.+?)(?:\n\n|\n</passages>|$)", user, re.M | re.S)
    if not match:
        return "NOT_IN_SOURCES"
    passage = " ".join(match.group(1).split())
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", passage, maxsplit=1)[0]
    return f"{first.rstrip('.')} [1]."
