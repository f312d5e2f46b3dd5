"""The web app: the JSON API under ``/api``, probes, OpenAPI docs at ``/docs``, and the Gradio
chat mounted at ``/``, all on one FastAPI app sharing one Assistant.

``create_app(assistant=fake)`` is how the tests build it; ``lga-assistant serve`` builds it with
no assistant, and the lifespan builds the real one from settings and warms it up once.

Start-up opens the port first: ``create_app`` imports neither the models nor Gradio. Built from
settings, the lifespan then loads the assistant and builds the chat in the background, while
``/healthz`` answers and ``/readyz`` (and every route that needs them) says "starting up"
with 503; the chat's path shows a page that reloads itself until the chat is there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant.ports import AssistantService, OfficerService
from assistant.settings import Settings
from assistant.traces import TraceStore
from ui.api.deferred import DeferredApp
from ui.api.deps import AppState, get_settings
from ui.api.docs_page import install_docs
from ui.api.errors import BodySizeLimit, install_error_handlers
from ui.api.routers import admin, ask, health, library, officer, openai_compat

API_DESCRIPTION = """
Answers about council transformation from the LGA's resources, with citations, peer councils,
resources and next steps. Errors are JSON: `{"error": {"code", "message"}}`. An
OpenAI-compatible chat endpoint is under `/v1` (errors there in OpenAI's shape).
"""
logger = logging.getLogger("lga_assistant.api")


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
    chat_mount = DeferredApp() if chat else None
    state.chat_ready = False if chat else None

    async def start_chat(stack: AsyncExitStack) -> None:
        """Build the chat (a worker thread: seconds of Gradio), run its start-up events, and
        put it behind ``/``."""
        if chat_mount is None:
            return
        start = time.perf_counter()
        try:
            from ui.chat import build_chat_app

            gradio_app, blocks = await anyio.to_thread.run_sync(
                build_chat_app, app, state, abandon_on_cancel=True
            )
            await stack.enter_async_context(gradio_app.router.lifespan_context(gradio_app))
            blocks.run_startup_events()
            await blocks.run_extra_startup_events()
        except Exception:  # noqa: BLE001 - keep the API serving; /readyz and / say the chat is down
            logger.exception("The chat UI failed to start")
            chat_mount.fail()
            state.chat_error = "The chat UI failed to start: see the server log."
            return
        chat_mount.app = gradio_app
        state.startup_s["chat"] = round(time.perf_counter() - start, 2)
        state.chat_ready = True

    async def start(stack: AsyncExitStack) -> None:
        await anyio.to_thread.run_sync(state.load, abandon_on_cancel=True)
        await start_chat(stack)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if state.assistant is not None:
                # Given an assistant (tests, embedding): warm it and build the chat before
                # serving the first request.
                await start(stack)
                yield
                return
            # Built from settings: load in the background, so the port opens at once, /healthz
            # answers and /readyz (and every route needing the assistant) says "starting up"
            # until the assistant is warm and the chat is built.
            loading = asyncio.ensure_future(start(stack))
            try:
                yield
            finally:
                loading.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await loading

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
    if chat_mount is not None:
        app.mount("/", chat_mount)  # after the API routes, so those take precedence
    return app
