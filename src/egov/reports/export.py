"""Each chart's table as an xlsx workbook: Vietnamese headers and number formats (percentages as
numbers formatted 0.00%, N/A as text), the scope and period in the title, the method on a second sheet."""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from egov.reports.indicators import FORMULAS, TITLES
from egov.reports.tables import DAYS, INT, POINTS, RATE, Table

FORMATS = {RATE: "0.00%", DAYS: "0.00", POINTS: "0.00", INT: "#,##0"}
NOT_APPLICABLE = "N/A"


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return NOT_APPLICABLE if kind in {RATE, DAYS} else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def table_xlsx(table: Table, *, scope: str, period: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = re.sub(r"[\\/*?:\[\]]", "-", table.title)[:31]
    width = len(table.columns)
    sheet.append([table.title])
    sheet.append([f"{scope} – {period}"])
    sheet.append([_("Figures as of %(moment)s") % {"moment": f"{timezone.localtime():%H:%M %d/%m/%Y}"}])
    for row_number in (1, 2):
        sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(italic=True)
    sheet.append([str(column.title) for column in table.columns])
    header = sheet.max_row
    for index in range(1, width + 1):
        cell = sheet.cell(row=header, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for row in table.rows:
        sheet.append([_value(cell.value, cell.kind) for cell in row])
        for index, cell in enumerate(row, start=1):
            if cell.kind in FORMATS and cell.value is not None:
                sheet.cell(row=sheet.max_row, column=index).number_format = FORMATS[cell.kind]
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    method = book.create_sheet(_("Method"))
    method.append([_("Indicator"), _("Name"), _("How it is computed")])
    for key, title in TITLES.items():
        method.append([key, str(title), str(FORMULAS[key])])
    method.append([])
    method.append(
        [_("Rates have two decimals; N/A means the denominator is 0 (Decision 766/QĐ-TTg, spec §4).")]
    )
    method.column_dimensions["B"].width = 50
    method.column_dimensions["C"].width = 100
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
