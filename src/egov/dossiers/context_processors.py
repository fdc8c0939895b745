"""What the main menu offers an official: the one-stop desk, the work queue, the leaders' dashboard
(computed only when a page shows the menu to a signed-in official)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from egov.accounts.models import User
from egov.accounts.selectors import agencies_where_permitted
from egov.core.permissions import Permission


def _menu(user: Any) -> dict[str, bool]:
    if not isinstance(user, User) or not user.is_official:
        return {"desk": False, "work": False, "dashboard": False}
    return {
        "desk": bool(agencies_where_permitted(user=user, permission=Permission.DOSSIER_RECEIVE)),
        "work": bool(
            agencies_where_permitted(user=user, permission=Permission.DOSSIER_PROCESS)
            or agencies_where_permitted(user=user, permission=Permission.DOSSIER_APPROVE)
            or agencies_where_permitted(user=user, permission=Permission.RESULT_SIGN)
        ),
        "dashboard": bool(agencies_where_permitted(user=user, permission=Permission.DASHBOARD_VIEW)),
    }


def officer_menu(request: HttpRequest) -> dict[str, Any]:
    return {"officer_menu": SimpleLazyObject(lambda: _menu(getattr(request, "user", None)))}
