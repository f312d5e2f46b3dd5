"""Dependencies shared by the routers: settings, the app state (assistant, traces), threads.

``get_settings`` is the one place the API reads settings from the environment. The
``AppState`` holds the Assistant built once at start-up, the trace store and a limiter so that
blocking assistant calls run in worker threads, never on the event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Request

from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.traces import TraceStore
from ui.api.errors import ApiError
from ui.api.officer_tools import OfficerTools

T = TypeVar("T")
logger = logging.getLogger("lga_assistant.api")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment (``LGA_ASSISTANT_*``), read once per process."""
    return Settings()


class AppState:
    """What the app holds for its lifetime; one per app, shared by the API and the chat UI."""

    def __init__(
        self,
        settings: Settings,
        *,
        assistant: Any | None = None,
        traces: TraceStore | None = None,
        officer: OfficerTools | None = None,
    ) -> None:
        self.settings = settings
        self.assistant = assistant
        self.load_error: str | None = None
        self.warm = False
        self._traces = traces
        self._officer = officer
        self.ingest_lock = threading.Lock()
        self._limiter: anyio.CapacityLimiter | None = None
        self._in_flight = 0

    @property
    def traces(self) -> TraceStore:
        """The trace store, opened on first use (``settings.traces_path``, or PostgreSQL)."""
        if self._traces is None:
            from assistant.app import build_trace_store

            self._traces = build_trace_store(self.settings)
        return self._traces

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        # Created lazily: a CapacityLimiter must be made inside a running event loop.
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.settings.api.workers)
        return self._limiter

    def load(self) -> None:
        """Build the assistant from settings (if none was given) and warm it up, once.

        A missing or unusable index does not stop the server: the error is kept and reported
        by ``/readyz`` and by every route that needs the assistant.
        """
        try:
            if self.assistant is None:
                from assistant.app import build_assistant

                self.assistant = build_assistant(self.settings)
            warm_up = getattr(self.assistant, "warm_up", None)
            if callable(warm_up):
                warm_up()
            self.warm = True
            self.load_error = None
        except AssistantError as exc:
            self.load_error = str(exc)
        except Exception as exc:  # noqa: BLE001 - keep serving /healthz and say why in /readyz
            logger.exception("The assistant failed to start")
            self.load_error = (
                f"The assistant failed to start ({type(exc).__name__}: {exc}). "
                "See the server log for details."
            )

    def require_assistant(self) -> Any:
        """The assistant, or a 503 saying why it is not available."""
        if self.assistant is None:
            reason = self.load_error or "The assistant is starting up: try again in a moment."
            raise ApiError(503, "not_ready", reason)
        return self.assistant

    @property
    def officer(self) -> OfficerTools:
        if self._officer is None:
            self._officer = OfficerTools(self.require_assistant())
        return self._officer

    def readiness(self) -> tuple[bool, str | None, dict[str, Any]]:
        """(ready, reason when not, details) for ``/readyz``."""
        if self.assistant is None:
            return False, self.load_error or "The assistant is starting up.", {}
        if not self.warm:
            return False, "Models are warming up.", {}
        ready = getattr(self.assistant, "ready", None)
        if callable(ready):
            result = ready()
            ok, reason = result if isinstance(result, tuple) else (bool(result), None)
            if not ok:
                return False, reason or "The index or the models are not loaded.", {}
        describe = getattr(self.assistant, "describe", None)
        details = describe() if callable(describe) else {}
        return True, None, details if isinstance(details, dict) else {"assistant": str(details)}

    @contextmanager
    def admission(self) -> Iterator[None]:
        """Admit one ask/search request, or refuse it at once with 503 + Retry-After when every
        worker is busy and ``settings.api.max_waiting`` requests already wait (so latency stays
        bounded under overload instead of growing with the queue)."""
        api = self.settings.api
        if self._in_flight >= api.workers + api.max_waiting:
            raise ApiError(
                503,
                "overloaded",
                "The assistant is busy answering other questions: try again in a moment.",
                headers={"Retry-After": "1"},
            )
        self._in_flight += 1  # only touched on the event loop: no lock needed
        try:
            yield
        finally:
            self._in_flight -= 1

    async def run_io(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a short blocking write (traces, feedback) in a thread outside the answering
        limiter, so storing one answer never waits behind the next question being answered."""
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking call in a worker thread, at most ``settings.api.workers`` at once."""
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=self.limiter)


def get_state(request: Request) -> AppState:
    return request.app.state.lga  # type: ignore[no-any-return]
