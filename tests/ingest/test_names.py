"""Undecodable file names become safe, reversible text (#15.1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.names import readable_stem, restore_name, safe_name


@pytest.mark.parametrize(
    "raw",
    [b"docs/caf\xe9.md", b"docs/50%-caf\xe9.md", b"d\xf6cs/a/b\xff.txt", b"docs/na\xc3\xafve.md"],
)
def test_safe_name_is_utf8_and_round_trips(raw: bytes) -> None:
    name = os.fsdecode(raw)
    safe = safe_name(name)
    safe.encode("utf-8")  # storable and printable
    assert restore_name(safe) == name
    assert os.fsencode(restore_name(safe)) == raw


def test_valid_names_are_unchanged() -> None:
    for name in ("docs/report.md", "docs/naïve 50%.md", "docs/a%20b.md"):
        assert safe_name(name) == name
        assert restore_name(name) == name


def test_readable_stem_reads_latin1_bytes() -> None:
    assert readable_stem(Path(os.fsdecode(b"caf\xe9-report.md"))) == "café-report"
