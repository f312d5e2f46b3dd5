"""Evidence packs: an answer, its peer case studies, resources, next steps and references.

``build_pack(answer, cases, fmt="docx" | "md")`` renders one pack to bytes; ``write_pack`` writes
bytes atomically (temporary file in the same folder, then rename), so a reader never sees half
a file. The layout is built once (``outline.pack_outline``, a pure function) and rendered twice:
``markdown.render_markdown`` and ``docx.render_docx``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import InputError, StorageError
from assistant.officer.pack.assessment import build_assessment_pack
from assistant.officer.pack.docx import render_docx
from assistant.officer.pack.markdown import render_markdown
from assistant.officer.pack.outline import PackCase, PackOutline, Reference, pack_outline
from assistant.officer.types import CaseResult, PackFormat
from assistant.types import Answer

PACK_FORMATS: tuple[PackFormat, ...] = ("docx", "md")


def build_pack(
    answer: Answer, cases: Sequence[CaseResult] = (), *, fmt: PackFormat = "docx"
) -> bytes:
    """Render the evidence pack for ``answer`` (plus extra ``cases``) as DOCX or Markdown bytes."""
    outline = pack_outline(answer, cases)
    if fmt == "md":
        return render_markdown(outline).encode("utf-8")
    if fmt == "docx":
        return render_docx(outline)
    raise InputError(f"Unknown pack format {fmt!r}: use one of {', '.join(PACK_FORMATS)}.")


def pack_format_for(path: Path) -> PackFormat:
    """The format implied by a file name (``.docx`` or ``.md``); InputError otherwise."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "markdown":
        suffix = "md"
    if suffix not in PACK_FORMATS:
        raise InputError(
            f"Cannot tell the pack format from {path.name!r}: end the file name with .docx or .md."
        )
    return suffix  # type: ignore[return-value]


def write_pack(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError(
            f"Cannot write the evidence pack to {path} ({exc}): choose a writable path with --out."
        ) from exc
    return path


__all__ = [
    "PACK_FORMATS",
    "PackCase",
    "PackFormat",
    "PackOutline",
    "Reference",
    "build_assessment_pack",
    "build_pack",
    "pack_format_for",
    "pack_outline",
    "render_docx",
    "render_markdown",
    "write_pack",
]
