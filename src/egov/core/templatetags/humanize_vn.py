"""Vietnamese number and money formats: "200.000 đồng" (dot for thousands, comma for decimals)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def group_thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@register.filter
def vnd(value: Any) -> str:
    """200000 → "200.000 đồng"."""
    if value is None or value == "":
        return ""
    return f"{group_thousands(int(value))} đồng"


@register.filter
def vn_number(value: Any, decimals: int = 0) -> str:
    """1234.5 → "1.234,5" with ``decimals`` places."""
    if value is None or value == "":
        return ""
    text = f"{float(value):,.{int(decimals)}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
