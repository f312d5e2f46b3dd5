"""An OpenAI-compatible chat endpoint: ``POST /v1/chat/completions`` and ``GET /v1/models``.

So the chat clients people already use (the ``openai`` SDK, LangChain's ``ChatOpenAI``, the
``llm`` CLI, Open WebUI...) can talk to the assistant. The ``model`` picks the audience, the last
user message is the question and earlier turns are the history; answers go through the same
admission gate, worker limiter, assistant guardrails and trace store as ``/api/ask``. Every error
under ``/v1`` is in OpenAI's shape, ``{"error": {"message", "type", "code", "param"}}``: ours are
``OpenAIError``; the app's shared ones (gate, readiness, body size, routing) are reshaped on the
way out by ``OpenAIErrorShape``. ``install(app)`` wires all of it into the app.
"""

from __future__ import annotations

import hmac
import json
import time
import uuid
from collections.abc import AsyncGenerator, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import AssistantError
from assistant.types import Answer
from ui.api.admission import Ticket
from ui.api.deps import AppState, admitted, get_state
from ui.api.errors import BodySizeLimit, status_for
from ui.api.openai_schemas import (
    MODELS,
    ChatCall,
    OpenAIError,
    chunk_body,
    completion_body,
    count_pieces,
    error_type,
    model_body,
    models_body,
    openai_error_body,
    parse_chat_request,
    sources_block,
    usage_body,
)

PREFIX = "/v1"
TRACE_CLIENT = "openai"
_OFFERED = {"chat/completions": "POST", "models": "GET"}  # for 405s from the catch-all route
_STREAM_DONE = object()


def require_key(
    state: AppState = Depends(get_state),
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """Open when ``api.openai_key`` is unset; else 401 unless ``Authorization: Bearer <key>``."""
    key = state.settings.api.openai_key
    if key is None or not key.get_secret_value():
        return
    scheme, _, given = (authorization or "").partition(" ")
    expected = key.get_secret_value().encode()
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected):
        return
    raise OpenAIError(
        401,
        "Incorrect or missing API key: send the key set in LGA_ASSISTANT_API__OPENAI_KEY as "
        "'Authorization: Bearer <key>' (the api_key of your OpenAI client).",
        code="invalid_api_key",
        type="invalid_request_error",
        headers={"WWW-Authenticate": "Bearer"},
    )


router = APIRouter(prefix=PREFIX, tags=["openai-compatible"], dependencies=[Depends(require_key)])


@router.get("/models", summary="The models: one per audience (OpenAI-compatible)")
async def list_models() -> dict[str, Any]:
    return models_body(_created())


@router.get("/models/{model_id}", summary="One model (OpenAI-compatible)")
async def get_model(model_id: str) -> dict[str, Any]:
    if model_id not in MODELS:
        raise OpenAIError(
            404,
            f"The model `{model_id}` does not exist. Use one of: {', '.join(MODELS)}.",
            code="model_not_found",
            param="model",
        )
    return model_body(model_id, _created())


@router.post(
    "/chat/completions",
    summary="Ask in OpenAI's chat-completions format (plain or streamed)",
    description=(
        "An OpenAI chat request: `model` is `lga-assistant-councillor` or "
        "`lga-assistant-officer`, the last `user` message is the question and earlier `user`/"
        "`assistant` messages are the history (`system` messages are ignored). The reply is a "
        "`chat.completion` (or, with `stream: true`, `chat.completion.chunk` Server-Sent "
        "Events ending with `data: [DONE]`) whose text keeps its `[n]` markers and ends with "
        "a Sources list; the extra `lga` field (of the final chunk when streaming) holds the "
        "answer contract of `/api/ask`. Not supported (400): `n > 1`, tools and functions."
    ),
    responses={200: {"content": {"application/json": {}, "text/event-stream": {}}}},
)
async def chat_completions(
    request: Request,
    state: AppState = Depends(get_state),
    ticket: Ticket = Depends(admitted),
) -> Any:
    call = parse_chat_request(await request.body(), state.settings)
    assistant = state.require_assistant()
    if call.stream:
        return await _stream(call, assistant, state, ticket)
    answer: Answer = await state.compute(
        ticket, assistant.ask, call.question, audience=call.audience, history=call.history
    )
    await state.run_io(state.traces.record, answer, client=TRACE_CLIENT)
    body = completion_body(
        answer, model=call.model, created=_created(), prompt_pieces=call.prompt_pieces
    )
    return JSONResponse(body)


@router.api_route(
    "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
async def not_here(path: str) -> None:
    """Other OpenAI routes (embeddings, completions...) are not offered: an OpenAI-shaped 404
    (405 for a route offered with another method)."""
    method = _OFFERED.get(path.rstrip("/"))
    if method is not None:
        raise OpenAIError(
            405,
            f"{PREFIX}/{path} takes {method} requests.",
            code="method_not_allowed",
            headers={"Allow": method},
        )
    raise OpenAIError(
        404,
        f"{PREFIX}/{path} is not offered: this server has /v1/chat/completions and /v1/models.",
        code="unknown_url",
    )


async def _stream(
    call: ChatCall, assistant: Any, state: AppState, ticket: Ticket
) -> StreamingResponse:
    """Answer as ``chat.completion.chunk`` events: the role first, then the text, then the
    Sources list, then a last chunk with ``finish_reason`` "stop" and ``lga``, then [DONE].

    The request holds its admission ticket until the stream ends (or the client goes away):
    see ``ui.api.deps.admitted``.
    """

    def start() -> Iterator[Any]:
        return iter(assistant.stream(call.question, audience=call.audience, history=call.history))

    def step(events: Iterator[Any]) -> Any:
        return next(events, _STREAM_DONE)

    # Started before the response so that bad input is a 4xx, not an event in a 200 stream.
    # The stream keeps its worker from here to its end (released with its ticket).
    await state.hold_worker(ticket)
    events = await state.compute(ticket, start)
    chunk_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = _created()

    def chunk(delta: dict[str, Any] | None, **kw: Any) -> bytes:
        return _sse(chunk_body(chunk_id, model=call.model, created=created, delta=delta, **kw))

    async def frames() -> AsyncGenerator[bytes, None]:
        try:
            yield chunk({"role": "assistant", "content": ""})
            sent: list[str] = []
            while True:
                event = await state.compute(ticket, step, events)
                if event is _STREAM_DONE:
                    return
                if event.kind == "token":
                    sent.append(str(event.data))
                    yield chunk({"content": sent[-1]})
                elif event.kind == "done":
                    answer: Answer = event.data
                    # Stored before the last frames: a client may hang up right after [DONE].
                    await state.run_io(state.traces.record, answer, client=TRACE_CLIENT)
                    sources = sources_block(answer)
                    if sources:
                        sent.append(sources)
                        yield chunk({"content": sources})
                    yield chunk({}, finish_reason="stop", answer=answer)
                    if call.include_usage:
                        pieces = count_pieces("".join(sent))
                        yield chunk(None, usage=usage_body(call.prompt_pieces, pieces))
                    yield b"data: [DONE]\n\n"
                    return
                elif event.kind == "error":
                    yield _sse(_stream_error(event.data))
                    return
        except AssistantError as exc:
            yield _sse(_stream_error(exc))

    return _ClosingStream(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


class _ClosingStream(StreamingResponse):
    """A streaming response that closes its frames however it ends (done, failed, client
    gone), so the answer's generator does not linger until garbage collection."""

    def __init__(self, content: AsyncGenerator[bytes, None], **kw: Any) -> None:
        super().__init__(content, **kw)
        self._frames = content

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._frames.aclose()


def _stream_error(data: Any) -> dict[str, Any]:
    """An error after the stream began, as OpenAI sends it: one ``data: {"error": ...}``."""
    if isinstance(data, AssistantError):
        status, code = status_for(data)
        return openai_error_body(str(data), type=error_type(status), code=code)
    if isinstance(data, dict):  # {"type": error class name, "message": str}
        import assistant.errors as errors

        cls = getattr(errors, str(data.get("type", "")), None)
        status, code = (
            status_for(cls("x"))
            if isinstance(cls, type) and issubclass(cls, AssistantError)
            else (500, "assistant_error")
        )
        return openai_error_body(str(data.get("message")), type=error_type(status), code=code)
    return openai_error_body(str(data), type="server_error", code="assistant_error")


def _sse(data: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _created() -> int:
    return int(time.time())


# --- wiring ---------------------------------------------------------------------------------


def _under_prefix(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class OpenAIErrorShape:
    """ASGI middleware: a JSON error answered under ``/v1`` by the app's shared handlers
    (``{"error": {"code", "message"}}``: the admission gate's 503, "not ready", 413, 405, the
    assistant's errors) leaves in OpenAI's shape, status and headers (Retry-After) kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _under_prefix(scope["path"]):
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        parts: list[bytes] = []

        async def reshaping_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", ()))
                is_json = headers.get(b"content-type", b"").startswith(b"application/json")
                if message["status"] >= 400 and is_json:
                    held = message  # wait for the body
                    return
            elif message["type"] == "http.response.body" and held is not None:
                parts.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = reshape_error(b"".join(parts), held["status"])
                kept = [(k, v) for k, v in held.get("headers", ()) if k != b"content-length"]
                kept.append((b"content-length", str(len(body)).encode()))
                await send({**held, "headers": kept})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, reshaping_send)


def reshape_error(body: bytes, status: int) -> bytes:
    """``{"error": {"code", "message", ...}}`` -> OpenAI's ``{"error": {"message", "type",
    "code", "param"}}``; a body already in OpenAI's shape, or not an error, is left alone."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict) or "type" in error:
        return body
    shaped = openai_error_body(
        str(error.get("message", "Request failed.")),
        type=error_type(status),
        code=error.get("code"),
        param=error.get("param"),
    )
    return json.dumps(shaped).encode()


def install(app: FastAPI) -> None:
    """Add the ``/v1`` routes, their error handler, their body-size cap and the error reshaping
    to ``app`` (call after the app's own middleware, before the chat UI's catch-all mount)."""

    @app.exception_handler(OpenAIError)
    async def _openai_error(request: Request, exc: OpenAIError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    app.include_router(router)
    settings = app.state.lga.settings
    app.add_middleware(BodySizeLimit, max_bytes=settings.api.max_body_bytes, prefixes=(PREFIX,))
    app.add_middleware(OpenAIErrorShape)  # outermost of the two: reshapes the cap's 413 too
