"""What is indexed: passage search and the document list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from assistant.types import Filters
from ui.api.admission import Ticket
from ui.api.deps import AppState, admitted, get_state
from ui.api.errors import ApiError
from ui.api.schemas import (
    ChunkOut,
    DocumentDetailOut,
    DocumentOut,
    DocumentsResponse,
    HitOut,
    SearchResponse,
)

router = APIRouter(prefix="/api", tags=["library"])

ListQuery = Annotated[list[str] | None, Query(max_length=20)]


@router.get("/search", response_model=SearchResponse, summary="Ranked passages with scores")
async def search(
    q: Annotated[str, Query(min_length=1, description="Search text")],
    state: AppState = Depends(get_state),
    ticket: Ticket = Depends(admitted),
    k: Annotated[int, Query(ge=1, le=50, description="How many passages")] = 10,
    doc_type: ListQuery = None,
    theme: ListQuery = None,
    publisher: ListQuery = None,
    year: ListQuery = None,
    council: ListQuery = None,
) -> SearchResponse:
    if len(q) > state.settings.api.max_question_chars:
        raise ApiError(
            422,
            "query_too_long",
            f"The query is over {state.settings.api.max_question_chars:,} characters: shorten it.",
        )
    assistant = state.require_assistant()
    filters = Filters(
        doc_types=tuple(doc_type or ()),
        themes=tuple(theme or ()),
        publishers=tuple(publisher or ()),
        years=tuple(year or ()),
        councils=tuple(council or ()),
    )
    hits = await state.compute(
        ticket, assistant.search, q, k=k, filters=None if filters.is_empty() else filters
    )
    return SearchResponse(query=q, k=k, results=[HitOut.from_hit(h) for h in hits])


@router.get("/documents", response_model=DocumentsResponse, summary="Every indexed document")
async def documents(state: AppState = Depends(get_state)) -> DocumentsResponse:
    assistant = state.require_assistant()
    records = await state.run(assistant.documents)
    return DocumentsResponse(
        count=len(records), documents=[DocumentOut.from_record(r) for r in records]
    )


def _document_with_chunks(assistant: Any, document_id: str) -> tuple[Any, list[Any]] | None:
    record = assistant.document(document_id)
    if record is None:
        return None
    return record, list(assistant.document_chunks(document_id))


@router.get(
    "/documents/{document_id:path}",
    response_model=DocumentDetailOut,
    summary="A document's metadata and chunks",
    responses={404: {"description": "No such document"}},
)
async def document(document_id: str, state: AppState = Depends(get_state)) -> DocumentDetailOut:
    assistant = state.require_assistant()
    found = await state.run(_document_with_chunks, assistant, document_id)
    if found is None:
        raise ApiError(
            404,
            "document_not_found",
            f"No document with id {document_id!r}: GET /api/documents lists them.",
        )
    record, chunks = found
    return DocumentDetailOut(
        document=DocumentOut.from_record(record),
        chunks=[ChunkOut.from_chunk(c) for c in chunks],
    )
