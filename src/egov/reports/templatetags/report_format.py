"""Numbers as Vietnamese readers write them: 1.234 dossiers, 98,71%, 3,25 days; N/A when there is no
denominator (spec §4)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()
NOT_APPLICABLE = "N/A"


def vn_number(value: Any, places: int = 0) -> str:
    if value is None or value == "":
        return NOT_APPLICABLE
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{number:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@register.filter
def number(value: Any) -> str:
    """1234 → 1.234"""
    return vn_number(value, 0)


@register.filter
def percent(value: Any) -> str:
    """0.9871 → 98,71%; None → N/A."""
    if value is None or value == "":
        return NOT_APPLICABLE
    return vn_number(Decimal(value) * 100, 2) + "%"


@register.filter
def decimal2(value: Any) -> str:
    """3.254 → 3,25; None → N/A."""
    return vn_number(value, 2)


@register.filter
def points(value: Any) -> str:
    return "–" if value is None else vn_number(value, 2)
