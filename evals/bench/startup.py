"""Start-up benchmark (``make bench-startup``): launch ``lga-assistant serve`` on a built index
3 times and time each from launch to the port answering and to ``/readyz`` ready.

    python -m evals.bench.startup                      # cached real-corpus index, 3 runs
    python -m evals.bench.startup --data-dir DIR --runs 5

Each run is a fresh process on a free 127.0.0.1 port, stopped afterwards. Printed per run:
seconds to the port (``/readyz`` answers, 503 while starting) and to ready (200), the server's
CPU seconds until ready (user + system: what the start costs, less sensitive than wall time to
the other processes on a shared machine), and the
server's own split of the time after the port opened (``startup_s`` in ``/readyz``: services =
model, index and suggester; warm_up; chat = importing Gradio and building the page); then the
median and the load average. Target (issue 13): median <= 10 s with a built index. The first
start after an ingest also embeds the catalogue once (kept in ``catalogue-vectors.npz``), so
run it once before timing a fresh index: ``--warm-first``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import psutil

from evals.bench.load import default_data_dir, free_port, load_average, start_server, stop_server


def time_one(data_dir: Path, workers: int | None = None, timeout_s: float = 240) -> dict[str, Any]:
    """One launch: seconds to the port answering and to ``/readyz`` ready, and the server's
    split of the time after the port opened."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/readyz"
    t0 = time.perf_counter()
    proc = start_server(data_dir, port, workers)
    port_open: float | None = None
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with code {proc.returncode}")
            if time.perf_counter() - t0 > timeout_s:
                raise SystemExit(f"the server was not ready after {timeout_s:.0f} s")
            try:
                r = httpx.get(url, timeout=5)
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            port_open = port_open or time.perf_counter() - t0
            if r.status_code == 200:
                ready = time.perf_counter() - t0
                split = r.json().get("details", {}).get("startup_s", {})
                times = psutil.Process(proc.pid).cpu_times()
                cpu = times.user + times.system
                break
            time.sleep(0.05)
    finally:
        stop_server(proc)
    return {
        "port_open_s": round(port_open, 2),
        "ready_s": round(ready, 2),
        "cpu_s": round(cpu, 2),
        "server_s": split,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="A built index (default: cached).")
    parser.add_argument("--runs", type=int, default=3, help="Launches to time (3).")
    parser.add_argument("--workers", type=int, help="LGA_ASSISTANT_API__WORKERS for the server.")
    parser.add_argument("--warm-first", action="store_true", help="One untimed launch first.")
    parser.add_argument("--target", type=float, default=10.0, help="Median target, s (10).")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if args.warm_first:
        time_one(data_dir, args.workers)
    runs = []
    for i in range(args.runs):
        load = load_average()
        run = time_one(data_dir, args.workers)
        run["load_average"] = load
        runs.append(run)
        print(
            f"run {i + 1}: port open {run['port_open_s']:5.2f} s, ready {run['ready_s']:5.2f} s, "
            f"server CPU {run['cpu_s']:5.2f} s"
            f"  server after the port: {run['server_s']}  (load {load})",
            flush=True,
        )
    median = statistics.median(r["ready_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    ok = median <= args.target
    print(
        f"start to /readyz ready: median {median:.2f} s of {len(runs)}, server CPU median "
        f"{cpu:.2f} s "
        f"({'PASS' if ok else 'FAIL'} <= {args.target:g} s; load now {load_average()})"
    )
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "median_ready_s": median}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
