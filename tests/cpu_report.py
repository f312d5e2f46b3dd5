"""A pytest plugin that says where a run's CPU time goes (not wall time: the development machine
is shared, and its load makes wall times swing several-fold).

    .venv/bin/python -m pytest -p tests.cpu_report -m "not e2e and not integration and not slow"

prints, at the end: the process's CPU seconds in all, up to the end of collection, per test file
(collection = importing it; run = its tests' set-up, call and tear-down) and the slowest tests.
A test's figure includes what it imports first (the first test to draw a chart pays for
matplotlib). CPU time of subprocesses is not counted.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator

import pytest

_START = time.process_time()
_COLLECT: dict[str, float] = defaultdict(float)
_RUN: dict[str, float] = defaultdict(float)
_TESTS: dict[str, float] = {}
_COLLECTED: list[float] = []


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    start = time.process_time()
    try:
        return (yield)
    finally:
        if isinstance(collector, pytest.Module):
            _COLLECT[collector.nodeid] += time.process_time() - start


def pytest_collection_finish(session: pytest.Session) -> None:
    _COLLECTED.append(time.process_time() - _START)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    start = time.process_time()
    try:
        return (yield)
    finally:
        spent = time.process_time() - start
        _RUN[item.nodeid.split("::")[0]] += spent
        _TESTS[item.nodeid] = spent


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    write = terminalreporter.write_line
    total = time.process_time() - _START
    collected = _COLLECTED[0] if _COLLECTED else 0.0
    terminalreporter.section("CPU time (tests/cpu_report.py)")
    write(f"{total:.1f} s CPU in all, {collected:.1f} s of it up to the end of collection")
    files = sorted(set(_RUN) | set(_COLLECT), key=lambda f: -(_RUN[f] + _COLLECT[f]))
    for name in files[:25]:
        write(f"{_RUN[name] + _COLLECT[name]:6.2f} s  (collect {_COLLECT[name]:5.2f})  {name}")
    write("slowest tests:")
    for nodeid, spent in sorted(_TESTS.items(), key=lambda kv: -kv[1])[:15]:
        write(f"{spent:6.2f} s  {nodeid}")
