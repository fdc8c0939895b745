"""Filing papers and results into a person's e-store."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from egov.core.audit.services import audit_record
from egov.core.models import StoredFile
from egov.estore.models import EStoreItem


def estore_item_add(
    *,
    actor: Any,
    owner_personal_id: str,
    kind: str,
    title: str,
    file: StoredFile,
    result_type_code: str = "",
    e_result_code: str = "",
    issuer: Any = None,
    issued_on: date | None = None,
) -> EStoreItem:
    with transaction.atomic():
        item = EStoreItem.objects.create(
            owner_personal_id=owner_personal_id,
            kind=kind,
            title=title,
            file=file,
            result_type_code=result_type_code,
            e_result_code=e_result_code,
            issuer=issuer,
            issued_on=issued_on,
        )
        audit_record(
            actor=actor,
            action="estore.item_added",
            target=item,
            changes={"title": [None, title], "result_type_code": [None, result_type_code]},
        )
    return item
