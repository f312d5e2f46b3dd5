"""Row mapping shared by the SQLite and PostgreSQL catalogues: one column order for chunks and
documents, and the functions that turn ``Chunk`` / ``DocumentRecord`` into rows and back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from assistant.ports import DocumentRecord
from assistant.types import Chunk

# The order of ``chunk_to_row`` / ``chunk_from_row``; list fields are JSON arrays.
CHUNK_COLUMNS = (
    "id, document_id, position, text, heading_path, page_start, page_end, char_start, char_end, "
    "title, source, url, doc_type, publisher, published, councils, themes"
)
# The order of ``document_to_row`` / ``document_from_row``.
DOCUMENT_COLUMNS = (
    "id, source, title, content_hash, doc_type, publisher, published, url, ingested_at, file_hash"
)


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def chunk_to_row(chunk: Chunk) -> tuple[Any, ...]:
    """``chunk`` as the values of ``CHUNK_COLUMNS``."""
    return (
        chunk.id,
        chunk.document_id,
        chunk.position,
        chunk.text,
        _json_list(chunk.heading_path),
        chunk.page_start,
        chunk.page_end,
        chunk.char_start,
        chunk.char_end,
        chunk.title,
        chunk.source,
        chunk.url,
        chunk.doc_type,
        chunk.publisher,
        chunk.published,
        _json_list(chunk.councils),
        _json_list(chunk.themes),
    )


def chunk_from_row(row: Sequence[Any]) -> Chunk:
    """The ``Chunk`` of a row selected as ``CHUNK_COLUMNS``."""
    return Chunk(
        id=row[0],
        document_id=row[1],
        position=row[2],
        text=row[3],
        heading_path=tuple(json.loads(row[4])),
        page_start=row[5],
        page_end=row[6],
        char_start=row[7],
        char_end=row[8],
        title=row[9],
        source=row[10],
        url=row[11],
        doc_type=row[12],
        publisher=row[13],
        published=row[14],
        councils=tuple(json.loads(row[15])),
        themes=tuple(json.loads(row[16])),
    )


def document_to_row(record: DocumentRecord) -> tuple[Any, ...]:
    """``record`` as the values of ``DOCUMENT_COLUMNS`` (its chunk ids live in the chunks)."""
    return (
        record.id,
        record.source,
        record.title,
        record.content_hash,
        record.doc_type,
        record.publisher,
        record.published,
        record.url,
        record.ingested_at,
        record.file_hash,
    )


def document_from_row(row: Sequence[Any], chunk_ids: Sequence[str]) -> DocumentRecord:
    """The ``DocumentRecord`` of a row selected as ``DOCUMENT_COLUMNS``, with its chunk ids."""
    return DocumentRecord(
        id=row[0],
        source=row[1],
        title=row[2],
        content_hash=row[3],
        doc_type=row[4],
        publisher=row[5],
        published=row[6],
        url=row[7],
        ingested_at=row[8],
        file_hash=row[9],
        chunk_ids=tuple(chunk_ids),
    )
