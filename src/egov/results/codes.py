"""E-result codes and document numbers.

- Decree 118/2025 Art. 22.4: an e-result carries a code of two parts, the holder's identification number
  and the result type code of the national TTHC database, e.g. ``037090001234`` + ``LLTP`` →
  ``037090001234LLTP``. The decree gives no separator; the personal identification number always has 12
  digits, so the two parts never run together ambiguously. The code names a kind of paper of a person,
  not one document: a corrected result keeps it.
- Decree 45/2020 Art. 14.3 (the older form, still used by systems synced to the e-store as ``…-KQn``):
  ``<dossier code>-KQ<n>``, n counting the dossier's results and notices from 1; unique per document.

We compute both. The Art. 22.4 form is the primary code when the holder has a personal identification
number and the procedure a result type code; otherwise the older form is used for both.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from egov.accounts.validators import validate_personal_id

LEGACY_SEPARATOR = "-KQ"


def legacy_code_for(*, dossier_code: str, number: int) -> str:
    return f"{dossier_code}{LEGACY_SEPARATOR}{number}"


def holder_personal_id(raw: str) -> str:
    """The holder's personal identification number if ``raw`` is a valid one, else ``""`` (an
    organisation's code, a passport number, or nothing)."""
    value = (raw or "").strip()
    try:
        validate_personal_id(value)
    except ValidationError:
        return ""
    return value


def e_result_code_for(*, personal_id: str, result_type_code: str, legacy_code: str) -> str:
    """Art. 22.4 form when both parts exist, else the older ``<dossier code>-KQ<n>``."""
    type_code = (result_type_code or "").strip()
    if personal_id and type_code:
        return f"{personal_id}{type_code}"
    return legacy_code


_COMMITTEE = re.compile(r"^(?:ủy|uỷ)\s+ban\s+nhân\s+dân\b", re.IGNORECASE)
# "tỉnh Ninh Bình", "phường Hoa Lư", "thành phố Huế", "đặc khu Phú Quốc": where the place name starts.
_PLACE_STARTS = (("tỉnh",), ("phường",), ("xã",), ("thành", "phố"), ("đặc", "khu"))
_SMALL_WORDS = {"và", "các", "của"}


def _place_starts_at(words: list[str], index: int) -> bool:
    for start in _PLACE_STARTS:
        end = index + len(start)
        if [word.lower() for word in words[index:end]] == list(start) and words[end : end + 1]:
            return words[end][:1].isupper()
    return False


def agency_abbreviation(name: str) -> str:
    """The agency part of a document symbol (Decree 30/2020 Appendix I): initials of its name, with
    all-capital words kept whole and the place name left out. "Sở Tư pháp" → "STP", "Ủy ban nhân dân
    tỉnh Ninh Bình" → "UBND", "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình" → "TTPVHCC"."""
    if _COMMITTEE.match(name.strip()):
        return "UBND"
    words = [word for word in (re.sub(r"[^\w]", "", word) for word in name.split()) if word]
    parts: list[str] = []
    for index, word in enumerate(words):
        if _place_starts_at(words, index):
            break
        if word.lower() in _SMALL_WORDS:
            continue
        parts.append(word if word.isupper() and len(word) > 1 else word[0].upper())
    return "".join(parts) or "KQ"
