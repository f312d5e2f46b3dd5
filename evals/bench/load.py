"""Load benchmark: concurrent clients against ``/api/ask`` and ``/api/ask/stream`` on loopback,
bounded and self-stopping, plus start-up time.

    python -m evals.bench.load                 # the whole set below (make bench-load)
    python -m evals.bench.load --only 50       # one scenario (startup, 2, 50 or 200)
    python -m evals.bench.load --clients 20 --duration 30   # a custom closed-loop run

Starts ``lga-assistant serve`` (real model, chat UI included, as deployed) on a free 127.0.0.1
port with a data dir ingested from ``corpus/`` and ``../shared/corpus`` (cached in the temp
dir; or ``--data-dir``). Scenarios (issue 13's targets):

- start-up: start the server 3 times, time from launch to ``/readyz`` ready (median <= 10 s);
- 2 clients x 30 s, closed loop, mixed ask / stream: the reference throughput;
- 50 clients x 60 s, mixed: 0 errors, 0 x 503, p95 <= 3 s, throughput >= 0.9 x 2 clients';
- 200 clients x 30 s, mixed: no 5xx other than 503, every 503 has Retry-After, admitted p95
  <= ``api.max_wait_s`` + 1 s, server RSS <= 1.5 GB.

Every request has a timeout, each run stops at its deadline (and after at most
``--max-requests``), a refused client waits its Retry-After, and the server is stopped at the
end. Traffic goes to 127.0.0.1 only. The load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    no_retry_after: int = 0  # 503s without a Retry-After header
    stream_errors: int = 0  # 200 streams that ended with an error event (or no done event)

    @property
    def ok(self) -> int:
        return self.statuses["200"]

    @property
    def shed(self) -> int:
        return self.statuses["503"]

    @property
    def errors(self) -> int:
        others = sum(n for s, n in self.statuses.items() if s not in ("200", "503"))
        return others + self.stream_errors

    @property
    def server_errors_other_than_503(self) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith("5") and s != "503")

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


async def _ask_once(http: httpx.AsyncClient, question: str, stream: bool) -> httpx.Response:
    """One question, as JSON or as a stream read to its end; a failed stream is a 599."""
    body = {"question": question}
    if not stream:
        return await http.post("/api/ask", json=body)
    async with http.stream("POST", "/api/ask/stream", json=body) as r:
        if r.status_code != 200:
            await r.aread()
            return r
        last = ""
        async for line in r.aiter_lines():
            if line.startswith("event: "):
                last = line[7:]
        if last != "done":
            return httpx.Response(599, request=r.request)
        return r


async def run_clients(
    url: str,
    clients: int,
    duration_s: float,
    max_requests: int,
    timeout_s: float,
    *,
    mixed: bool = True,
) -> Stats:
    """``clients`` closed-loop clients until ``duration_s`` passes or ``max_requests`` are sent;
    with ``mixed``, every other request of a client is a stream."""
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
                stream = mixed and (i + worker) % 2 == 1
                i += 1
                t0 = time.perf_counter()
                try:
                    r = await _ask_once(http, question, stream)
                    status = str(r.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                elapsed = (time.perf_counter() - t0) * 1000
                if status == "599":
                    stats.stream_errors += 1
                    continue
                stats.statuses[status] += 1
                if status == "200":
                    stats.latencies_ms.append(elapsed)
                elif status == "503":
                    header = r.headers.get("Retry-After")
                    if header is None:
                        stats.no_retry_after += 1
                    retry = float(header or 1)
                    await asyncio.sleep(min(retry, max(0.0, deadline - time.perf_counter())))

        await asyncio.gather(*(client(w) for w in range(clients)))
        stats.finished = time.perf_counter()
    return stats


def summary(label: str, stats: Stats) -> dict[str, object]:
    elapsed = max(stats.finished - stats.started, 1e-9)
    return {
        "run": label,
        "requests": sum(stats.statuses.values()) + stats.stream_errors,
        "ok": stats.ok,
        "errors": stats.errors,
        "shed_503": stats.shed,
        "503_without_retry_after": stats.no_retry_after,
        "5xx_other_than_503": stats.server_errors_other_than_503,
        "throughput_rps": round(stats.ok / elapsed, 2),
        "p50_ms": round(stats.pct(50), 1),
        "p95_ms": round(stats.pct(95), 1),
        "p99_ms": round(stats.pct(99), 1),
        "statuses": dict(stats.statuses),
    }


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (MiB)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class RssWatch:
    """Samples the server's RSS every 0.5 s on a thread; ``peak`` in MiB."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = False
        self._thread: Any = None

    def __enter__(self) -> RssWatch:
        import threading

        def sample() -> None:
            while not self._stop and self.pid:
                self.peak = max(self.peak, rss_mb(self.pid))
                time.sleep(0.5)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._thread.join(timeout=2)


def print_table(results: Sequence[dict[str, Any]]) -> None:
    print(f"{'':14}{'requests':>9}{'ok':>7}{'errors':>7}{'503':>6}{'req/s':>8}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")  # fmt: skip
    for r in results:
        print(
            f"{r['run']:<14}{r['requests']:>9}{r['ok']:>7}{r['errors']:>7}{r['shed_503']:>6}"
            f"{r['throughput_rps']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}"
            f"   load {r.get('load_average', '')}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", choices=["startup", "2", "50", "200"], action="append",
        help="Run only these scenarios (repeatable; default: all).",
    )  # fmt: skip
    parser.add_argument("--clients", type=int, help="A custom run: this many clients.")
    parser.add_argument("--duration", type=float, default=60.0, help="Custom run seconds (60).")
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply scenario durations.")
    parser.add_argument("--max-requests", type=int, default=20_000, help="Hard request cap.")
    parser.add_argument("--timeout", type=float, default=120.0, help="Per-request timeout (s).")
    parser.add_argument("--data-dir", type=Path, help="An existing index (default: cached).")
    parser.add_argument("--workers", type=int, help="LGA_ASSISTANT_API__WORKERS for the server.")
    parser.add_argument("--max-wait", type=float, default=10.0, help="api.max_wait_s (10).")
    parser.add_argument("--url", help="Use a server already running on loopback instead.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("--url must be a loopback address (127.0.0.1, localhost or [::1])")
    os.environ["LGA_ASSISTANT_API__MAX_WAIT_S"] = str(args.max_wait)
    only = set(args.only or ["startup", "2", "50", "200"])
    if args.clients:
        only = {"custom"}
    report: dict[str, Any] = {"load_average_at_start": load_average()}
    checks: list[tuple[str, bool]] = []
    data_dir = None if args.url else (args.data_dir or default_data_dir())

    if "startup" in only and data_dir is not None:
        from evals.bench.startup import time_one

        runs = [time_one(data_dir, args.workers) for _ in range(3)]
        median = statistics.median(r["ready_s"] for r in runs)
        report["startup"] = {"runs": runs, "median_ready_s": median, "load": load_average()}
        print(f"start-up to /readyz: {runs} -> median {median:.1f} s (load {load_average()})")
        checks.append(("start to /readyz median <= 10 s", median <= 10))
        only.discard("startup")
    if not only:
        return _finish(report, checks, args.json)

    proc = None
    url = args.url
    if url is None:
        assert data_dir is not None
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        print(f"starting the server on {url} (data: {data_dir})", flush=True)
        proc = start_server(data_dir, port, args.workers)
    results: list[dict[str, Any]] = []

    def run(label: str, clients: int, duration: float) -> dict[str, Any]:
        with RssWatch(proc.pid if proc else None) as rss:
            stats = asyncio.run(
                run_clients(url, clients, duration, args.max_requests, args.timeout)
            )
        r = summary(label, stats)
        r["load_average"] = load_average()
        r["peak_rss_mb"] = round(rss.peak, 1)
        results.append(r)
        print_table([r])
        return r

    try:
        ready = wait_ready(url, proc) if proc else httpx.get(f"{url}/readyz").json()
        details = ready.get("details", {})
        print(f"ready: {details.get('chunks')} chunks, {details.get('embedding_model')}")
        for q in QUESTIONS:  # one pass warms the caches the way a running server would be
            httpx.post(f"{url}/api/ask", json={"question": q}, timeout=args.timeout)
        if "custom" in only:
            run(f"{args.clients} clients", args.clients, args.duration)
        two = run("2 clients", 2, 30 * args.scale) if {"2", "50"} & only else None
        if "50" in only:
            r = run("50 clients", 50, 60 * args.scale)
            checks += [
                ("50 clients: 0 errors", r["errors"] == 0),
                ("50 clients: 0 x 503", r["shed_503"] == 0),
                ("50 clients: p95 <= 3 s", r["p95_ms"] <= 3000),
            ]
            if two:
                ratio = r["throughput_rps"] / max(two["throughput_rps"], 1e-9)
                r["throughput_vs_2_clients"] = round(ratio, 2)
                print(f"50-client throughput / 2-client throughput = {ratio:.2f} (>= 0.9)")
                checks.append(("50 clients: throughput >= 0.9 x 2 clients'", ratio >= 0.9))
        if "200" in only:
            r = run("200 clients", 200, 30 * args.scale)
            checks += [
                ("200 clients: no 5xx other than 503", r["5xx_other_than_503"] == 0),
                ("200 clients: every 503 has Retry-After", r["503_without_retry_after"] == 0),
                ("200 clients: admitted p95 <= max_wait_s + 1 s",
                 r["p95_ms"] <= (args.max_wait + 1) * 1000),
                ("200 clients: RSS <= 1.5 GB", 0 < r["peak_rss_mb"] <= 1536 or proc is None),
            ]  # fmt: skip
            print(f"peak server RSS {r['peak_rss_mb']} MiB")
    finally:
        if proc is not None:
            stop_server(proc)
    report["runs"] = results
    return _finish(report, checks, args.json)


def _finish(report: dict[str, Any], checks: list[tuple[str, bool]], path: Path | None) -> int:
    if checks:
        print("\nTargets:")
        for name, ok in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    report["checks"] = {name: ok for name, ok in checks}
    if path:
        path.write_text(json.dumps(report, indent=2))
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
