"""Rendering the one-stop section's slips (forms 01–06 of TT 03/2025/TT-VPCP Appendix I) to PDF:
a Django template per form, one print stylesheet, WeasyPrint. Layout and fields: docs/slips.md.

A slip (forms 01–05) is rendered once, from the content frozen in ``Slip.data`` when it was issued, and
the PDF is kept (:func:`slip_pdf`); the process control slip (form 06) grows with every hand-over, so it
is rendered on demand and never kept (:func:`control_slip_pdf`).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import structlog
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from egov.accounts.models import Agency
from egov.accounts.selectors import agency_name_on
from egov.core.models import StoredFile
from egov.core.uploads import stored_file_from_bytes
from egov.dossiers.models import ControlRow, Dossier, Slip
from egov.dossiers.register import register_entry
from egov.dossiers.slips.qr import lookup_qr_svg, lookup_url

logger = structlog.get_logger(__name__)

# Official forms are Vietnamese whatever the language of the officer's screen.
SLIP_LANGUAGE = "vi"
FONTS_DIR = Path(__file__).resolve().parents[2] / "core" / "fonts"
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}
# Our own family name, so that fontconfig never picks Debian's Liberation 1.07 (stack.md, pitfall 1).
FONT_FAMILY = "LiberationSerif-egov"
TEMPLATE_DIR = "dossiers/slips"
# "Ủy ban nhân dân tỉnh Ninh Bình" → "Ninh Bình": the place printed before the date.
_PLACE_PREFIX = re.compile(
    r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(?:tỉnh|thành phố|phường|xã|đặc khu)\s+", re.IGNORECASE
)


# --- formatting (Vietnamese conventions, ui.md) ---------------------------------------------------------


def format_date(day: date) -> str:
    """``05/03/2026``."""
    return f"{day:%d/%m/%Y}"


def format_moment(moment: datetime) -> str:
    """``14 giờ 30 phút, ngày 05/03/2026`` in the province's time zone."""
    local = timezone.localtime(moment)
    return pgettext("slip", "%(hour)s:%(minute)s on %(date)s") % {
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
        "date": format_date(local.date()),
    }


def format_place_date(place: str, day: date) -> str:
    """``Ninh Bình, ngày 05 tháng 03 năm 2026`` (the place and date line of Decree 30/2020)."""
    values = {"place": place, "day": f"{day:%d}", "month": f"{day:%m}", "year": f"{day:%Y}"}
    if place:
        return pgettext("slip", "%(place)s, %(day)s/%(month)s/%(year)s") % values
    return pgettext("slip", "Date: %(day)s/%(month)s/%(year)s") % values


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, datetime) else None


def _formatted(value: Any) -> str:
    moment = _moment(value)
    return format_moment(moment) if moment else ""


# --- the header: issuing agency, national title, place and date ---------------------------------------


@dataclass(frozen=True)
class Header:
    governing: str  # the agency above the issuer (cơ quan chủ quản), upper case
    issuer: str  # the issuing agency, upper case
    issuer_name: str  # the same, as written in a sentence
    place_date: str
    reference: str = ""


def _place(agency: Agency, day: date) -> str:
    """The province (or commune) where the agency sits, from the nearest such agency above it."""
    node: Agency | None = agency
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.level in (Agency.Level.PROVINCE, Agency.Level.COMMUNE):
            return _PLACE_PREFIX.sub("", agency_name_on(agency=node, day=day)).strip()
        seen.add(node.pk)
        node = node.parent
    return ""


def slip_header(*, agency: Agency, issued_at: datetime, issuer_name: str = "") -> Header:
    """Names as they were on the day of issue (an agency renamed later keeps its old name on old slips)."""
    day = timezone.localtime(issued_at).date()
    name = issuer_name or agency_name_on(agency=agency, day=day)
    parent = agency.parent
    governing = agency_name_on(agency=parent, day=day) if parent is not None else ""
    return Header(
        governing=governing.upper(),
        issuer=name.upper(),
        issuer_name=name,
        place_date=format_place_date(_place(agency, day), day),
    )


# --- the forms ------------------------------------------------------------------------------------------


def _titles() -> dict[str, str]:
    return {
        Slip.Kind.RECEIPT: pgettext("slip", "RECEIPT AND APPOINTMENT FOR THE RESULT"),
        Slip.Kind.SUPPLEMENT_REQUEST: pgettext("slip", "REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER"),
        Slip.Kind.REFUSAL: pgettext("slip", "REFUSAL TO RECEIVE AND PROCESS THE DOSSIER"),
        Slip.Kind.APOLOGY: pgettext("slip", "APOLOGY AND EXTENSION OF THE PROCESSING TIME"),
        Slip.Kind.STOP_NOTICE: pgettext("slip", "NOTICE OF STOPPING THE PROCESSING OF THE DOSSIER"),
    }


def _signer(role: str, name: str, *, hint: str = "", automatic_note: str = "") -> dict[str, str]:
    return {
        "signer_role": role,
        "signer_hint": hint or pgettext("slip", "(Signature and full name)"),
        "signer_name": name,
        "automatic_note": automatic_note,
    }


def _issuer_label(slip: Slip) -> str:
    return str(slip.issued_by) if slip.issued_by_id is not None else ""


def _receipt(slip: Slip, data: Mapping[str, Any]) -> dict[str, Any]:
    papers = list(data.get("papers") or [])
    return {
        "papers": papers,
        "has_counts": any("originals" in paper or "copies" in paper for paper in papers),
        "received_at": _formatted(data.get("received_at")),
        "due_at": _formatted(data.get("due_at")),
        "register": register_entry(dossier=slip.dossier),
    }


def _supplement_request(slip: Slip, data: Mapping[str, Any]) -> dict[str, Any]:
    due_on = data.get("due_on")
    return {
        "due_on": format_date(date.fromisoformat(due_on)) if due_on else "",
        **_signer(pgettext("slip", "Guiding officer"), str(data.get("contact") or _issuer_label(slip))),
    }


def _refusal(slip: Slip, data: Mapping[str, Any]) -> dict[str, Any]:
    return _signer(pgettext("slip", "Receiving officer"), _issuer_label(slip))


def _apology(slip: Slip, data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "received_at": _formatted(data.get("received_at")),
        # processing.dossier_extend stores the appointment being moved as "previous_due_at".
        "old_due_at": _formatted(data.get("previous_due_at") or data.get("old_due_at")),
        "new_due_at": _formatted(data.get("new_due_at")),
        **_signer(
            pgettext("slip", "Head of the agency"),
            str(data.get("signer") or _issuer_label(slip)),
            hint=pgettext("slip", "(Signature, full name and seal)"),
        ),
    }


def _stop_notice(slip: Slip, data: Mapping[str, Any]) -> dict[str, Any]:
    automatic = "" if slip.issued_by_id else pgettext("slip", "Issued automatically by the system.")
    return _signer(pgettext("slip", "Receiving officer"), _issuer_label(slip), automatic_note=automatic)


FORMS = {
    Slip.Kind.RECEIPT: _receipt,
    Slip.Kind.SUPPLEMENT_REQUEST: _supplement_request,
    Slip.Kind.REFUSAL: _refusal,
    Slip.Kind.APOLOGY: _apology,
    Slip.Kind.STOP_NOTICE: _stop_notice,
}


def _code_block(code: str) -> dict[str, str]:
    return {"code": code, "lookup_url": lookup_url(code), "qr_svg": lookup_qr_svg(code)} if code else {}


def slip_html(slip: Slip) -> str:
    """The slip's HTML, from its frozen ``data`` (and the issuing agency's name on the day of issue)."""
    data: Mapping[str, Any] = slip.data or {}
    with translation.override(SLIP_LANGUAGE):
        context: dict[str, Any] = {
            "data": data,
            "title": _titles()[slip.kind],
            "issued_at": format_moment(slip.issued_at),
            "header": slip_header(
                agency=slip.dossier.receiving_agency,
                issued_at=slip.issued_at,
                issuer_name=str(data.get("receiving_agency") or ""),
            ),
            **_code_block(str(data.get("code") or slip.dossier.code)),
            **FORMS[Slip.Kind(slip.kind)](slip, data),
        }
        return render_to_string(f"{TEMPLATE_DIR}/{slip.kind}.html", context)


def control_slip_html(dossier: Dossier, *, at: datetime | None = None) -> str:
    """Form 06 from the dossier's control rows as they are now."""
    moment = at or timezone.now()
    rows = list(
        ControlRow.objects.filter(dossier=dossier).select_related("to_agency").order_by("handed_at", "id")
    )
    processing = dossier.processing_agency
    # Co-operating agencies: those the dossier was handed to other than the lead one and the desk itself.
    not_cooperating = {dossier.processing_agency_id, dossier.receiving_agency_id}
    cooperating = sorted(
        {row.to_agency.name for row in rows if row.to_agency and row.to_agency_id not in not_cooperating}
    )
    with translation.override(SLIP_LANGUAGE):
        context = {
            "title": pgettext("slip", "PROCESS CONTROL SLIP"),
            "header": slip_header(agency=dossier.receiving_agency, issued_at=moment),
            **_code_block(dossier.code),
            "processing_agency": processing.name if processing is not None else "",
            "cooperating": cooperating,
            "received_at": format_moment(dossier.received_at) if dossier.received_at else "",
            "due_at": format_moment(dossier.due_at) if dossier.due_at else "",
            "rows": [
                {
                    "step": row.step,
                    "giver": row.giver,
                    "receiver": row.receiver,
                    "handed_at": format_moment(row.handed_at),
                    "due_at": format_moment(row.due_at) if row.due_at else "",
                    "outcome": ControlRow.Outcome(row.outcome).label if row.outcome else "",
                    "note": row.note,
                }
                for row in rows
            ],
        }
        return render_to_string(f"{TEMPLATE_DIR}/control.html", context)


# --- HTML → PDF -----------------------------------------------------------------------------------------


@cache
def _stylesheet_text() -> str:
    fonts = {key: (FONTS_DIR / name).as_uri() for key, name in FONT_FILES.items()}
    return render_to_string(f"{TEMPLATE_DIR}/slip.css", {"fonts": fonts, "family": FONT_FAMILY})


_local = threading.local()


def _weasyprint_setup() -> tuple[FontConfiguration, CSS]:
    """The font configuration and parsed stylesheet, made once per thread (WeasyPrint's font objects are
    not shared between threads) and reused by every render: loading the fonts is most of a first render."""
    setup = getattr(_local, "setup", None)
    if setup is None:
        font_config = FontConfiguration()
        setup = (font_config, CSS(string=_stylesheet_text(), font_config=font_config))
        _local.setup = setup
    return setup


def html_to_pdf(html: str) -> bytes:
    font_config, stylesheet = _weasyprint_setup()
    # base_url None: a slip loads nothing from outside (fonts are file:// URLs, the QR code inline SVG).
    pdf = HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet], font_config=font_config)
    assert pdf is not None
    return pdf


def render_slip(slip: Slip) -> bytes:
    """The slip's PDF bytes (not stored). :func:`slip_pdf` is what callers want."""
    started = time.perf_counter()
    pdf = html_to_pdf(slip_html(slip))
    logger.info(
        "slip_rendered",
        slip_id=slip.pk,
        kind=slip.kind,
        bytes=len(pdf),
        milliseconds=round((time.perf_counter() - started) * 1000),
    )
    return pdf


def slip_file_name(slip: Slip) -> str:
    return f"{slip.dossier.code}-{slip.kind}-{slip.pk}.pdf"


def slip_pdf(slip: Slip) -> StoredFile:
    """The slip's PDF, rendered from its frozen content on the first call and kept; later calls return the
    kept file. Safe to call at the same time from several workers: the slip row is locked while the first
    caller renders, and whoever comes next finds the file (it is never rendered twice)."""
    kept = slip.file if slip.file_id is not None else None
    if kept is not None:
        return kept
    with transaction.atomic():
        locked = (
            Slip.objects.select_for_update(of=("self",))
            .select_related("dossier__receiving_agency__parent", "issued_by")
            .get(pk=slip.pk)
        )
        # Read the file through its id: on PostgreSQL a row joined in the same statement would come from
        # the snapshot taken before we waited for the lock, and miss the file the first caller just made.
        stored = StoredFile.objects.filter(pk=locked.file_id).first() if locked.file_id else None
        if stored is None:  # nobody rendered it while we waited for the lock
            stored = stored_file_from_bytes(
                content=render_slip(locked), name=slip_file_name(locked), actor=None
            )
            locked.file = stored
            locked.save(update_fields=["file"])
    slip.file = stored
    return stored


def control_slip_pdf(dossier: Dossier) -> bytes:
    """Form 06 as it stands now: rendered on every call and not kept, because rows keep being added."""
    return html_to_pdf(control_slip_html(dossier))
