"""Library noise captured into the ingest report instead of leaking to stderr.

pypdf logs "invalid pdf header" or "EOF marker not found" through ``logging`` (Python's
last-resort handler prints them to stderr) and other parsers raise ``warnings``; beside our own
progress bar and report they read as errors with no file name. ``captured_notes`` collects them
while one file is loaded, so the report can show them on that file's line.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

# Loggers of the parsing libraries the loaders use.
LIBRARY_LOGGERS = ("pypdf", "docx", "bs4")
MAX_NOTE_CHARS = 160


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def summarise(messages: list[str]) -> tuple[str, ...]:
    """One line per distinct message, in first-seen order, with a count when repeated."""
    counts = Counter(" ".join(m.split())[:MAX_NOTE_CHARS] for m in messages if m.strip())
    return tuple(f"{m} (x{n})" if n > 1 else m for m, n in counts.items())


@contextmanager
def captured_notes() -> Iterator[list[str]]:
    """Collect the parsing libraries' log warnings and Python warnings raised inside the block.

    Loading runs on one helper thread, so a file's notes are its own."""
    sink: list[str] = []
    handler = _Collect(sink)
    loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.propagate = False
        if lg.level == logging.NOTSET or lg.level > logging.WARNING:
            lg.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield sink
            finally:
                sink.extend(str(w.message) for w in caught)
    finally:
        for lg, (propagate, level) in zip(loggers, saved, strict=True):
            lg.removeHandler(handler)
            lg.propagate = propagate
            lg.setLevel(level)
