"""The web app: the JSON API under ``/api``, probes, OpenAPI docs at ``/docs``, and the Gradio
chat mounted at ``/``, all on one FastAPI app sharing one Assistant.

``create_app(assistant=fake)`` is how the tests build it; ``lga-assistant serve`` builds it with
no assistant, and the lifespan builds the real one from settings and warms it up once.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant.ports import AssistantService, OfficerService
from assistant.settings import Settings
from assistant.traces import TraceStore
from ui.api.deps import AppState, get_settings
from ui.api.docs_page import install_docs
from ui.api.errors import BodySizeLimit, install_error_handlers
from ui.api.routers import admin, ask, health, library, officer, openai_compat

API_DESCRIPTION = """
Answers about council transformation from the LGA's resources, with citations, peer councils,
resources and next steps. Errors are JSON: `{"error": {"code", "message"}}`. An
OpenAI-compatible chat endpoint is under `/v1` (errors there in OpenAI's shape).
"""


def create_app(
    assistant: AssistantService | None = None,
    settings: Settings | None = None,
    *,
    traces: TraceStore | None = None,
    officer_tools: OfficerService | None = None,
    chat: bool = True,
) -> FastAPI:
    """Build the app. With ``assistant=None`` the lifespan builds the services (assistant and
    officer tools) from ``settings`` in the composition root; given an assistant, the officer
    routes use ``officer_tools`` (503 without).

    ``chat=False`` leaves out the Gradio UI (faster API tests).
    """
    settings = settings or get_settings()
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    state = AppState(settings, assistant=assistant, traces=traces, officer=officer_tools)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Models load once, at start-up, in a worker thread; the server keeps running (and
        # /readyz says why) if the index is missing or unusable.
        if state.assistant is not None:
            # Given an assistant (tests, embedding): warm it before serving the first request.
            await anyio.to_thread.run_sync(state.load)
            yield
            return
        # Built from settings: load in the background, so /healthz answers at once and
        # /readyz (and every route needing the assistant) says "starting up" until it is warm.
        loading = asyncio.ensure_future(
            anyio.to_thread.run_sync(state.load, abandon_on_cancel=True)
        )
        try:
            yield
        finally:
            loading.cancel()

    app = FastAPI(
        title="LGA transformation assistant",
        version="0.1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # Swagger UI needs a CDN; ui.api.docs_page renders /docs offline
        redoc_url=None,
    )
    app.state.lga = state
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.api.max_body_bytes)
    if settings.api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    install_docs(app)
    for router in (health.router, ask.router, library.router, officer.router, admin.router):
        app.include_router(router)
    openai_compat.install(app)  # /v1: OpenAI-compatible chat for existing clients
    if chat:
        from ui.chat import mount_chat

        mount_chat(app, state)
    return app
