"""Load shedding: when a request's estimated wait is over ``api.max_wait_s``, ask and search answer
503 with Retry-After at once (bounded latency), and serve normally again after."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from typing import Any

import httpx
import pytest

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.traces import TraceStore
from tests.helpers import SAMPLE_DOCUMENTS, build_index
from ui.api.app import create_app


class Gated:
    """The real Assistant, but ``ask`` and ``search`` wait for ``gate`` (a stuck model)."""

    def __init__(self, inner: Assistant) -> None:
        self.inner = inner
        self.gate = threading.Event()

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        self.gate.wait(30)
        return self.inner.ask(*args, **kwargs)

    def search(self, *args: Any, **kwargs: Any) -> Any:
        self.gate.wait(30)
        return self.inner.search(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("route", ["ask", "search"])
def test_overload_is_a_fast_503_with_retry_after(route: str, tmp_path: Any) -> None:
    gated = Gated(Assistant(build_index(SAMPLE_DOCUMENTS), Settings(vector_store="memory")))
    # Service time 0.25 s (no sample yet): one running (wait 0) and one waiting (0.25 s) are
    # admitted; a third would wait 0.5 s > 0.3 s.
    settings = Settings(api={"workers": 1, "max_wait_s": 0.3})
    app = create_app(
        assistant=gated, settings=settings, traces=TraceStore(tmp_path / "t.db"), chat=False
    )
    state = app.state.lga

    async def call(client: httpx.AsyncClient) -> httpx.Response:
        if route == "ask":
            return await client.post("/api/ask", json={"question": "What is the almanac?"})
        return await client.get("/api/search", params={"q": "benefits tracker"})

    async def scenario() -> tuple[list[httpx.Response], httpx.Response, float, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            admitted = [asyncio.create_task(call(client)) for _ in range(2)]
            deadline = time.monotonic() + 10
            while state.gate.in_flight < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            t0 = time.perf_counter()
            shed = await call(client)
            shed_s = time.perf_counter() - t0
            gated.gate.set()
            done = await asyncio.gather(*admitted)
            after = await call(client)
        return list(done), shed, shed_s, after

    # On a thread of its own: an earlier test (Playwright's sync API) may leave an event loop
    # running on the main thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        done, shed, shed_s, after = pool.submit(asyncio.run, scenario()).result(timeout=60)
    assert shed.status_code == 503
    assert shed.headers["Retry-After"] == "1"
    assert shed.json()["error"]["code"] == "overloaded"
    assert shed_s < 1.0  # refused at once, not after waiting for a worker
    assert [r.status_code for r in done] == [200, 200]
    assert after.status_code == 200
    assert state.gate.in_flight == 0
