"""The on-time statistics as an xlsx workbook: one sheet per grouping (the province, agencies, fields,
procedures) and a sheet explaining the method. Headers in Vietnamese whatever the officer's screen
language; percentages are numbers formatted 0.00% (N/A where the denominator is 0). docs/statistics.md.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from egov.dossiers.statistics import (
    GROUPINGS,
    GroupBy,
    StatisticsRow,
    classified_dossiers,
    period_bounds,
    statistics_from,
    visible_agency_ids,
)

EXPORT_LANGUAGE = "vi"
NOT_APPLICABLE = "N/A"
PERCENT_FORMAT = "0.00%"
DAYS_FORMAT = "0.00"


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    value: Callable[[StatisticsRow], Any]
    number_format: str | None = None


def _columns(group_by: GroupBy) -> list[Column]:
    first: list[Column]
    if group_by == "province":
        first = [Column(pgettext("statistics", "Scope"), 30, lambda row: row.label)]
    else:
        code_title = {
            "agency": gettext("Agency code"),
            "field": gettext("Field code"),
            "procedure": gettext("Procedure code"),
        }[group_by]
        name_title = {
            "agency": gettext("Agency"),
            "field": gettext("Field"),
            "procedure": gettext("Administrative procedure"),
        }[group_by]
        first = [
            Column(code_title, 16, lambda row: row.code),
            Column(name_title, 44, lambda row: row.label),
        ]
    return [
        *first,
        Column(gettext("Carried over from the previous period"), 13, lambda row: row.carried_over),
        Column(gettext("Received in the period"), 12, lambda row: row.received),
        Column(gettext("Received online"), 12, lambda row: row.received_online),
        Column(gettext("Online share"), 11, lambda row: row.online_share, PERCENT_FORMAT),
        Column(pgettext("statistics", "Resolved"), 11, lambda row: row.resolved),
        Column(gettext("Resolved early"), 11, lambda row: row.resolved_early),
        Column(gettext("Resolved on time"), 11, lambda row: row.resolved_on_time),
        Column(gettext("Resolved late"), 11, lambda row: row.resolved_late),
        Column(gettext("On-time rate"), 11, lambda row: row.on_time_rate, PERCENT_FORMAT),
        Column(gettext("In progress, within the time limit"), 13, lambda row: row.in_progress_on_time),
        Column(gettext("In progress, overdue"), 12, lambda row: row.in_progress_overdue),
        Column(gettext("Of which waiting for a supplement"), 13, lambda row: row.waiting_for_supplement),
        Column(gettext("Withdrawn or stopped"), 11, lambda row: row.withdrawn),
        Column(pgettext("statistics", "Refused"), 10, lambda row: row.refused),
        Column(
            gettext("Average processing time (working days)"),
            14,
            lambda row: row.average_processing_days,
            DAYS_FORMAT,
        ),
        Column(pgettext("statistics", "Ratings"), 10, lambda row: row.rated),
        Column(pgettext("statistics", "Satisfied"), 10, lambda row: row.satisfied),
        Column(gettext("Satisfaction rate"), 12, lambda row: row.satisfaction_rate, PERCENT_FORMAT),
        Column(
            gettext("Indicator 5.4 (satisfaction)"), 13, lambda row: row.satisfaction_index, PERCENT_FORMAT
        ),
    ]


def sheet_title(group_by: GroupBy) -> str:
    return {
        "province": gettext("Whole province"),
        "agency": gettext("By agency"),
        "field": gettext("By field"),
        "procedure": gettext("By procedure"),
    }[group_by]


def _display_period(period_start: date | datetime, period_end: date | datetime) -> tuple[date, date]:
    start, end = period_bounds(period_start, period_end)
    return timezone.localtime(start).date(), timezone.localtime(end - timedelta(microseconds=1)).date()


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _cell_value(value: Any) -> Any:
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, Decimal):
        return float(value)
    return value


def _title(sheet: Any, text: str, period: str, width: int) -> None:
    sheet.append([text])
    sheet.append([period])
    last = get_column_letter(width)
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet["A2"].font = Font(italic=True)
    sheet["A2"].alignment = Alignment(horizontal="center")


def _write_rows(sheet: Any, group_by: GroupBy, rows: Sequence[StatisticsRow], period: str) -> None:
    columns = _columns(group_by)
    _title(sheet, gettext("STATISTICS OF ADMINISTRATIVE PROCEDURE DOSSIERS"), period, len(columns))
    header_row = 3
    sheet.append([column.title for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row in rows:
        sheet.append([_cell_value(column.value(row)) for column in columns])
        current = sheet.max_row
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=current, column=index)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=index <= 2)
            if column.number_format and cell.value != NOT_APPLICABLE:
                cell.number_format = column.number_format
            elif cell.value == NOT_APPLICABLE:
                cell.alignment = Alignment(horizontal="right", vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3 if group_by != "province" else 2)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def method_lines() -> list[tuple[str, str]]:
    """The explanation sheet: (term, what it means), in the export language."""
    return [
        (
            gettext("Legal basis"),
            gettext(
                "Indicator 2.1 (on time) and 2.2 (average time) of the Decision 766/QĐ-TTg indicator set "
                "as the National Public Service Portal computes them; Decree 118/2025/NĐ-CP Art. 17–22 "
                "(reception, supplements, the one extension, return)."
            ),
        ),
        (
            pgettext("statistics", "Period"),
            gettext(
                "From 00:00 on the first day to 24:00 on the last day, local time (Asia/Ho_Chi_Minh). "
                "Events after the period's end are ignored: the figures for a past period do not change."
            ),
        ),
        (
            gettext("Agency"),
            gettext(
                "The processing agency of the dossier; the receiving one-stop section when there is none."
            ),
        ),
        (
            gettext("Carried over from the previous period"),
            gettext("Received before the period and not finished at its start."),
        ),
        (gettext("Received in the period"), gettext("Dossiers whose complete reception fell in the period.")),
        (
            gettext("End moment"),
            gettext(
                "The moment processing finished; otherwise the moment the result was returned; otherwise, "
                "for a refused, stopped or withdrawn dossier, the moment it was closed. A dossier waiting "
                "for a supplement asked during processing is judged at the date of that request; any "
                "other unfinished dossier at the end of the period."
            ),
        ),
        (
            pgettext("statistics", "Processing time"),
            gettext(
                "Working time from complete reception to the end moment, on the province's working "
                "calendar (1 working day = 8 working hours), minus the working time the dossier waited "
                "for the applicant's supplement."
            ),
        ),
        (
            gettext("Time limit"),
            gettext(
                "The working time from reception to the appointment on the receipt; without an "
                "appointment, the statutory time of the procedure for the channel (working days × 8 h). "
                "A procedure with an immediate result is due by the end of the working day of reception."
            ),
        ),
        (
            gettext("Resolved late"),
            gettext(
                "Processing time longer than the time limit, or a second request to supplement during "
                "processing, or an apology with a new appointment (form 04): the dossier counts as late "
                "even when the new appointment is kept."
            ),
        ),
        (
            gettext("Resolved early"),
            gettext(
                "Not late, and finished on a calendar day before the appointment moved by the "
                "supplement time."
            ),
        ),
        (gettext("Resolved on time"), gettext("Neither late nor early.")),
        (
            gettext("In progress, overdue"),
            gettext("Unfinished at the end of the period and already late by the same rule."),
        ),
        (
            gettext("On-time rate"),
            gettext("(Resolved early + resolved on time) / resolved. N/A when nothing was resolved."),
        ),
        (gettext("Online share"), gettext("Received online / received in the period.")),
        (
            gettext("Average processing time (working days)"),
            gettext("The mean processing time of the dossiers resolved in the period, in working days."),
        ),
        (
            gettext("Satisfaction rate"),
            gettext("Satisfied ratings / ratings, of the dossiers resolved in the period."),
        ),
        (
            gettext("Indicator 5.4 (satisfaction)"),
            gettext(
                "100% − (overdue rate + rate of dossiers rated unsatisfied), both over the dossiers "
                "resolved or in progress; feedback (PAKN) about dossiers is not yet included."
            ),
        ),
        (
            gettext("Percentages"),
            gettext("Rounded half up to two decimals; N/A when the denominator is 0."),
        ),
    ]


def _write_method(sheet: Any, period: str) -> None:
    _title(sheet, gettext("HOW THE FIGURES ARE COMPUTED"), period, 2)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 110
    for term, meaning in method_lines():
        sheet.append([term, meaning])
        current = sheet.max_row
        sheet.cell(row=current, column=1).font = Font(bold=True)
        for index in (1, 2):
            sheet.cell(row=current, column=index).alignment = Alignment(wrap_text=True, vertical="top")


def statistics_workbook(
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    agency_ids: Iterable[int] | None = None,
    groupings: Sequence[GroupBy] = GROUPINGS,
) -> Workbook:
    """Classify the period's dossiers once and write one sheet per grouping, then the method."""
    dossiers = classified_dossiers(period_start=period_start, period_end=period_end, agency_ids=agency_ids)
    first_day, last_day = _display_period(period_start, period_end)
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    # Published figures: Vietnamese whatever the language of the officer's screen.
    with translation.override(EXPORT_LANGUAGE):
        period = gettext("From %(start)s to %(end)s") % {
            "start": f"{first_day:%d/%m/%Y}",
            "end": f"{last_day:%d/%m/%Y}",
        }
        for group_by in groupings:
            rows = statistics_from(
                dossiers, period_start=period_start, period_end=period_end, group_by=group_by
            )
            _write_rows(workbook.create_sheet(sheet_title(group_by)), group_by, rows, period)
        _write_method(workbook.create_sheet(pgettext("statistics", "Method")), period)
    return workbook


def statistics_xlsx(
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    agency_ids: Iterable[int] | None = None,
    groupings: Sequence[GroupBy] = GROUPINGS,
) -> bytes:
    workbook = statistics_workbook(
        period_start=period_start, period_end=period_end, agency_ids=agency_ids, groupings=groupings
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def statistics_xlsx_for_user(
    user: Any, *, period_start: date | datetime, period_end: date | datetime
) -> bytes | None:
    """The workbook limited to the agencies where ``user`` may see dashboards; None when there are none."""
    agency_ids = visible_agency_ids(user)
    if not agency_ids:
        return None
    return statistics_xlsx(period_start=period_start, period_end=period_end, agency_ids=agency_ids)


__all__ = [
    "method_lines",
    "sheet_title",
    "statistics_workbook",
    "statistics_xlsx",
    "statistics_xlsx_for_user",
]
