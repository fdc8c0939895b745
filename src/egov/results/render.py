"""Rendering results and rejection notices to PDF, before signing: a Django template in the layout of
Decree 30/2020 (national title, issuing agency, number and symbol, place and date, content, signer's
title and name), the one-stop slips' print stylesheet and fonts (``dossiers.slips.render.html_to_pdf``),
and a box where the signature stamp goes (:data:`egov.signing.pades.STAMP_ANCHOR`).

Everything printed comes from the document's frozen ``content`` and its issue time, so a document can be
rendered again identically for tests and comparisons, but the signed PDF that was stored is the document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext

from egov.accounts.models import Agency
from egov.accounts.selectors import agency_name_on
from egov.dossiers.slips.render import format_date, html_to_pdf, slip_header
from egov.signing.pades import STAMP_ANCHOR, STAMP_HEIGHT_MM, STAMP_WIDTH_MM

DOCUMENT_LANGUAGE = "vi"
TEMPLATES = {"result": "results/result.html", "rejection_notice": "results/rejection_notice.html"}
_PLACE_PREFIX = re.compile(
    r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(?:tỉnh|thành phố|phường|xã|đặc khu)\s+", re.IGNORECASE
)


def signer_title_default(agency: Agency) -> str:
    """The signing head's title line(s), by the kind of agency (Decree 30/2020 Art. 13: "TM." for a
    People's Committee, which decides collectively)."""
    level = agency.level
    with translation.override(DOCUMENT_LANGUAGE):
        if level in (Agency.Level.PROVINCE, Agency.Level.COMMUNE, Agency.Level.DISTRICT):
            return "\n".join(
                [
                    pgettext("result", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
                    pgettext("result", "CHAIRMAN"),
                ]
            )
        if level == Agency.Level.BOARD:
            return pgettext("result", "HEAD OF THE BOARD")
        if level == Agency.Level.DIVISION:
            return pgettext("result", "HEAD OF DIVISION")
        return pgettext("result", "DIRECTOR")


def place_of(agency: Agency, day: date) -> str:
    """ "Ninh Bình": the province (or commune) the agency belongs to, for the signature's location."""
    node: Agency | None = agency
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.level in (Agency.Level.PROVINCE, Agency.Level.COMMUNE):
            return _PLACE_PREFIX.sub("", agency_name_on(agency=node, day=day)).strip()
        seen.add(node.pk)
        node = node.parent
    return ""


def _valid_until(content: Mapping[str, Any]) -> str:
    value = content.get("valid_until") or ""
    return format_date(date.fromisoformat(value)) if value else ""


def document_html(*, kind: str, content: Mapping[str, Any], agency: Agency, issued_at: datetime) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        header = slip_header(
            agency=agency, issued_at=issued_at, issuer_name=str(content.get("agency_name") or "")
        )
        replaces = content.get("replaces") or None
        context = {
            "content": content,
            "header": header,
            "title": content.get("title", ""),
            "valid_until": _valid_until(content),
            "signer_title_lines": str(content.get("signer_title") or "").splitlines(),
            "replaces": replaces,
            "replaces_issued_on": (
                format_date(date.fromisoformat(replaces["issued_on"])) if replaces else ""
            ),
            "stamp": {"anchor": STAMP_ANCHOR, "width_mm": STAMP_WIDTH_MM, "height_mm": STAMP_HEIGHT_MM},
            "issued_on": format_date(timezone.localtime(issued_at).date()),
        }
        return render_to_string(TEMPLATES[kind], context)


def document_pdf(*, kind: str, content: Mapping[str, Any], agency: Agency, issued_at: datetime) -> bytes:
    """The unsigned PDF (signing adds the signature as an incremental update)."""
    return html_to_pdf(document_html(kind=kind, content=content, agency=agency, issued_at=issued_at))
