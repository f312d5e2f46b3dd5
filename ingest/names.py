"""File names that are not valid UTF-8, made safe to store and show.

On POSIX a file name is bytes; Python decodes the bytes that are not UTF-8 (a Latin-1 ``café``
has the lone byte 0xE9) to "surrogate escapes" (``'caf\\udce9'``), which SQLite, Chroma, JSON and
the terminal all refuse to encode. ``safe_name`` spells such a name with ``%XX`` for each raw
byte (and ``%25`` for a literal ``%`` in that name), so it is plain UTF-8 and reversible:
``restore_name(safe_name(s)) == s``. Names that are valid UTF-8 are returned unchanged, so
existing document ids never move.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote_to_bytes

_SURROGATE_LOW, _SURROGATE_HIGH = 0xDC80, 0xDCFF


def is_undecodable(text: str) -> bool:
    """True when ``text`` holds surrogate escapes (bytes of a name that were not UTF-8)."""
    return any(_SURROGATE_LOW <= ord(ch) <= _SURROGATE_HIGH for ch in text)


def _escape_part(part: str) -> str:
    if not is_undecodable(part):
        return part
    out = []
    for ch in part:
        code = ord(ch)
        if _SURROGATE_LOW <= code <= _SURROGATE_HIGH:
            out.append(f"%{code - 0xDC00:02X}")
        elif ch == "%":
            out.append("%25")
        else:
            out.append(ch)
    return "".join(out)


def safe_name(text: str) -> str:
    """``text`` (a path or id, ``/``-separated) with each undecodable component escaped."""
    if not is_undecodable(text):
        return text
    return "/".join(_escape_part(part) for part in text.split("/"))


def restore_name(text: str) -> str:
    """The original name of a ``safe_name`` result.

    A component was escaped when its ``%XX`` decode is not UTF-8 (it held a raw byte); any other
    component is kept as it is, so names that never needed escaping come back unchanged."""
    parts = []
    for part in text.split("/"):
        if "%" in part:
            raw = unquote_to_bytes(part)
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                part = os.fsdecode(raw)
        parts.append(part)
    return "/".join(parts)


def safe_path(path: Path | str) -> str:
    """A path as text that can be stored and printed (see ``safe_name``)."""
    return safe_name(str(path))


def readable_stem(path: Path) -> str:
    """The file's stem for a title: undecodable bytes read as Windows-1252 (what a Latin-1 name
    most likely is), so ``caf\\xe9-report`` reads ``café-report``."""
    return "".join(
        bytes([ord(ch) - 0xDC00]).decode("cp1252", errors="replace")
        if _SURROGATE_LOW <= ord(ch) <= _SURROGATE_HIGH
        else ch
        for ch in path.stem
    )
