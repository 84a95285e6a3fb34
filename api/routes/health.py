from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep
from api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def healthz(session: SessionDep) -> dict[str, Any]:
    """Liveness and database check."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
