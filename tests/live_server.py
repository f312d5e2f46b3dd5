"""Servers for tests on 127.0.0.1, started one way: a free port, waiting until a URL answers,
an ASGI app served by uvicorn in a background thread, and stopping a server process.

API (``from tests.live_server import ...``):

- ``free_port() -> int``: a loopback port nothing listens on (now).
- ``wait_until_up(url, *, timeout=30, proc=None, log=None, interval=0.1)``: poll ``url`` until it
  answers 2xx; ``RuntimeError`` when ``timeout`` passes or ``proc`` (a server process) exits
  first, with the tail of ``log`` when given.
- ``LiveServer(app, *, path="/healthz", timeout=30)``: uvicorn serving ``app`` in a thread,
  as a context manager (``with LiveServer(app) as live: httpx.get(live.url + ...)``).
- ``stop_process(proc, timeout=15)``: terminate a server process, kill it if it lingers.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    """A loopback port nothing listens on at the moment of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str,
    *,
    timeout: float = 30.0,
    proc: subprocess.Popen[Any] | None = None,
    log: Path | None = None,
    interval: float = 0.1,
) -> None:
    """Return once ``url`` answers with a 2xx status; raise ``RuntimeError`` when ``timeout``
    seconds pass, or at once when ``proc`` exits (a server that failed to start)."""

    def tail() -> str:
        return f"; see {log}:\n{log.read_text(errors='replace')[-3000:]}" if log else ""

    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"the server exited ({proc.returncode}) before {url} answered{tail()}"
            )
        try:
            if httpx.get(url, timeout=5.0).is_success:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s{tail()}")
        time.sleep(interval)


class LiveServer:
    """uvicorn serving ``app`` on a free loopback port in a background thread."""

    def __init__(self, app: Any, *, path: str = "/healthz", timeout: float = 30.0) -> None:
        import uvicorn

        self.app = app
        self.port = free_port()
        self._path = path
        self._timeout = timeout
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        wait_until_up(self.url + self._path, timeout=self._timeout, interval=0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def stop_process(proc: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    """Terminate a server process (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
