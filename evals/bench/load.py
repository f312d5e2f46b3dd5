"""Load benchmark: N concurrent clients against ``/api/ask`` on loopback, bounded and
self-stopping.

    python -m evals.bench.load                         # 50 clients for 60 s
    python -m evals.bench.load --clients 20 --duration 30 --data-dir data

Starts ``lga-assistant serve`` (real model, chat UI included, as deployed) on a free 127.0.0.1
port with a data dir ingested from ``corpus/`` and ``../shared/corpus`` (cached in the temp
dir; or ``--data-dir``), waits for ``/readyz``, measures the single-user p95 first (one client,
sequential), then runs ``--clients`` closed-loop clients for ``--duration`` seconds over a fixed
question list. Every request has a timeout, the run stops at the deadline (and after at most
``--max-requests``), and the server is stopped at the end. Traffic goes to 127.0.0.1 only.

Prints throughput, p50/p95/p99 latency, error count (non-2xx other than 503, and transport
errors), shed count (503 with Retry-After: the server is over its queue bound and says when to
come back) and the ratio of the loaded p95 to the single-user p95 (target: <= 3, 0 errors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from assistant.settings import PROJECT_ROOT

QUESTIONS = (
    "What is the Transformation and Innovation Exchange?",
    "What are the 7Cs conditions for success?",
    "What is the digitalisation almanac for?",
    "How can a council keep service quality up while making efficiencies?",
    "How should a council govern an arm's length delivery company?",
    "How can I get political colleagues to back digitally enabled change?",
    "What support does the LGA offer councils for transformation?",
    "How have councils used artificial intelligence in adult social care?",
    "What is a benefits realisation tracker?",
    "How do councils involve residents in redesigning services?",
)


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    started: float = 0.0
    finished: float = 0.0

    @property
    def ok(self) -> int:
        return self.statuses["200"]

    @property
    def shed(self) -> int:
        return self.statuses["503"]

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s not in ("200", "503"))

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def default_data_dir() -> Path:
    """A data dir with the project's catalogue and the shared corpus ingested (cached)."""
    from evals.bench.query import CACHE, real_settings

    CACHE.mkdir(parents=True, exist_ok=True)
    return real_settings(None).data_dir


def start_server(data_dir: Path, port: int, workers: int | None) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        TOKENIZERS_PARALLELISM="false",
    )
    if workers:
        env["LGA_ASSISTANT_API__WORKERS"] = str(workers)
    cmd = [sys.executable, "-m", "ui.cli", "serve", "--data-dir", str(data_dir)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, start_new_session=True)


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 240) -> dict:
    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            r = httpx.get(f"{url}/readyz", timeout=5)
            if r.status_code == 200:
                return r.json()  # type: ignore[no-any-return]
            last = r.text
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise SystemExit(f"the server was not ready after {timeout_s:.0f} s: {last}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


async def run_clients(
    url: str, clients: int, duration_s: float, max_requests: int, timeout_s: float
) -> Stats:
    """``clients`` closed-loop clients until ``duration_s`` passes or ``max_requests`` are sent."""
    stats = Stats()
    sent = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=timeout_s, limits=limits) as http:
        stats.started = time.perf_counter()
        deadline = stats.started + duration_s

        async def client(worker: int) -> None:
            nonlocal sent
            i = worker
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = await http.post("/api/ask", json={"question": question})
                    status = str(r.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                elapsed = (time.perf_counter() - t0) * 1000
                stats.statuses[status] += 1
                if status == "200":
                    stats.latencies_ms.append(elapsed)
                elif status == "503":
                    retry = float(r.headers.get("Retry-After", "1") or 1)
                    await asyncio.sleep(min(retry, max(0.0, deadline - time.perf_counter())))

        await asyncio.gather(*(client(w) for w in range(clients)))
        stats.finished = time.perf_counter()
    return stats


def summary(label: str, stats: Stats) -> dict[str, object]:
    elapsed = max(stats.finished - stats.started, 1e-9)
    return {
        "run": label,
        "requests": sum(stats.statuses.values()),
        "ok": stats.ok,
        "errors": stats.errors,
        "shed_503": stats.shed,
        "throughput_rps": round(stats.ok / elapsed, 2),
        "p50_ms": round(stats.pct(50), 1),
        "p95_ms": round(stats.pct(95), 1),
        "p99_ms": round(stats.pct(99), 1),
        "statuses": dict(stats.statuses),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients (50).")
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load (60).")
    parser.add_argument("--single", type=int, default=20, help="Single-user requests (20).")
    parser.add_argument("--max-requests", type=int, default=20_000, help="Hard request cap.")
    parser.add_argument("--timeout", type=float, default=120.0, help="Per-request timeout (s).")
    parser.add_argument("--data-dir", type=Path, help="An existing index (default: cached).")
    parser.add_argument("--workers", type=int, help="LGA_ASSISTANT_API__WORKERS for the server.")
    parser.add_argument("--url", help="Use a server already running on loopback instead.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("--url must be a loopback address (127.0.0.1, localhost or [::1])")

    proc = None
    url = args.url
    if url is None:
        data_dir = args.data_dir or default_data_dir()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        print(f"starting the server on {url} (data: {data_dir})", flush=True)
        proc = start_server(data_dir, port, args.workers)
    try:
        ready = wait_ready(url, proc) if proc else httpx.get(f"{url}/readyz").json()
        details = ready.get("details", {})
        print(f"ready: {details.get('chunks')} chunks, {details.get('embedding_model')}")
        for q in QUESTIONS:  # one pass warms the caches the way a running server would be
            httpx.post(f"{url}/api/ask", json={"question": q}, timeout=args.timeout)
        single = asyncio.run(run_clients(url, 1, 3600, args.single, args.timeout))
        loaded = asyncio.run(
            run_clients(url, args.clients, args.duration, args.max_requests, args.timeout)
        )
    finally:
        if proc is not None:
            stop_server(proc)
    results = [summary("single user", single), summary(f"{args.clients} clients", loaded)]
    ratio = results[1]["p95_ms"] / results[0]["p95_ms"]  # type: ignore[operator]
    print(f"\nLoad benchmark: {args.clients} clients x {args.duration:.0f} s on {url}")
    print(f"{'':14}{'requests':>9}{'ok':>7}{'errors':>7}{'503':>6}{'req/s':>8}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")  # fmt: skip
    for r in results:
        print(
            f"{r['run']:<14}{r['requests']:>9}{r['ok']:>7}{r['errors']:>7}{r['shed_503']:>6}"
            f"{r['throughput_rps']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}"
        )
    print(
        f"loaded p95 / single-user p95 = {ratio:.2f} (target <= 3); errors = {results[1]['errors']}"
    )
    if args.json:
        args.json.write_text(json.dumps({"results": results, "p95_ratio": ratio}, indent=2))
    return 0 if results[1]["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
