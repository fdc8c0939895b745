"""Charts drawn on the server as SVG (no JavaScript, no CDN): horizontal bars for a rate per agency or
procedure, and columns with a line for a monthly trend. Every chart is an image with a title and a
description for screen readers; its figures are also in a table beside it (templates: reports/_chart.html).
Colour is never the only signal: values are written next to each bar and point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from egov.reports.templatetags.report_format import number, percent

INK, MUTED, BAR, LINE, GRID, LOW = "#1b1b1b", "#4a4a4a", "#0b4f9c", "#a4161a", "#d0d0d0", "#b00020"
FONT = 'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # a fraction of 1; None = N/A
    note: str = ""  # e.g. "120 dossiers"


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar], target: Decimal | None = None) -> SafeString:
    """Horizontal bars of a rate (0–100%), one per row, the value written at the end of each bar; an
    optional target drawn as a dashed line. Bars below the target are drawn in red and marked "▼"."""
    label_width, bar_width, row = 300, 420, 24
    width = label_width + bar_width + 90
    height = 30 + row * max(1, len(bars))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" {FONT} font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">'
        + escape("; ".join(f"{bar.label}: {percent(bar.value)}" for bar in bars))
        + "</desc>",
    ]
    for tick in range(0, 101, 25):
        x = label_width + bar_width * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height - 4}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="12" text-anchor="middle" fill="{MUTED}" font-size="11">{tick}%</text>'
        )
    for index, bar in enumerate(bars):
        y = 22 + index * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" fill="{INK}">'
            f"<title>{escape(bar.label)}</title>{escape(_truncate(bar.label, 42))}</text>"
        )
        if bar.value is None:
            parts.append(f'<text x="{label_width + 4}" y="{y + 14}" fill="{MUTED}">N/A</text>')
            continue
        below = target is not None and bar.value < target
        length = float(min(Decimal(1), max(Decimal(0), bar.value))) * bar_width
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{LOW if below else BAR}"/>'
        )
        mark = " ▼" if below else ""
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 14}" fill="{INK}">'
            f"{escape(percent(bar.value))}{mark}</text>"
        )
    if target is not None:
        x = label_width + bar_width * float(target)
        parts.append(
            f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height - 4}" stroke="{INK}" '
            'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


@dataclass(frozen=True)
class Point:
    label: str  # e.g. 03/2026
    count: int  # the column (dossiers received)
    value: Decimal | None  # the line (a rate)


def trend_chart(
    *, chart_id: str, title: str, points: Sequence[Point], count_label: str, rate_label: str
) -> SafeString:
    """Columns of a count per month (left scale) and a line of a rate (right scale, 0–100%)."""
    left, right, top, bottom = 56, 56, 20, 40
    plot_width = max(1, len(points)) * 56
    width, height = left + plot_width + right, 260
    plot_height = height - top - bottom
    largest = max([point.count for point in points] + [1])
    step = plot_width / max(1, len(points))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" {FONT} font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">'
        + escape(
            "; ".join(
                f"{point.label}: {count_label} {number(point.count)}, {rate_label} {percent(point.value)}"
                for point in points
            )
        )
        + "</desc>",
    ]
    for tick in range(0, 101, 25):
        y = top + plot_height * (1 - tick / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{left + plot_width + 6}" y="{y + 4:.1f}" fill="{LINE}" font-size="11">{tick}%</text>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{BAR}" font-size="11">'
            f"{escape(number(round(largest * tick / 100)))}</text>"
        )
    line: list[str] = []
    for index, point in enumerate(points):
        x = left + index * step
        column = plot_height * point.count / largest
        parts.append(
            f'<rect x="{x + step * 0.2:.1f}" y="{top + plot_height - column:.1f}" width="{step * 0.6:.1f}" '
            f'height="{column:.1f}" fill="{BAR}" opacity="0.35"><title>{escape(point.label)}: '
            f"{escape(number(point.count))}</title></rect>"
        )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="{INK}">'
            f"{escape(point.label)}</text>"
        )
        if point.value is not None:
            y = top + plot_height * (1 - float(point.value))
            line.append(f"{x + step / 2:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x + step / 2:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}"/>')
    if len(line) > 1:
        parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    parts.append(
        f'<text x="{left}" y="{height - 6}" fill="{BAR}">■ {escape(count_label)}</text>'
        f'<text x="{left + 220}" y="{height - 6}" fill="{LINE}">● {escape(rate_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
