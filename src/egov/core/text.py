"""Vietnamese text helpers shared by search, sorting and matching."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import get_language

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, without diacritics, đ → d: ``"Đăng ký khai sinh"`` → ``"dang ky khai sinh"``.

    ``đ`` has no Unicode decomposition, so it is replaced before the combining marks are dropped
    (stack.md, pitfall 3).
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", stripped.lower()).strip()


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, then tones.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_BASE_RANK = {char: index for index, char in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def vietnamese_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A key that sorts names in Vietnamese order (letters first, tones as a tie-break), for SQLite where
    there is no ICU collation."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text.lower()):
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        marks = decomposed[1:]
        tone = next((_TONES[mark] for mark in marks if mark in _TONES), 0)
        kept = unicodedata.normalize("NFC", base + "".join(mark for mark in marks if mark not in _TONES))
        letters.append(_BASE_RANK[kept] if kept in _BASE_RANK else 100 + ord(kept))
        tones.append(tone)
    return tuple(letters), tuple(tones)


_LABELS: dict[tuple[str | None, type, object], str] = {}


def translated_label(key: object, label: object) -> str:
    """``str(label)`` (a lazily translated label of ``key``: a status, an outcome) in the active
    language, remembered: catalogues do not change while a process runs, and the busiest answers (the
    public lookup) translate the same few labels again and again."""
    entry = (get_language(), type(key), key)  # the type: members of two str enums may be equal strings
    found = _LABELS.get(entry)
    if found is None:
        found = _LABELS[entry] = str(label)
    return found
