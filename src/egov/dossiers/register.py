"""The dossier register (Sổ theo dõi hồ sơ, form 07 of TT 03/2025/TT-VPCP Appendix I): per one-stop
section, the dossiers it received, day by day, with what became of them.

An electronic register is allowed; a paper one is kept per year and numbered continuously (TT 01/2018
Art. 10.2), so a row's number runs through the calendar year of reception, per section — the same number
the receipt prints as "volume, number" (:func:`register_entry`). Layout and columns: docs/slips.md.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from egov.accounts.models import Agency
from egov.core.audit.services import audit_record
from egov.dossiers.models import ControlRow, Dossier, DossierEvent, Status
from egov.dossiers.timeliness import control_outcome

DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
REGISTER_LANGUAGE = "vi"


@dataclass(frozen=True)
class RegisterEntry:
    """Where a dossier stands in its section's register: the volume (the year) and the row number."""

    volume: int
    number: int


@dataclass(frozen=True)
class RegisterRow:
    number: int
    code: str
    procedure: str
    applicant: str
    address_phone: str
    lead_agency: str
    received_at: datetime
    due_at: datetime | None
    returned_at: datetime | None
    delivery: str
    status: str


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _year_start(moment: datetime) -> datetime:
    return _start_of(date(timezone.localtime(moment).year, 1, 1))


def register_entry(*, dossier: Dossier) -> RegisterEntry | None:
    """The dossier's volume and number in its receiving section's register; None until it is received."""
    if dossier.received_at is None:
        return None
    received = dossier.received_at
    earlier = Dossier.objects.filter(
        receiving_agency_id=dossier.receiving_agency_id,
        received_at__gte=_year_start(received),
    ).filter(Q(received_at__lt=received) | Q(received_at=received, pk__lte=dossier.pk))
    return RegisterEntry(volume=timezone.localtime(received).year, number=earlier.count())


def _received(agency: Agency, start: datetime, end: datetime) -> QuerySet[Dossier]:
    return Dossier.objects.filter(receiving_agency=agency, received_at__gte=start, received_at__lt=end)


def _returned_at() -> Subquery:
    returned = DossierEvent.objects.filter(dossier=OuterRef("pk"), to_status=Status.RETURNED).order_by("-at")
    return Subquery(returned.values("at")[:1])


def _status_text(dossier: Dossier, returned_at: datetime | None) -> str:
    label = str(Status(dossier.status).label)
    if dossier.status == Status.RETURNED and returned_at is not None and dossier.due_at is not None:
        outcome = control_outcome(returned_at, dossier.due_at)
        return f"{label} ({ControlRow.Outcome(outcome).label.lower()})"
    return label


def register_rows(*, agency: Agency, day_from: date, day_to: date) -> list[RegisterRow]:
    """The register of ``agency`` (a one-stop section) for the dossiers it received from ``day_from`` to
    ``day_to`` (both included, local days), in order of reception."""
    if day_to < day_from:
        return []
    start, end = _start_of(day_from), _start_of(day_to + timedelta(days=1))
    # Numbers run through each calendar year: count what the section received earlier that year.
    before = _received(agency, _start_of(date(day_from.year, 1, 1)), start).count()
    dossiers = (
        _received(agency, start, end)
        .select_related("procedure_version", "processing_agency")
        .annotate(returned_event_at=_returned_at())
        .order_by("received_at", "pk")
    )
    rows: list[RegisterRow] = []
    year = day_from.year
    number = before
    for dossier in dossiers:
        assert dossier.received_at is not None  # filtered on received_at
        received_year = timezone.localtime(dossier.received_at).year
        if received_year != year:
            year, number = received_year, 0
        number += 1
        returned_at = getattr(dossier, "returned_event_at", None)
        rows.append(
            RegisterRow(
                number=number,
                code=dossier.code,
                procedure=dossier.procedure_version.name,
                applicant=dossier.applicant_name,
                address_phone="; ".join(
                    part for part in (dossier.applicant_address, dossier.applicant_phone) if part
                ),
                lead_agency=dossier.processing_agency.name if dossier.processing_agency else "",
                received_at=dossier.received_at,
                due_at=dossier.due_at,
                returned_at=returned_at or dossier.closed_at,
                delivery=str(Dossier.Channel(dossier.channel).label),
                status=_status_text(dossier, returned_at),
            )
        )
    return rows


@dataclass(frozen=True)
class _Column:
    title: str
    width: int


def _columns() -> list[_Column]:
    return [
        _Column(pgettext("register", "No."), 6),
        _Column(pgettext("register", "Dossier code"), 24),
        _Column(pgettext("register", "Administrative procedure"), 42),
        _Column(pgettext("register", "Applicant"), 24),
        _Column(pgettext("register", "Address, phone"), 32),
        _Column(pgettext("register", "Lead agency"), 26),
        _Column(pgettext("register", "Received"), 17),
        _Column(pgettext("register", "Due"), 17),
        _Column(pgettext("register", "Returned or closed"), 17),
        _Column(pgettext("register", "Submission and delivery"), 14),
        _Column(pgettext("register", "Status"), 22),
    ]


def _local(moment: datetime | None) -> datetime | None:
    # openpyxl writes naive datetimes; the register shows the province's local time.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _cells(row: RegisterRow) -> list[Any]:
    return [
        row.number,
        row.code,
        row.procedure,
        row.applicant,
        row.address_phone,
        row.lead_agency,
        _local(row.received_at),
        _local(row.due_at),
        _local(row.returned_at),
        row.delivery,
        row.status,
    ]


DATE_COLUMNS = (7, 8, 9)


def _write_sheet(
    sheet: Any, *, agency: Agency, day_from: date, day_to: date, rows: Iterable[RegisterRow]
) -> None:
    columns = _columns()
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    title = pgettext("register", "DOSSIER REGISTER")
    period = pgettext("register", "%(agency)s, from %(start)s to %(end)s") % {
        "agency": agency.name,
        "start": f"{day_from:%d/%m/%Y}",
        "end": f"{day_to:%d/%m/%Y}",
    }
    sheet.append([title])
    sheet.append([period])
    last = get_column_letter(len(columns))
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet["A2"].font = Font(italic=True)
    sheet["A2"].alignment = Alignment(horizontal="center")
    header_row = 3
    sheet.append([column.title for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row in rows:
        sheet.append(_cells(row))
        current = sheet.max_row
        for index in range(1, len(columns) + 1):
            cell = sheet.cell(row=current, column=index)
            cell.alignment = wrap
            cell.border = border
            if index in DATE_COLUMNS:
                cell.number_format = DATE_TIME_FORMAT
    # The header stays in view while scrolling and is repeated on every printed page.
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def register_xlsx(*, agency: Agency, day_from: date, day_to: date, actor: Any = None) -> bytes:
    """The register as an xlsx workbook: Vietnamese headers, dates as dd/mm/yyyy hh:mm, the header row
    frozen. Exporting it reads the applicants' personal data, so it is audited (who, which section,
    which period, how many rows)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    # An official register: Vietnamese whatever the language of the officer's screen.
    with translation.override(REGISTER_LANGUAGE):
        rows = register_rows(agency=agency, day_from=day_from, day_to=day_to)
        sheet.title = pgettext("register", "Register")
        _write_sheet(sheet, agency=agency, day_from=day_from, day_to=day_to, rows=rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="dossier.register_exported",
            target=agency,
            changes={
                "period": [None, f"{day_from.isoformat()}/{day_to.isoformat()}"],
                "rows": [None, len(rows)],
            },
        )
    return buffer.getvalue()


__all__ = ["RegisterEntry", "RegisterRow", "register_entry", "register_rows", "register_xlsx"]
