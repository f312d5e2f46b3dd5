"""Document loaders: one per format, each turning a file into a ``Document`` of blocks.

``load_document`` checks the file (format, size, permissions), dispatches by extension and
applies ``sources.csv`` overrides. Every failure is an ``IngestError`` subclass whose message
says what is wrong and what to do; library exceptions never escape.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from assistant.errors import (
    CorruptFileError,
    EmptyDocumentError,
    FileTooLargeError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from assistant.types import Document
from ingest.loaders._common import METADATA_KEYS, assemble_blocks, build_document, decode_text
from ingest.loaders.docx import parse_docx
from ingest.loaders.html import parse_html
from ingest.loaders.pdf import parse_pdf
from ingest.loaders.text import (
    drop_maintainer_sections,
    front_matter_metadata,
    parse_markdown,
    parse_plain_text,
    split_front_matter,
)

__all__ = ["SUPPORTED_EXTENSIONS", "SOURCES_CSV", "load_document", "read_sources_csv"]

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".pdf", ".html", ".htm", ".md", ".markdown", ".txt", ".docx"}
)
SOURCES_CSV = "sources.csv"


def _human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def load_document(
    path: Path,
    *,
    doc_id: str,
    overrides: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
) -> Document:
    """Load one file into a ``Document``.

    ``overrides`` (a ``sources.csv`` row: title, publisher, doc_type, published, url) win over
    metadata found in the file. Raises an ``IngestError`` subclass when the file cannot be used.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise UnsupportedFormatError(
            f"{path.name}: unsupported file type '{suffix or '(none)'}'; convert it to one of "
            f"{supported} or remove it from the folder."
        )
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise FileTooLargeError(
                f"{path.name}: {_human_size(size)} is over the {_human_size(max_bytes)} limit; split "
                "the file or raise LGA_ASSISTANT_INGEST__MAX_FILE_MB and re-run."
            )
        if size == 0:
            raise EmptyDocumentError(f"{path.name}: the file is empty; add content or remove it.")
        data = path.read_bytes()
    except PermissionError as exc:
        raise UnreadableFileError(
            f"{path.name}: permission denied; make the file readable (chmod +r) and re-run."
        ) from exc
    except IsADirectoryError as exc:
        raise UnreadableFileError(f"{path.name}: is a directory, not a file; remove it.") from exc
    except OSError as exc:
        raise UnreadableFileError(
            f"{path.name}: cannot be read ({exc.strerror or exc}); check the file and re-run."
        ) from exc
    if not data.strip():
        raise EmptyDocumentError(
            f"{path.name}: the file holds only whitespace; add content or remove it."
        )

    extra: tuple[tuple[str, str], ...] = ()
    inferred: dict[str, str | None]
    if suffix == ".pdf":
        raw, inferred = parse_pdf(data, path)
    elif suffix == ".docx":
        raw, inferred = parse_docx(data, path)
    elif suffix in (".html", ".htm"):
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise CorruptFileError(
                f"{path.name}: binary data, not HTML; check the file and re-save it as HTML."
            )
        raw, inferred, extra_list = parse_html(data, path)
        extra = tuple(extra_list)
    else:
        front, body = split_front_matter(decode_text(data, path), path)
        inferred, extra = front_matter_metadata(front)
        if front:  # a catalogue file: its maintainer notes are not ingested
            body = drop_maintainer_sections(body)
        raw = parse_markdown(body) if suffix in (".md", ".markdown") else parse_plain_text(body)

    blocks = assemble_blocks(raw)
    if not blocks:
        what = "main text" if suffix in (".html", ".htm") else "text"
        raise EmptyDocumentError(
            f"{path.name}: no {what} found (only markup, navigation or blank content); check the "
            "file or remove it."
        )
    return build_document(
        path, doc_id=doc_id, blocks=blocks, inferred=inferred, overrides=overrides, extra=extra
    )


def read_sources_csv(folder: Path) -> dict[str, dict[str, str]]:
    """Metadata overrides from ``folder/sources.csv``, keyed by file name; ``{}`` without one.

    Columns: file,title,publisher,doc_type,published,url. Blank cells are left out so they do
    not override what the loader found.
    """
    path = Path(folder) / SOURCES_CSV
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableFileError(
            f"{path}: cannot be read as UTF-8 CSV ({exc}); fix or re-save it and re-run."
        ) from exc
    overrides: dict[str, dict[str, str]] = {}
    for row in rows:
        name = (row.get("file") or "").strip()
        if not name:
            continue
        values = {
            key: value.strip()
            for key, value in row.items()
            if key in METADATA_KEYS and isinstance(value, str) and value.strip()
        }
        overrides[name] = values
    return overrides
