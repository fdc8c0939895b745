"""Application e-forms (tờ khai): JSON Schema plus display hints, validated on the server with a
Vietnamese message per field."""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

# Where a profile value prefills a form field: form fields may declare "x-prefill": "<profile key>".
PROFILE_KEYS = ("full_name", "personal_id", "phone", "email", "address", "date_of_birth", "tax_code")


def schema_check(schema: dict[str, Any]) -> list[str]:
    """Problems with a form definition itself (for the admin), empty when it is a usable schema."""
    if not schema:
        return []
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        return [_("The form definition is not valid JSON Schema: %(error)s") % {"error": error.message}]
    if schema.get("type") != "object":
        return [_('The form definition must describe an object ("type": "object").')]
    return []


def _field_of(error: ValidationError) -> str:
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return ".".join([*(str(part) for part in error.absolute_path), missing]).strip(".")
    return ".".join(str(part) for part in error.absolute_path) or "__all__"


def _message(error: ValidationError, schema: dict[str, Any], field: str) -> str:
    properties = schema.get("properties", {})
    title = properties.get(field.split(".")[0], {}).get("title", field)
    kind = error.validator
    value = error.validator_value
    if kind == "required":
        return _("Please fill in “%(title)s”.") % {"title": title}
    if kind == "minLength" and value == 1:
        return _("Please fill in “%(title)s”.") % {"title": title}
    if kind == "minLength":
        return _("“%(title)s” must have at least %(n)s characters.") % {"title": title, "n": value}
    if kind == "maxLength":
        return _("“%(title)s” must have at most %(n)s characters.") % {"title": title, "n": value}
    if kind == "pattern":
        hint = properties.get(field, {}).get("x-pattern-message")
        return hint or _("“%(title)s” is not written in the expected form.") % {"title": title}
    if kind == "format" and value == "date":
        return _("“%(title)s” must be a date (dd/mm/yyyy).") % {"title": title}
    if kind == "format" and value == "email":
        return _("“%(title)s” must be an e-mail address.") % {"title": title}
    if kind == "enum":
        return _("Choose one of the options for “%(title)s”.") % {"title": title}
    if kind in {"minimum", "exclusiveMinimum"}:
        return _("“%(title)s” must be at least %(n)s.") % {"title": title, "n": value}
    if kind in {"maximum", "exclusiveMaximum"}:
        return _("“%(title)s” must be at most %(n)s.") % {"title": title, "n": value}
    if kind == "type":
        return _("“%(title)s” has the wrong kind of value.") % {"title": title}
    return _("“%(title)s” is not valid.") % {"title": title}


def form_validate(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    """Field → Vietnamese message for every problem (first problem per field); empty when valid."""
    if not schema:
        return {}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        field = _field_of(error)
        errors.setdefault(field, _message(error, schema, field))
    return errors


def form_clean(schema: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """Coerce submitted strings to the schema's types (HTML forms send text); drop empty optionals."""
    properties = schema.get("properties", {})
    cleaned: dict[str, Any] = {}
    for key, spec in properties.items():
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
            kind = spec.get("type")
            if kind == "integer":
                with contextlib.suppress(ValueError):
                    value = int(value)
            elif kind == "number":
                with contextlib.suppress(ValueError):
                    value = float(value.replace(",", "."))
            elif kind == "boolean":
                value = value in {"on", "true", "1", "yes"}
        cleaned[key] = value
    return cleaned


def form_prefill(schema: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """Initial values from what the applicant has already declared (never ask twice)."""
    initial: dict[str, Any] = {}
    for key, spec in schema.get("properties", {}).items():
        source = spec.get("x-prefill")
        if source in PROFILE_KEYS and profile.get(source):
            initial[key] = profile[source]
    return initial
