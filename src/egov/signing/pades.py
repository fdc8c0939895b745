"""PAdES signing with pyHanko, shared by every backend that holds a pyHanko ``Signer`` (the local CA's
in-memory key today; a PKCS#11 token's ``pkcs11.PKCS11Signer`` later).

Level: PAdES B-B (``/ETSI.CAdES.detached``, SHA-256, signing-certificate-v2 attribute, no timestamp, no
revocation data), because it is what can be produced offline; B-T and B-LT need a timestamp authority and
OCSP/CRL from a Vietnamese CA (docs/results-and-signing.md).

The visible stamp. A document says where the stamp goes by giving an element the id
:data:`STAMP_ANCHOR`, sized :data:`STAMP_WIDTH_MM` × :data:`STAMP_HEIGHT_MM`; WeasyPrint turns the id into
a PDF named destination (page and top-left corner), which :func:`stamp_placement` reads back. A PDF
without that destination gets an invisible signature. The stamp text is set in Noto Sans (vendored,
``signing/fonts``): pyHanko lays out fonts with 2048 units per em (Liberation, DejaVu) with spaced-out
letters, and Noto (1000 units) correctly (stack.md, pitfall 2).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers import Signer as PyHankoSigner
from pyhanko.stamp import TextStampStyle

from egov.signing.loops import outside_event_loop

STAMP_ANCHOR = "egov-signature"
STAMP_WIDTH_MM = 70
STAMP_HEIGHT_MM = 20
STAMP_FONT = Path(__file__).resolve().parent / "fonts" / "NotoSans-Regular-vi.ttf"
STAMP_FONT_SIZE = 8
# The agency's seal is red (Decree 30/2020 Appendix I); the stamp's frame takes that colour.
STAMP_BORDER_RGB = (0.75, 0.0, 0.0)
_POINTS_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class StampPlacement:
    page: int  # zero-based
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in PDF points, origin bottom left


def _name_tree_lookup(node: Any, key: str, depth: int = 0) -> Any:
    """The value for ``key`` in a PDF name tree (``/Names`` pairs, ``/Kids`` subtrees), or None."""
    if depth > 32 or not isinstance(node, generic.DictionaryObject):
        return None
    names = node.get("/Names")
    if names is not None:
        for index in range(0, len(names) - 1, 2):
            if str(names[index]) == key:
                return names[index + 1]
    for kid in node.get("/Kids", []):
        found = _name_tree_lookup(kid.get_object(), key, depth + 1)
        if found is not None:
            return found
    return None


def stamp_placement(reader: PdfFileReader) -> StampPlacement | None:
    """Where the document asked for the visible stamp (:data:`STAMP_ANCHOR`), if anywhere."""
    names = reader.root.get("/Names")
    dests = names.get("/Dests") if isinstance(names, generic.DictionaryObject) else None
    destination = _name_tree_lookup(dests.get_object(), STAMP_ANCHOR) if dests is not None else None
    if destination is None:
        return None
    destination = destination.get_object()
    if isinstance(destination, generic.DictionaryObject):  # { /D [page /XYZ left top zoom] }
        destination = destination.get("/D")
    if not isinstance(destination, generic.ArrayObject) or len(destination) < 4:
        return None
    # raw_get: indexing an array would resolve the page reference into the page dictionary.
    page_ref, view, left, top = destination.raw_get(0), destination[1], destination[2], destination[3]
    if view != "/XYZ" or not isinstance(page_ref, generic.IndirectObject):
        return None
    page_count = int(reader.root["/Pages"]["/Count"])
    for page in range(page_count):
        reference, _resources = reader.find_page_for_modification(page)
        if reference.reference == page_ref.reference:
            x, y = float(left), float(top)
            width, height = STAMP_WIDTH_MM * _POINTS_PER_MM, STAMP_HEIGHT_MM * _POINTS_PER_MM
            return StampPlacement(page=page, box=(round(x), round(y - height), round(x + width), round(y)))
    return None


@cache
def _stamp_style() -> TextStampStyle:
    return TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(STAMP_FONT), font_size=STAMP_FONT_SIZE)),
        border_width=1,
        border_color=STAMP_BORDER_RGB,
        background=None,
    )


def signature_field_name(prefix: str) -> str:
    """A field name unique in the document; PDF field names may not contain dots (they nest fields)."""
    safe = "".join(char if char.isascii() and char.isalnum() else "_" for char in prefix)
    return f"egov_{safe}_{uuid.uuid4().hex[:12]}"


def pades_sign(
    pdf_bytes: bytes,
    *,
    signer: PyHankoSigner,
    field_name: str,
    reason: str,
    location: str,
    stamp_lines: Sequence[str],
) -> bytes:
    """Add one PAdES B-B signature (visible where the document asks for it, else invisible)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    placement = stamp_placement(writer.prev)
    metadata = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    if placement is not None:
        pdf_signer = PdfSigner(
            metadata,
            signer=signer,
            stamp_style=_stamp_style(),
            new_field_spec=fields.SigFieldSpec(field_name, on_page=placement.page, box=placement.box),
        )
        text_params = {"text": "\n".join(stamp_lines)}
    else:
        pdf_signer = PdfSigner(metadata, signer=signer, new_field_spec=fields.SigFieldSpec(field_name))
        text_params = None
    output = io.BytesIO()
    outside_event_loop(pdf_signer.sign_pdf, writer, output=output, appearance_text_params=text_params)
    return output.getvalue()
