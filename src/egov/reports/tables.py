"""The tables behind the charts, defined once: the dashboard shows them (table view under each chart),
the public page too, and the xlsx exports write the same columns (egov.reports.export)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.reports.indicators import Scorecard
from egov.reports.selectors import OverdueDossier, ReportRow
from egov.reports.templatetags.report_format import decimal2, number, percent

INT, RATE, DAYS, TEXT, POINTS = "int", "rate", "days", "text", "points"


@dataclass(frozen=True)
class Column:
    title: Promise
    value: Callable[[Any], Any]
    kind: str = INT
    figure: str = ""  # the drill-down figure of a count (egov.reports.selectors.DRILL_DOWNS)


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str
    link: str = ""

    @property
    def text(self) -> str:
        if self.kind == RATE:
            return percent(self.value)
        if self.kind in {DAYS, POINTS}:
            return decimal2(self.value) if self.value is not None else ("N/A" if self.kind == DAYS else "–")
        if self.kind == INT:
            return number(self.value) if self.value is not None else "–"
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    name: str  # also the export's file name
    title: str
    columns: Sequence[Column]
    rows: list[list[Cell]] = field(default_factory=list)

    @property
    def body_html(self) -> SafeString:
        """The rows as HTML, built here rather than in a template loop (a few hundred cells per page)."""
        lines = []
        for row in self.rows:
            cells = []
            for cell in row:
                attributes = "" if cell.kind == TEXT else ' class="num"'
                text = str(escape(cell.text))
                if cell.link:
                    text = f'<a href="{escape(cell.link)}">{text}</a>'
                cells.append(f"<td{attributes}>{text}</td>")
            lines.append("<tr>" + "".join(cells) + "</tr>")
        return mark_safe("\n".join(lines))  # noqa: S308 - every text and link is escaped above


def _backlog(row: ReportRow, value: int) -> int | None:
    return value if row.has_backlog else None


FIGURE_COLUMNS: tuple[Column, ...] = (
    Column(_("Received"), lambda row: row.received, figure="received"),
    Column(_("of which online"), lambda row: row.received_online),
    Column(pgettext_lazy("statistics", "Resolved"), lambda row: row.resolved, figure="resolved"),
    Column(_("Early"), lambda row: row.resolved_early, figure="early"),
    Column(_("On time"), lambda row: row.resolved_on_time, figure="on_time"),
    Column(_("Late"), lambda row: row.resolved_late, figure="late"),
    Column(_("On-time rate"), lambda row: row.on_time_rate, RATE),
    Column(_("Average time (working days)"), lambda row: row.average_processing_days, DAYS),
    Column(_("In progress, overdue"), lambda row: _backlog(row, row.in_progress_overdue)),
    Column(_("Online share"), lambda row: row.online_share, RATE),
    Column(_("Satisfaction (5.4)"), lambda row: row.satisfaction_index, RATE),
)
LABELS = {
    "agency": (
        Column(_("Code"), lambda row: row.code, TEXT),
        Column(_("Agency"), lambda row: row.label, TEXT),
    ),
    "procedure": (
        Column(_("Code"), lambda row: row.code, TEXT),
        Column(_("Procedure"), lambda row: row.label, TEXT),
    ),
    "month": (Column(_("Month"), lambda row: row.label, TEXT),),
}
INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column(_("Indicator"), lambda item: item.id, TEXT),
    Column(_("Name"), lambda item: str(item.title), TEXT),
    Column(_("Value"), lambda item: item.value, TEXT),
    Column(_("Numerator"), lambda item: item.numerator),
    Column(_("Denominator"), lambda item: item.denominator),
    Column(_("Points"), lambda item: item.points, POINTS),
    Column(_("Of"), lambda item: item.max_points, POINTS),
    Column(_("Note"), lambda item: item.note, TEXT),
)
OVERDUE_COLUMNS: tuple[Column, ...] = (
    Column(_("Dossier code"), lambda item: item.code, TEXT),
    Column(_("Procedure"), lambda item: item.procedure, TEXT),
    Column(_("Agency"), lambda item: item.agency, TEXT),
    Column(_("Appointment"), lambda item: item.due_at, TEXT),
    Column(_("Days overdue"), lambda item: item.overdue_days),
)


def figure_table(
    name: str,
    title: str,
    group_by: str,
    rows: Sequence[ReportRow],
    *,
    link: Callable[[ReportRow, str], str] | None = None,
) -> Table:
    columns = (*LABELS[group_by], *FIGURE_COLUMNS)
    table = Table(name=name, title=title, columns=columns)
    for row in rows:
        table.rows.append(
            [
                Cell(
                    column.value(row),
                    column.kind,
                    link(row, column.figure)
                    if link is not None and column.figure and column.value(row)
                    else "",
                )
                for column in columns
            ]
        )
    return table


def indicator_table(card: Scorecard) -> Table:
    table = Table(name="chi-so", title=str(_("Decision 766 indicators")), columns=INDICATOR_COLUMNS)
    for item in card.indicators:
        cells = [Cell(column.value(item), column.kind) for column in INDICATOR_COLUMNS]
        cells[2] = Cell(item.value, DAYS if item.is_days else RATE)
        table.rows.append(cells)
    return table


def overdue_table(
    items: Sequence[OverdueDossier], *, link: Callable[[OverdueDossier], str] | None = None
) -> Table:
    table = Table(name="qua-han", title=str(_("Overdue dossiers to act on")), columns=OVERDUE_COLUMNS)
    for item in items:
        cells = [Cell(column.value(item), column.kind) for column in OVERDUE_COLUMNS]
        cells[0] = Cell(item.code, TEXT, link(item) if link else "")
        cells[3] = Cell(f"{timezone.localtime(item.due_at):%H:%M %d/%m/%Y}" if item.due_at else "", TEXT)
        table.rows.append(cells)
    return table
