"""HTTP error mapping: every 4xx/5xx answer is JSON ``{"error": {"code", "message"}}``.

The assistant raises its own error family (``assistant.errors``); only this layer turns those
into status codes. Request bodies over the configured size are refused before they are read.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import (
    AssistantError,
    ConfigurationError,
    EmbeddingModelMismatchError,
    IndexCorruptError,
    IndexNotFoundError,
    InputError,
    ProviderError,
    StorageError,
    UnknownFilterError,
)


class ApiError(Exception):
    """An error this API returns on purpose, with its status, a stable code and a message."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def status_for(exc: AssistantError) -> tuple[int, str]:
    """(HTTP status, error code) for an assistant error."""
    if isinstance(exc, UnknownFilterError):
        return 422, "unknown_filter"
    if isinstance(exc, InputError):
        return 422, "invalid_input"
    if isinstance(exc, IndexNotFoundError):
        return 503, "index_not_found"
    if isinstance(exc, EmbeddingModelMismatchError | IndexCorruptError):
        return 503, "index_unusable"
    if isinstance(exc, ProviderError):
        return 502, "provider_error"
    if isinstance(exc, StorageError):
        return 503, "storage_error"
    if isinstance(exc, ConfigurationError):
        return 500, "configuration_error"
    return 500, "assistant_error"


def _status_code_name(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "payload_too_large",
        415: "unsupported_media_type",
        422: "invalid_request",
        429: "too_many_requests",
    }.get(status, "http_error" if status < 500 else "server_error")


def install_error_handlers(app: FastAPI) -> None:
    """Register JSON handlers for API, assistant, validation and HTTP errors."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
        status, code = status_for(exc)
        extra: dict[str, Any] = {}
        if isinstance(exc, UnknownFilterError):
            extra = {"field": exc.field, "value": exc.value, "choices": list(exc.choices)}
        return JSONResponse(error_body(code, str(exc), **extra), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
        if broken is not None:
            return JSONResponse(_json_invalid_body(broken), status_code=422)
        details = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "problem": err.get("msg", ""),
            }
            for err in errors
        ]
        first = details[0] if details else {"field": "", "problem": "invalid request"}
        where = f"{first['field']}: " if first["field"] else ""
        return JSONResponse(
            error_body("invalid_request", f"{where}{first['problem']}", details=details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = f"Nothing at {request.url.path}. See /docs for the API."
        return JSONResponse(
            error_body(_status_code_name(exc.status_code), message),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )


def _json_invalid_body(err: Any) -> dict[str, Any]:
    """A body that is not JSON: the field is the body, and the message says where it broke.

    Pydantic reports it at ``("body", <character offset>)``, which would read as a field named
    after a number ("19: JSON decode error")."""
    loc = [p for p in err.get("loc", ()) if p != "body"]
    position = loc[0] if loc and isinstance(loc[0], int) else None
    reason = str((err.get("ctx") or {}).get("error") or "").strip()
    where = f" at character {position}" if position is not None else ""
    why = f" ({reason})" if reason else ""
    message = (
        f"The request body is not valid JSON{where}{why}: send a JSON object such as "
        '{"question": "How do councils use data?"}.'
    )
    return error_body(
        "invalid_request",
        message,
        details=[{"field": "body", "problem": f"not valid JSON{where}{why}"}],
    )


class BodySizeLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413 and a JSON body.

    Applies to paths under ``prefixes`` (the JSON API); checks Content-Length first and counts
    streamed (chunked) bodies as they arrive.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, prefixes: tuple[str, ...] = ("/api",)):
        self.app = app
        self.max_bytes = max_bytes
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = 0
                if length > self.max_bytes:
                    await self._refuse(send)
                    return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(413, self.message)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await self._refuse(send)

    @property
    def message(self) -> str:
        return (
            f"The request body is over the {self.max_bytes:,}-byte limit: send a shorter "
            "question or less history."
        )

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(error_body("payload_too_large", self.message)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(HTTPException):
    """Raised while reading an over-long body; FastAPI passes HTTPExceptions through."""
