"""The demo catalogue: 30 real procedures from the national database (dichvucong.gov.vn), at provincial
and commune level, mapped onto the demo province's agencies with internal steps, result type codes,
reuse flags and an e-form each (docs/catalogue.md).

The data is fixtures/demo_catalogue.json, generated once by fixtures/build_demo_catalogue.py; it goes
through the same checks as a spreadsheet import, and is written through the same service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from egov.catalog.spreadsheet import (
    Action,
    ProcedureContent,
    RowChecker,
    cell_text,
    cells_from_content,
    content_action,
    content_write,
    existing_contents,
)

FIXTURE = Path(__file__).parent / "fixtures" / "demo_catalogue.json"


class DemoCatalogueError(Exception):
    """The demo data does not fit this installation (usually: the demo province is not loaded)."""


@dataclass(frozen=True)
class DemoLoadResult:
    written: int  # created, or brought back to the demo content
    unchanged: int  # already the demo content
    kept: int = 0  # changed since (e.g. in the admin) and left as they are


@cache
def demo_catalogue_entries() -> list[dict[str, Any]]:
    """The procedures of the fixture, as stored (with their source notes)."""
    return list(json.loads(FIXTURE.read_text(encoding="utf-8"))["procedures"])


def demo_content(entry: dict[str, Any]) -> ProcedureContent:
    return ProcedureContent(
        national_code=entry["national_code"],
        field_name=entry["field"],
        data=dict(entry["version"]),
        agency_codes=sorted(entry["implementing_agencies"]),
        papers=[{"order": number, **paper} for number, paper in enumerate(entry["papers"], start=1)],
        fees=[dict(fee) for fee in entry["fees"]],
        steps=[
            {
                "order": number,
                "name": step["name"],
                "agency_code": step["agency"],
                "role": step["role"],
                "quota_hours": Decimal(str(step["quota_hours"])),
            }
            for number, step in enumerate(entry["steps"], start=1)
        ],
    )


def demo_catalogue_load(*, actor: Any = None, update_existing: bool = False) -> DemoLoadResult:
    """Publish the demo catalogue: procedures not in the catalogue yet are created; one whose published
    content is already the demo's is left as it is, so loading twice changes nothing. One that differs
    (edited in the admin since, or the fixture changed) is kept as it is, unless ``update_existing``:
    then the demo content becomes its next published version."""
    checker = RowChecker()
    contents: list[ProcedureContent] = []
    problems: list[str] = []
    for number, entry in enumerate(demo_catalogue_entries(), start=1):
        # The same checks as an imported spreadsheet row: agencies exist, steps add up, valid e-form…
        cells = {key: cell_text(value) for key, value in cells_from_content(demo_content(entry)).items()}
        content, issues = checker.check(number, cells)
        problems.extend(f"{entry['national_code']} {issue.column}: {issue.message}" for issue in issues)
        if content is not None:
            contents.append(content)
    if problems:
        raise DemoCatalogueError(
            "The demo catalogue does not fit this installation (run load_demo_province first?):\n"
            + "\n".join(problems)
        )
    written = unchanged = kept = 0
    with transaction.atomic():
        existing = existing_contents([content.national_code for content in contents])
        for content in contents:
            action = content_action(content, existing.get(content.national_code), publish=True)
            if action == Action.UNCHANGED:
                unchanged += 1
            elif action == Action.CREATE or update_existing:
                content_write(content=content, actor=actor, publish=True, agencies=checker.agencies)
                written += 1
            else:
                kept += 1
    return DemoLoadResult(written=written, unchanged=unchanged, kept=kept)
