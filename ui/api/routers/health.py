"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from ui.api.deps import AppState, get_state
from ui.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="The index is loaded and the models are warm",
    responses={503: {"model": Health, "description": "Not ready, with the reason"}},
)
async def readyz(state: AppState = Depends(get_state)) -> Health | JSONResponse:
    ready, reason, details = await state.run(state.readiness)
    if not ready:
        body = Health(status="not_ready", reason=reason)
        return JSONResponse(body.model_dump(), status_code=503)
    return Health(status="ready", details=details)
