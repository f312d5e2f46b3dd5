"""Officer tools: the case-study finder, the evidence pack and the self-assessment."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from assistant.officer.types import CaseQuery
from assistant.types import Answer
from ui.api.admission import Ticket
from ui.api.deps import AppState, admitted, get_state
from ui.api.errors import ApiError
from ui.api.officer_tools import PACK_MEDIA_TYPES, pack_filename
from ui.api.routers.ask import check_limits
from ui.api.schemas import (
    AssessmentOut,
    AssessRequest,
    CaseOut,
    CasesResponse,
    PackRequest,
)

router = APIRouter(prefix="/api", tags=["officer tools"])

OptionalText = Annotated[str | None, Query(max_length=200)]


@router.get("/cases", response_model=CasesResponse, summary="Find case studies of councils")
async def cases(
    state: AppState = Depends(get_state),
    ticket: Ticket = Depends(admitted),
    q: Annotated[str | None, Query(max_length=1000, description="What they did")] = None,
    theme: OptionalText = None,
    council_type: OptionalText = None,
    region: OptionalText = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> CasesResponse:
    request = CaseQuery(query=q, theme=theme, council_type=council_type, region=region, limit=limit)
    found = await state.compute(ticket, state.officer.cases, request)
    return CasesResponse(count=len(found), cases=[CaseOut.from_case(c) for c in found])


@router.post(
    "/pack",
    summary="Evidence pack for a question (DOCX; Markdown with ?format=md)",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media in PACK_MEDIA_TYPES.values()},
            "description": "The pack as a file download",
        }
    },
)
async def pack(
    body: PackRequest,
    state: AppState = Depends(get_state),
    ticket: Ticket = Depends(admitted),
    format: Literal["docx", "md"] = "docx",
) -> Response:
    check_limits(state, body)
    assistant = state.require_assistant()
    answer: Answer = await state.compute(
        ticket,
        assistant.ask,
        body.question,
        audience=body.audience,
        history=body.turns(),
        filters=body.to_filters(),
    )
    await state.run_io(state.traces.record, answer, client="api-pack")
    if answer.refused:
        raise ApiError(
            422,
            "no_evidence",
            "The resources I have don't cover this question, so there is no evidence to "
            f"pack. {answer.refusal_reason or ''}".strip(),
        )
    data = await state.compute(ticket, state.officer.pack, answer, fmt=format)
    name = pack_filename(body.question, format)
    return Response(
        content=data,
        media_type=PACK_MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Answer-Id": answer.id,
        },
    )


@router.post(
    "/assess",
    response_model=AssessmentOut,
    summary="Self-assessment: next steps, resources and peers for the weakest areas",
)
async def assess(
    body: AssessRequest,
    state: AppState = Depends(get_state),
    ticket: Ticket = Depends(admitted),
) -> AssessmentOut:
    bad = {area: value for area, value in body.ratings.items() if not 1 <= value <= 5}
    if bad:
        raise ApiError(
            422,
            "invalid_rating",
            "Ratings must be whole numbers from 1 (weak) to 5 (strong); check: "
            + ", ".join(sorted(bad)),
        )
    result = await state.compute(ticket, state.officer.assess, body.ratings)
    return AssessmentOut.from_result(result)
