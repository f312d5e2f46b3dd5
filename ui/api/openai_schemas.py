"""The OpenAI chat-completions wire format, mapped to and from the assistant's boundary types.

Requests: ``parse_chat_request`` turns a raw ``POST /v1/chat/completions`` body into a
``ChatCall`` (question, audience, history, stream) or raises ``OpenAIError`` with the status,
``code`` and ``param`` OpenAI would give. Responses: ``completion_body`` and ``chunk_body`` build
``chat.completion`` and ``chat.completion.chunk`` objects whose text is the answer with its
``[n]`` markers plus a short "Sources" list, and whose extra ``lga`` field carries the full answer
contract (``assistant.serialize.answer_to_dict``: citations, peers, resources, next steps,
refusal). Pure functions, no I/O: the router in ``ui.api.routers.openai_compat`` does the rest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.serialize import answer_to_dict
from assistant.settings import Settings
from assistant.types import Answer, Audience, Citation, Turn
from ui.api.schemas import MAX_TURN_CHARS

# Model id -> audience. Clients pick the audience by picking a model.
MODELS: dict[str, Audience] = {
    "lga-assistant-councillor": "councillor",
    "lga-assistant-officer": "officer",
}
MODEL_OWNER = "lga-assistant"
# Roles a client may send that carry no question: an instruction from the client is not allowed
# to steer the assistant (its prompts are its own), so these are accepted and ignored.
IGNORED_ROLES = frozenset({"system", "developer"})
CONVERSATION_ROLES = frozenset({"user", "assistant"})
TOOL_ROLES = frozenset({"tool", "function"})
SOURCES_HEADING = "**Sources**"
_MARKER = re.compile(r"\[(\d+)\]")
# Usage is counted in word pieces (a word or a punctuation mark): the default answerer has no
# tokenizer, and clients (the llm CLI) require the counts to be there.
_PIECE = re.compile(r"\w+|[^\w\s]")


class OpenAIError(Exception):
    """An error in OpenAI's shape: ``{"error": {"message", "type", "code", "param"}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.type = type or error_type(status)
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return openai_error_body(self.message, type=self.type, code=self.code, param=self.param)


def error_type(status: int) -> str:
    """OpenAI's error ``type`` for an HTTP status."""
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    if status == 429:
        return "rate_limit_error"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def openai_error_body(
    message: str, *, type: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "code": code, "param": param}}


# --- requests -------------------------------------------------------------------------------


class ChatMessageIn(BaseModel):
    """One message of an OpenAI chat request; other fields (``name``...) are ignored."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    """The parts of OpenAI's chat request the assistant reads; sampling parameters
    (``temperature``, ``max_tokens``, ``stream_options``...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessageIn] = Field(..., min_length=1)
    stream: bool | None = False
    n: int | None = None
    tools: list[Any] | None = None
    functions: list[Any] | None = None
    tool_choice: Any = None
    function_call: Any = None
    response_format: dict[str, Any] | None = None
    stream_options: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ChatCall:
    """What the assistant is asked: the last user message, the turns before it, the audience."""

    model: str
    audience: Audience
    question: str
    history: tuple[Turn, ...]
    stream: bool
    include_usage: bool = False  # stream_options.include_usage: a last chunk with usage

    @property
    def prompt_pieces(self) -> int:
        """The request's size for ``usage.prompt_tokens`` (see ``count_pieces``)."""
        return count_pieces(self.question) + sum(count_pieces(t.content) for t in self.history)


def parse_chat_request(raw: bytes, settings: Settings) -> ChatCall:
    """Map a raw chat-completions body to a ``ChatCall``; ``OpenAIError`` (400/404) when the
    body is not JSON, not a chat request, or asks for what the assistant does not do."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OpenAIError(
            400,
            f"The request body is not valid JSON ({exc}): send a JSON chat completion request.",
            code="invalid_json",
        ) from exc
    if not isinstance(data, dict):
        raise OpenAIError(400, "The request body must be a JSON object.", code="invalid_json")
    try:
        request = ChatCompletionRequest.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    audience = MODELS.get(request.model)
    if audience is None:
        raise OpenAIError(
            404,
            f"The model `{request.model}` does not exist. Use one of: "
            f"{', '.join(MODELS)} (GET /v1/models).",
            code="model_not_found",
            param="model",
        )
    _check_options(request)
    question, history = _conversation(request.messages, settings)
    return ChatCall(
        model=request.model,
        audience=audience,
        question=question,
        history=history,
        stream=bool(request.stream),
        include_usage=bool((request.stream_options or {}).get("include_usage")),
    )


def _validation_error(exc: ValidationError) -> OpenAIError:
    first = exc.errors()[0]
    param = _param(first.get("loc", ()))
    if first.get("type") == "missing":
        return OpenAIError(
            400,
            f"Missing required parameter: '{param}'.",
            code="missing_required_parameter",
            param=param,
        )
    return OpenAIError(
        400,
        f"Invalid '{param}': {first.get('msg', 'invalid value')}.",
        code="invalid_value",
        param=param,
    )


def _param(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("messages", 0, "content")`` -> ``"messages[0].content"`` (OpenAI's param style)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("str", "list[dict[str,any]]"):  # pydantic's union branch names
            break
        else:
            out += f".{part}" if out else str(part)
    return out


def _check_options(request: ChatCompletionRequest) -> None:
    if request.n is not None and request.n != 1:
        raise OpenAIError(
            400,
            f"n={request.n} is not supported: the assistant gives one answer per request "
            "(send n=1 or leave it out).",
            code="unsupported_value",
            param="n",
        )
    for name in ("tools", "functions"):
        if getattr(request, name):
            raise OpenAIError(
                400,
                f"'{name}' is not supported: the assistant answers from the LGA's resources "
                "and does not call tools. Leave it out.",
                code="unsupported_parameter",
                param=name,
            )
    for name in ("tool_choice", "function_call"):
        if getattr(request, name) not in (None, "none", "auto"):
            raise OpenAIError(
                400,
                f"'{name}' is not supported: the assistant does not call tools.",
                code="unsupported_parameter",
                param=name,
            )
    kind = (request.response_format or {}).get("type", "text")
    if kind != "text":
        raise OpenAIError(
            400,
            f"response_format {kind!r} is not supported: answers are markdown text with "
            "citations (the structured answer is in the response's 'lga' field).",
            code="unsupported_value",
            param="response_format",
        )


def _conversation(
    messages: list[ChatMessageIn], settings: Settings
) -> tuple[str, tuple[Turn, ...]]:
    """(question, history): the last message must be the user's; earlier user and assistant
    messages become the history (the most recent ``api.max_history_turns``)."""
    turns: list[tuple[int, Turn]] = []
    for i, message in enumerate(messages):
        role = message.role
        if role in IGNORED_ROLES:
            continue
        if role in TOOL_ROLES:
            raise OpenAIError(
                400,
                f"messages[{i}] has role '{role}': tool and function messages are not "
                "supported, the assistant does not call tools.",
                code="unsupported_value",
                param=f"messages[{i}].role",
            )
        if role not in CONVERSATION_ROLES:
            raise OpenAIError(
                400,
                f"messages[{i}] has role '{role}': use 'user' or 'assistant' "
                "('system' and 'developer' messages are ignored).",
                code="invalid_value",
                param=f"messages[{i}].role",
            )
        if role == "assistant" and message.model_extra and message.model_extra.get("tool_calls"):
            raise OpenAIError(
                400,
                f"messages[{i}] has tool_calls: the assistant does not call tools.",
                code="unsupported_value",
                param=f"messages[{i}].tool_calls",
            )
        turns.append((i, Turn(role, _text(message, i))))  # type: ignore[arg-type]
    if not any(turn.role == "user" for _, turn in turns):
        raise OpenAIError(
            400,
            "The messages have no user message: send the question as a message with role 'user'.",
            code="missing_user_message",
            param="messages",
        )
    last_index, last = turns[-1]
    if last.role != "user":
        raise OpenAIError(
            400,
            f"The last message (messages[{last_index}]) is from the '{last.role}': the last "
            "message must be the user's question.",
            code="invalid_value",
            param=f"messages[{last_index}].role",
        )
    limit = settings.api.max_question_chars
    if len(last.content) > limit:
        raise OpenAIError(
            400,
            f"Invalid 'messages[{last_index}].content': the question is "
            f"{len(last.content):,} characters long; the limit is {limit:,}. Shorten it or "
            "split it into separate questions.",
            code="string_above_max_length",
            param=f"messages[{last_index}].content",
        )
    history: list[Turn] = []
    for i, turn in turns[:-1]:
        if len(turn.content) > MAX_TURN_CHARS:
            raise OpenAIError(
                400,
                f"Invalid 'messages[{i}].content': an earlier message is "
                f"{len(turn.content):,} characters long; the limit is {MAX_TURN_CHARS:,}.",
                code="string_above_max_length",
                param=f"messages[{i}].content",
            )
        content = strip_sources(turn.content) if turn.role == "assistant" else turn.content
        content = content.strip()
        if content:
            history.append(Turn(turn.role, content))
    keep = settings.api.max_history_turns
    return last.content, tuple(history[-keep:]) if keep else ()


def _text(message: ChatMessageIn, i: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    content = message.content
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts = []
    for part in content:
        if part.get("type") == "text" and not isinstance(part.get("text"), str):
            raise OpenAIError(
                400,
                f"messages[{i}] has a text part without a 'text' string.",
                code="invalid_value",
                param=f"messages[{i}].content",
            )
        if part.get("type") != "text":
            raise OpenAIError(
                400,
                f"messages[{i}] has a '{part.get('type')}' content part: only text is supported.",
                code="unsupported_value",
                param=f"messages[{i}].content",
            )
        texts.append(part["text"])
    return "\n".join(texts)


# --- responses ------------------------------------------------------------------------------


def sources_block(answer: Answer) -> str:
    """The "Sources" list appended to the answer text: one line per citation the text cites,
    ``- [n] Title, p. N: URL`` (empty for a refusal or an answer citing nothing)."""
    if answer.refused:
        return ""
    cited = {int(n) for n in _MARKER.findall(answer.text)}
    lines = [_source_line(c) for c in answer.citations if c.n in cited]
    if not lines:
        return ""
    return "\n\n" + SOURCES_HEADING + "\n" + "\n".join(lines)


def _source_line(citation: Citation) -> str:
    chunk = citation.chunk
    line = f"- [{citation.n}] {chunk.title or chunk.source}"
    if chunk.page_start is not None:
        line += f", p. {chunk.page_start}"
    link = chunk.url or chunk.source
    return f"{line}: {link}" if link else line


def strip_sources(text: str) -> str:
    """An earlier assistant message without the "Sources" list this endpoint appended (so the
    follow-up rewrite sees the answer, not a list of titles)."""
    head, found, _ = text.partition("\n\n" + SOURCES_HEADING + "\n")
    return head if found else text


def answer_content(answer: Answer) -> str:
    """The assistant message's content: the answer text with its markers, then its sources."""
    return answer.text + sources_block(answer)


def lga_extra(answer: Answer) -> dict[str, Any]:
    """The extra ``lga`` field: the full answer contract (as ``POST /api/ask`` returns it)."""
    return answer_to_dict(answer)


def count_pieces(text: str) -> int:
    """Words and punctuation marks in ``text``: the unit of the reported ``usage``."""
    return len(_PIECE.findall(text))


def usage_body(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def completion_id(answer_id: str) -> str:
    return f"chatcmpl-{answer_id}"


def completion_body(
    answer: Answer, *, model: str, created: int, prompt_pieces: int
) -> dict[str, Any]:
    """A ``chat.completion`` object for ``answer`` (a refusal too: ``finish_reason`` "stop")."""
    content = answer_content(answer)
    return {
        "id": completion_id(answer.id),
        "object": "chat.completion",
        "created": created,
        "model": model,
        "system_fingerprint": None,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": usage_body(prompt_pieces, count_pieces(content)),
        "lga": lga_extra(answer),
    }


def chunk_body(
    chunk_id: str,
    *,
    model: str,
    created: int,
    delta: dict[str, Any] | None,
    finish_reason: str | None = None,
    answer: Answer | None = None,
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    """One ``chat.completion.chunk``; the final one (with ``answer``) carries ``lga``; with
    ``delta=None``, the usage-only chunk (no choices) that ``include_usage`` asks for."""
    body: dict[str, Any] = {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": None,
        "choices": []
        if delta is None
        else [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }
    if usage is not None:
        body["usage"] = usage
    if answer is not None:
        body["lga"] = lga_extra(answer)
    return body


def models_body(created: int) -> dict[str, Any]:
    """``GET /v1/models``: one model per audience."""
    return {"object": "list", "data": [model_body(name, created) for name in MODELS]}


def model_body(name: str, created: int) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": created, "owned_by": MODEL_OWNER}
