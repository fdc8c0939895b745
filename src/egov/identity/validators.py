"""Phone numbers and e-mail addresses as people type them."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MOBILE = re.compile(r"0[35789][0-9]{8}")


def normalise_phone(value: str) -> str:
    """``+84 912 345 678``, ``84912345678`` and ``0912.345.678`` all become ``0912345678``."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_mobile_phone(value: str) -> None:
    """A Vietnamese mobile number (codes are sent to it by SMS), already normalised."""
    if not _MOBILE.fullmatch(value or ""):
        raise ValidationError(
            _("A mobile phone number has 10 digits and starts with 03, 05, 07, 08 or 09."),
            code="mobile_phone",
        )


def normalise_email(value: str) -> str:
    """E-mail addresses are compared without regard to case."""
    return (value or "").strip().lower()


def looks_like_email(value: str) -> bool:
    return "@" in (value or "")


def mask_recipient(value: str) -> str:
    """Show enough of a phone number or e-mail for the person to recognise it: 09******78, a***@x.vn."""
    if looks_like_email(value):
        local, _at, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(value) <= 4:
        return "*" * len(value)
    return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"
