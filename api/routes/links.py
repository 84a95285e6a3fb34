from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import services
from api.deps import AuthDep, SessionDep, SettingsDep
from api.schemas import ERRORS, LinkPublic

router = APIRouter(prefix="/api/v1/links", tags=["links"], responses=ERRORS)


@router.post("/{link_id}/revoke", response_model=LinkPublic)
def revoke_link(
    link_id: int, auth: AuthDep, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Revoke a link: its page and feed answer 404 from now on."""
    link = services.revoke_link(session, services.get_link(session, link_id))
    return services.link_public(link, settings)


@router.post("/{link_id}/rotate", response_model=LinkPublic)
def rotate_link(
    link_id: int, auth: AuthDep, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Replace a link with a new token (the old one stops working)."""
    new = services.rotate_link(session, services.get_link(session, link_id))
    return services.link_public(new, settings)
