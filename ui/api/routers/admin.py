"""Admin routes for LGA staff, behind a bearer token; off (404) when no token is configured."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import Response

from ui.api.deps import AppState, get_state
from ui.api.errors import ApiError
from ui.api.schemas import GapsResponse

router = APIRouter(prefix="/api/admin", tags=["admin"])


def require_admin(
    state: AppState = Depends(get_state),
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """404 when admin routes are off; 401 for a missing or wrong bearer token."""
    token = state.settings.api.admin_token
    if token is None or not token.get_secret_value():
        raise ApiError(
            404, "not_found", "Admin routes are off: set LGA_ASSISTANT_API__ADMIN_TOKEN."
        )
    scheme, _, given = (authorization or "").partition(" ")
    expected = token.get_secret_value().encode()
    ok = scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)
    if not ok:
        raise ApiError(
            401,
            "unauthorized",
            "Send the admin token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def corpus_paths(state: AppState) -> list[Path]:
    """The configured sources: the project's catalogue plus the document folders."""
    settings = state.settings
    paths = [settings.corpus_dir, *settings.document_dirs]
    return [p for p in paths if p.exists()]


def run_ingest(state: AppState, *, prune: bool) -> dict[str, Any]:
    """Run the ingest pipeline over the configured sources; load the assistant if it was not."""
    from assistant.app import open_index
    from ingest.pipeline import Pipeline

    index = state.index or open_index(state.settings, create=True)
    report = Pipeline(index, state.settings).ingest_paths(
        corpus_paths(state), prune=prune, progress=False
    )
    if state.assistant is None:
        state.load(index)  # the first ingest: build the services over the new index
    # Otherwise nothing to refresh: the running services read the same index, whose catalogue
    # is the source of truth, and the suggester re-maps catalogue files after each ingest.
    return report.to_dict()  # type: ignore[no-any-return]


@router.post(
    "/ingest",
    dependencies=[Depends(require_admin)],
    summary="Ingest the configured corpus folders and return the report",
)
async def ingest(prune: bool = False, state: AppState = Depends(get_state)) -> dict[str, Any]:
    if not state.ingest_lock.acquire(blocking=False):
        raise ApiError(409, "ingest_running", "An ingest is already running: try again later.")
    try:
        return await state.run(run_ingest, state, prune=prune)
    finally:
        state.ingest_lock.release()


@router.get(
    "/feedback.csv",
    dependencies=[Depends(require_admin)],
    summary="Every feedback row with its question and answer, as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def feedback_csv(state: AppState = Depends(get_state)) -> Response:
    text = await state.run(state.traces.feedback_csv)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="feedback.csv"'},
    )


@router.get(
    "/gaps",
    dependencies=[Depends(require_admin)],
    response_model=GapsResponse,
    summary="Content gaps: refused or low-confidence questions grouped by theme",
)
async def gaps(state: AppState = Depends(get_state)) -> GapsResponse:
    groups = await state.run(state.traces.gaps)
    return GapsResponse.model_validate({"groups": groups})
