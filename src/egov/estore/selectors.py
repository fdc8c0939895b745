"""Reading a person's e-store: only their own items, by their personal identification number."""

from __future__ import annotations

from django.db.models import QuerySet

from egov.accounts.models import User
from egov.estore.models import EStoreItem


def estore_items_for(*, user: User) -> QuerySet[EStoreItem]:
    if not user.is_authenticated or not user.personal_id:
        return EStoreItem.objects.none()
    return EStoreItem.objects.filter(owner_personal_id=user.personal_id).select_related("file", "issuer")


def estore_item_for(*, user: User, item_id: int) -> EStoreItem | None:
    """One item of the user's own e-store; None for anybody else's (no hint that it exists)."""
    return estore_items_for(user=user).filter(pk=item_id).first()


def estore_items_matching(*, user: User, result_type_code: str) -> QuerySet[EStoreItem]:
    """The user's items that can stand in for a required paper of this result type."""
    if not result_type_code:
        return EStoreItem.objects.none()
    return estore_items_for(user=user).filter(result_type_code=result_type_code)
