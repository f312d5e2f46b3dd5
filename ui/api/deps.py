"""Dependencies shared by the routers: settings, the app state (assistant, traces), threads.

``get_settings`` is the one place the API reads settings from the environment. The
``AppState`` holds the Assistant built once at start-up, the trace store, the admission gate
(``ui.api.admission``) and a limiter so that blocking assistant calls run in worker threads,
never on the event loop. ``admitted`` is the one admission dependency: every route that computes
an answer or a search takes its ``Ticket`` and computes with ``state.compute(ticket, ...)``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Request

from assistant.errors import AssistantError
from assistant.ports import AssistantService, OfficerService
from assistant.settings import Settings
from assistant.traces import TraceStore
from ui.api.admission import AdmissionGate, Refused, Ticket
from ui.api.errors import ApiError

if TYPE_CHECKING:
    from assistant.index import Index

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
        assistant: AssistantService | None = None,
        traces: TraceStore | None = None,
        officer: OfficerService | None = None,
    ) -> None:
        self.settings = settings
        self.assistant = assistant
        self.index: Index | None = None  # set when the services are built here (admin ingest)
        self.load_error: str | None = None
        self.warm = False
        # The chat UI: None when the app has none, False while it is being built.
        self.chat_ready: bool | None = None
        self.chat_error: str | None = None
        # Seconds each start-up step took (services, warm_up, chat): in /readyz's details.
        self.startup_s: dict[str, float] = {}
        self._traces = traces
        self._officer = officer
        self.ingest_lock = threading.Lock()
        self._limiter: anyio.CapacityLimiter | None = None
        self.gate = AdmissionGate(settings.api.workers, settings.api.max_wait_s)

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

    def load(self, index: Index | None = None) -> None:
        """Build the services from settings (if no assistant was given) and warm up, once.

        The assistant and the officer tools come from the composition root together, over one
        index. A missing or unusable index does not stop the server: the error is kept and
        reported by ``/readyz`` and by every route that needs the assistant.
        """
        try:
            start = time.perf_counter()
            if self.assistant is None:
                from assistant.app import build_services

                services = build_services(self.settings, index=index)
                self.assistant, self.index = services.assistant, services.index
                if self._officer is None:
                    self._officer = services.officer
                self.startup_s["services"] = round(time.perf_counter() - start, 2)
            start = time.perf_counter()
            self.assistant.warm_up()
            self.startup_s["warm_up"] = round(time.perf_counter() - start, 2)
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

    def require_assistant(self) -> AssistantService:
        """The assistant, or a 503 saying why it is not available."""
        if self.assistant is None:
            reason = self.load_error or "The assistant is starting up: try again in a moment."
            raise ApiError(503, "not_ready", reason)
        return self.assistant

    @property
    def officer(self) -> OfficerService:
        """The officer tools, or a 503 saying why they are not available."""
        if self._officer is None:
            self.require_assistant()  # not loaded yet: say why
            raise ApiError(
                503,
                "no_catalogue",
                f"The officer tools need the project's catalogue at {self.settings.corpus_dir}: "
                "set LGA_ASSISTANT_CORPUS_DIR.",
            )
        return self._officer

    @property
    def officer_loaded(self) -> OfficerService | None:
        """The officer tools if they are built (never raises)."""
        return self._officer

    def readiness(self) -> tuple[bool, str | None, dict[str, Any]]:
        """(ready, reason when not, details) for ``/readyz``."""
        if self.assistant is None:
            return False, self.load_error or "The assistant is starting up.", {}
        if not self.warm:
            return False, "Models are warming up.", {}
        if not self.assistant.ready():
            return False, "The index or the models are not loaded.", {}
        if self.chat_error:
            return False, self.chat_error, {}
        if self.chat_ready is False:
            return False, "The chat UI is starting.", {}
        return True, None, {**self.assistant.describe(), "startup_s": self.startup_s}

    @contextmanager
    def admission(self) -> Iterator[Ticket]:
        """Admit one request that computes an answer or a search, or refuse it at once with
        503 + ``Retry-After`` (the estimated wait) when that wait is over
        ``settings.api.max_wait_s`` (see ``ui.api.admission``)."""
        try:
            ticket = self.gate.admit()
        except Refused as refused:
            raise busy_error(refused.retry_after) from None
        try:
            yield ticket
        finally:
            self.drop_worker(ticket)
            self.gate.release(ticket)

    async def hold_worker(self, ticket: Ticket) -> None:
        """Take a worker for ``ticket`` until it is released (a stream: its steps then do not
        queue again behind every waiting request, one step at a time). Its service time is
        the time it held the worker."""
        if ticket.held_since is None:
            await self.limiter.acquire_on_behalf_of(ticket)
            ticket.held_since = time.perf_counter()

    def drop_worker(self, ticket: Ticket) -> None:
        """Give back the worker ``hold_worker`` took (on the event loop; idempotent)."""
        if ticket.held_since is not None:
            ticket.busy_s = max(ticket.busy_s, time.perf_counter() - ticket.held_since)
            ticket.held_since = None
            self.limiter.release_on_behalf_of(ticket)

    def hold_worker_blocking(self, ticket: Ticket) -> None:
        """``hold_worker`` from a worker thread (the chat); a no-op outside a server."""
        with suppress(anyio.NoEventLoopError):
            anyio.from_thread.run(self.hold_worker, ticket)

    def release_blocking(self, ticket: Ticket) -> None:
        """Give back the chat's worker and its place in the gate, from a worker thread."""
        try:
            if ticket.held_since is not None:
                anyio.from_thread.run_sync(self.drop_worker, ticket)
        except anyio.NoEventLoopError:
            pass
        finally:
            self.gate.release(ticket)

    async def compute(self, ticket: Ticket, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``run`` for an admitted request: its time on a worker is its service time."""

        def timed() -> T:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                ticket.busy_s += time.perf_counter() - start

        if ticket.held_since is not None:  # already holds a worker (a stream)
            return await anyio.to_thread.run_sync(timed)
        return await anyio.to_thread.run_sync(timed, limiter=self.limiter)

    def compute_blocking(
        self, ticket: Ticket, fn: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T:
        """``compute`` from a worker thread (the chat's handlers): the call waits for the same
        workers as the API's. Outside a server (unit tests) it runs here."""
        try:
            return anyio.from_thread.run(partial(self.compute, ticket, fn, *args, **kwargs))
        except anyio.NoEventLoopError:
            pass  # not in a server's worker thread
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            ticket.busy_s += time.perf_counter() - start

    async def run_io(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a short blocking write (traces, feedback) in a thread outside the answering
        limiter, so storing one answer never waits behind the next question being answered."""
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking call in a worker thread, at most ``settings.api.workers`` at once."""
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=self.limiter)


def get_state(request: Request) -> AppState:
    return request.app.state.lga  # type: ignore[no-any-return]


def busy_error(retry_after: int) -> ApiError:
    """The 503 of a refused request, with the estimated wait as ``Retry-After``."""
    return ApiError(
        503,
        "overloaded",
        f"The assistant is busy answering other questions: try again in {retry_after} s.",
        headers={"Retry-After": str(retry_after)},
    )


async def admitted(request: Request) -> AsyncIterator[Ticket]:
    """The admission dependency of every route that computes an answer or a search.

    The ticket is held until the response has been sent (FastAPI runs this dependency's exit
    after the response), so a stream holds its place while it computes and gives it back when
    it ends, fails or its client goes away.
    """
    with get_state(request).admission() as ticket:
        yield ticket
