from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

from api.deps import AuthDep, DbId, SessionDep, SettingsDep
from api.schemas import ERRORS, LinkPublic
from api.services import links

router = APIRouter(prefix="/api/v1/links", tags=["links"], responses=ERRORS)

ACTIONS = {
    "revoke": "Revoke a link: its page and feed answer 404 from now on.",
    "rotate": "Replace a link with a new token (the old one stops working); answers the new link.",
}


def _change(action: str) -> Callable[..., dict[str, Any]]:
    def change(
        link_id: DbId, auth: AuthDep, session: SessionDep, settings: SettingsDep
    ) -> dict[str, Any]:
        return links.link_public(links.change_link(session, link_id, action), settings)

    return change


for _action, _doc in ACTIONS.items():  # one operation each (operation ids links-revoke_link, …)
    router.add_api_route(
        f"/{{link_id}}/{_action}", _change(_action), methods=["POST"], name=f"{_action}_link",
        response_model=LinkPublic, description=_doc,
    )  # fmt: skip
