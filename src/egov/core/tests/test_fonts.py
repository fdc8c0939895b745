"""The vendored serif font has every Vietnamese letter, so official slips never print boxes
(stack.md pitfall 1: Debian's Liberation 1.07 lacks 92 of the 134)."""

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "fonts"
VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def vietnamese_letters() -> set[str]:
    """Letters with Vietnamese diacritics, both cases: 12 vowels × 6 tones × 2 − 12 plain + đ, Đ."""
    import unicodedata

    letters = {"đ", "Đ"}
    for vowel in VOWELS:
        for tone in TONES:
            composed = unicodedata.normalize("NFC", vowel + tone)
            letters |= {composed, composed.upper()}
    return {letter for letter in letters if not letter.isascii()}


def test_there_are_134_vietnamese_letters():
    assert len(vietnamese_letters()) == 134


@pytest.mark.parametrize("name", sorted(p.name for p in FONTS.glob("*.ttf")))
def test_vendored_font_covers_every_vietnamese_letter(name):
    cmap = TTFont(FONTS / name).getBestCmap()

    missing = sorted(letter for letter in vietnamese_letters() if ord(letter) not in cmap)

    assert missing == []
