"""The QR code printed beside the dossier code: it opens the public lookup page for that dossier
(TT 01/2018/TT-VPCP Art. 19.2 allows the code to be given as a barcode or QR code)."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.conf import settings

LOOKUP_PATH = "/tra-cuu/?ma="
# Error correction M (15 %) survives a folded or lightly smudged slip and keeps the symbol small.
ERROR_CORRECTION = "m"
# The quiet zone the QR specification asks for, in modules.
QUIET_ZONE = 4


def lookup_url(code: str) -> str:
    """The public lookup page of a dossier: ``<PUBLIC_BASE_URL>/tra-cuu/?ma=<code>``."""
    base = str(settings.PUBLIC_BASE_URL).rstrip("/")
    return f"{base}{LOOKUP_PATH}{quote(code, safe='')}"


def qr_svg(data: str) -> str:
    """An inline ``<svg>`` (no XML declaration, sized by CSS through its viewBox) encoding ``data``."""
    return segno.make(data, error=ERROR_CORRECTION, micro=False).svg_inline(
        border=QUIET_ZONE, omitsize=True, svgclass="qr"
    )


def lookup_qr_svg(code: str) -> str:
    """The QR code of the dossier's lookup URL, as inline SVG."""
    return qr_svg(lookup_url(code))
