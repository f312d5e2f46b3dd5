"""Questions and answers: ``/api/ask``, its Server-Sent Events stream, and feedback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from assistant.errors import AssistantError
from assistant.guardrails import strip_invisible
from assistant.serialize import (
    answer_to_dict,
    citation_to_dict,
    next_step_to_dict,
    peer_to_dict,
    resource_to_dict,
)
from assistant.traces import check_reasons
from assistant.types import Answer
from ui.api.admission import Ticket
from ui.api.deps import AppState, admitted, get_state
from ui.api.errors import ApiError, error_body, status_for
from ui.api.schemas import AnswerOut, AskRequest, FeedbackRequest, FeedbackStored

router = APIRouter(prefix="/api", tags=["answers"])

_STREAM_DONE = object()


def check_limits(state: AppState, body: AskRequest) -> None:
    """Refuse over-long questions and histories with a 422 that says what the limit is."""
    limits = state.settings.api
    if len(body.question) > limits.max_question_chars:
        raise ApiError(
            422,
            "question_too_long",
            f"The question is {len(body.question):,} characters long; the limit is "
            f"{limits.max_question_chars:,}. Shorten it or split it into separate questions.",
        )
    if not strip_invisible(body.question).strip():  # "", "  " and "\u200b" alike
        raise ApiError(422, "question_empty", "The question is empty: type a question.")
    if len(body.history) > limits.max_history_turns:
        raise ApiError(
            422,
            "history_too_long",
            f"The history has {len(body.history)} turns; the limit is "
            f"{limits.max_history_turns}. Send only the most recent turns.",
        )


def sse(event: str, data: Any) -> bytes:
    """One Server-Sent Event frame with a JSON payload."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def stream_event_payload(kind: str, data: Any) -> Any:
    """JSON payload of one ``StreamEvent`` from ``Assistant.stream``."""
    if kind == "sources":
        return {"citations": [citation_to_dict(c) for c in data]}
    if kind == "token":
        return {"text": str(data)}
    if kind == "suggestions":
        # A mapping {"peers", "resources", "next_steps", "citations"} of tuples.
        return {
            "peers": [peer_to_dict(s) for s in data.get("peers", ())],
            "resources": [resource_to_dict(s) for s in data.get("resources", ())],
            "next_steps": [next_step_to_dict(s) for s in data.get("next_steps", ())],
            "citations": [citation_to_dict(c) for c in data.get("citations", ())],
        }
    if kind == "done":
        return answer_to_dict(data)
    if kind == "error":
        if isinstance(data, AssistantError):
            _, code = status_for(data)
            return error_body(code, str(data))
        if isinstance(data, dict):  # {"type": error class name, "message": str}
            return error_body(_error_code(str(data.get("type", ""))), str(data.get("message")))
        return error_body("assistant_error", str(data))
    return data


def _error_code(type_name: str) -> str:
    import assistant.errors as errors

    cls = getattr(errors, type_name, None)
    if isinstance(cls, type) and issubclass(cls, AssistantError):
        return status_for(cls("x"))[1]
    return "assistant_error"


@router.post(
    "/ask",
    response_model=AnswerOut,
    summary="Ask a question; get a cited answer with suggestions",
)
async def ask(
    body: AskRequest,
    state: AppState = Depends(get_state),
    ticket: Ticket = Depends(admitted),
) -> AnswerOut:
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
    await state.run_io(state.traces.record, answer, client="api")
    return AnswerOut.from_answer(answer)


@router.post(
    "/ask/stream",
    summary="Ask a question; stream the answer as Server-Sent Events",
    description=(
        "Events, in order: `sources` (the citations), `token` (pieces of answer text), "
        "`suggestions` (peers, resources, next steps), `done` (the full answer contract, "
        "with its `id` for feedback). On failure an `error` event carries "
        '`{"error": {"code", "message"}}` and the stream ends.'
    ),
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def ask_stream(
    body: AskRequest,
    state: AppState = Depends(get_state),
    ticket: Ticket = Depends(admitted),
) -> StreamingResponse:
    # The ticket is held until the stream ends (or its client goes away): see ``admitted``.
    check_limits(state, body)
    assistant = state.require_assistant()

    def start() -> Iterator[Any]:
        return iter(
            assistant.stream(
                body.question,
                audience=body.audience,
                history=body.turns(),
                filters=body.to_filters(),
            )
        )

    def step(events: Iterator[Any]) -> Any:
        return next(events, _STREAM_DONE)

    # Started before the response so that bad input is a 4xx, not an event in a 200 stream.
    # The stream keeps its worker from here to its end (released with its ticket).
    await state.hold_worker(ticket)
    events = await state.compute(ticket, start)

    async def frames() -> AsyncIterator[bytes]:
        try:
            while True:
                event = await state.compute(ticket, step, events)
                if event is _STREAM_DONE:
                    return
                yield sse(event.kind, stream_event_payload(event.kind, event.data))
                if event.kind == "done":
                    await state.run_io(state.traces.record, event.data, client="api")
                if event.kind in ("done", "error"):
                    return
        except AssistantError as exc:
            yield sse("error", stream_event_payload("error", exc))

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post(
    "/feedback",
    response_model=FeedbackStored,
    status_code=201,
    summary="Rate an answer (thumbs up/down, reasons, comment)",
    responses={404: {"description": "No answer with this id"}},
)
async def feedback(body: FeedbackRequest, state: AppState = Depends(get_state)) -> FeedbackStored:
    check_reasons(body.reasons)  # 422 naming the known reasons, before anything is looked up
    if not await state.run_io(state.traces.exists, body.answer_id):
        raise ApiError(
            404,
            "answer_not_found",
            f"No answer with id {body.answer_id!r}: feedback must refer to an answer given here.",
        )
    await state.run_io(
        state.traces.feedback, body.answer_id, body.rating, body.reasons, body.comment
    )
    return FeedbackStored(answer_id=body.answer_id)
