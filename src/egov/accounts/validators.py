"""Identity numbers: the 12-digit personal identification number and the enterprise/tax code."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Province-of-birth codes of the personal identification number (Circular 07/2016/TT-BCA Annex,
# as amended by Circular 59/2021/TT-BCA): the 63 provinces as they were before the 2025 merger, since
# the code records the place of birth registration and does not change.
BIRTH_PROVINCE_CODES = frozenset(
    """001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036
    037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077
    079 080 082 083 084 086 087 089 091 092 093 094 095 096""".split()  # noqa: SIM905 - a table, as printed
)

# The 4th digit gives the century of birth and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s…
_CENTURY_START = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}


def personal_id_birth_year(value: str) -> int:
    return _CENTURY_START[int(value[3])] + int(value[4:6])


def validate_personal_id(value: str, *, today: date | None = None) -> None:
    """Check the structure of a số định danh cá nhân (CCCD number); raise with a Vietnamese message."""
    # [0-9], not \d: \d also matches other scripts' digits (e.g. "٣"), which int() would accept.
    if not re.fullmatch(r"[0-9]{12}", value or ""):
        raise ValidationError(
            _("The personal identification number must have exactly 12 digits."), code="personal_id_format"
        )
    if value[:3] not in BIRTH_PROVINCE_CODES:
        raise ValidationError(
            _("The first three digits (%(code)s) are not a province code of birth registration.")
            % {"code": value[:3]},
            code="personal_id_province",
        )
    year = personal_id_birth_year(value)
    this_year = (today or date.today()).year
    if year > this_year:
        raise ValidationError(
            _("Digits 4 to 6 give a birth year of %(year)s, which is in the future.") % {"year": year},
            code="personal_id_year",
        )
    if year < this_year - 130:
        raise ValidationError(
            _("Digits 4 to 6 give a birth year of %(year)s, which is not possible.") % {"year": year},
            code="personal_id_year",
        )


_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalise_tax_code(value: str) -> str:
    """``0100112437-001`` and ``0100112437001`` are the same branch code; keep the dashed form."""
    digits = (value or "").replace("-", "").replace(" ", "")
    return f"{digits[:10]}-{digits[10:]}" if len(digits) == 13 else digits


def validate_tax_code(value: str) -> None:
    """A business's tax/enterprise code: 10 digits, or 13 for a branch (10 + 3), with its check digit."""
    compact = (value or "").replace(" ", "")
    # The only hyphen allowed is the one between the 10-digit code and a branch's 3 digits.
    if not re.fullmatch(r"[0-9]{10}(-?[0-9]{3})?", compact):
        raise ValidationError(
            _("The tax code must have 10 digits, or 13 digits for a branch (e.g. 0100112437-001)."),
            code="tax_code_format",
        )
    digits = compact.replace("-", "")
    remainder = sum(int(d) * w for d, w in zip(digits[:9], _TAX_WEIGHTS, strict=True)) % 11
    check = 10 - remainder
    if check == 10 or int(digits[9]) != check:  # a remainder of 0 is never issued
        raise ValidationError(
            _("The tax code's check digit does not match; please check the number."), code="tax_code_check"
        )


_AGENCY_CODE = re.compile(r"[A-Z0-9]+(\.[A-Z0-9]+)*")


def validate_agency_code(value: str) -> None:
    """Electronic identifier of an agency (Decision 20/2020/QĐ-TTg): up to 35 characters of 0-9, A-Z and
    dots, one dot-separated group per level."""
    # fullmatch: with match(), "$" would also accept a trailing newline.
    if len(value or "") > 35 or not _AGENCY_CODE.fullmatch(value or ""):
        raise ValidationError(
            _("An agency code has at most 35 characters: capital letters, digits and dots between levels."),
            code="agency_code",
        )
