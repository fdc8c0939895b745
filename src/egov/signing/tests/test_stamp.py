"""The stamp font has every Vietnamese letter (stack.md, pitfall 1) and the placement convention holds."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.reader import PdfFileReader

from egov.core.tests.test_fonts import vietnamese_letters
from egov.signing.pades import STAMP_FONT, signature_field_name, stamp_placement
from egov.signing.tests.conftest import document


def test_the_stamp_font_covers_every_vietnamese_letter():
    cmap = TTFont(STAMP_FONT).getBestCmap()

    assert sorted(letter for letter in vietnamese_letters() if ord(letter) not in cmap) == []
    assert TTFont(STAMP_FONT)["head"].unitsPerEm == 1000  # 2048-unit fonts come out letter-spaced


def test_the_marked_place_is_found_on_its_page():
    placement = stamp_placement(PdfFileReader(io.BytesIO(document())))

    assert placement is not None
    assert placement.page == 0
    x1, y1, x2, y2 = placement.box
    assert 0 < x1 < x2 <= 595  # inside an A4 page
    assert 0 < y1 < y2 <= 842


def test_no_mark_no_placement():
    assert stamp_placement(PdfFileReader(io.BytesIO(document(with_anchor=False)))) is None


def test_field_names_never_contain_dots():
    name = signature_field_name("H37.03.01")

    assert "." not in name
    assert name.startswith("egov_H37_03_01_")
