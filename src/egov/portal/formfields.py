"""Turn an e-form's JSON Schema and display hints into the fields a template renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FormField:
    name: str
    title: str
    input_type: str  # text, email, tel, date, number, textarea, select, checkbox
    value: Any = ""
    error: str = ""
    required: bool = False
    help: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    autocomplete: str = ""
    pattern: str = ""


_AUTOCOMPLETE = {"full_name": "name", "phone": "tel", "email": "email", "address": "street-address"}


def form_fields(
    schema: dict[str, Any], ui: dict[str, Any], values: dict[str, Any], errors: dict[str, str]
) -> list[FormField]:
    required = set(schema.get("required", []))
    order = ui.get("order") or list(schema.get("properties", {}))
    fields: list[FormField] = []
    for name in order:
        spec = schema.get("properties", {}).get(name)
        if spec is None:
            continue
        hints = ui.get(name, {}) if isinstance(ui.get(name), dict) else {}
        kind = spec.get("type", "string")
        input_type = "text"
        options: list[tuple[str, str]] = []
        if "enum" in spec:
            input_type = "select"
            labels = spec.get("x-enum-titles") or spec["enum"]
            options = [(str(value), str(label)) for value, label in zip(spec["enum"], labels, strict=False)]
        elif kind == "boolean":
            input_type = "checkbox"
        elif kind in {"integer", "number"}:
            input_type = "number"
        elif spec.get("format") == "date":
            input_type = "date"
        elif spec.get("format") == "email":
            input_type = "email"
        elif hints.get("widget") == "textarea" or spec.get("maxLength", 0) > 300:
            input_type = "textarea"
        elif spec.get("x-prefill") == "phone":
            input_type = "tel"
        fields.append(
            FormField(
                name=name,
                title=spec.get("title", name),
                input_type=input_type,
                value=values.get(name, ""),
                error=errors.get(name, ""),
                required=name in required,
                help=hints.get("help") or spec.get("description", ""),
                options=options,
                autocomplete=_AUTOCOMPLETE.get(spec.get("x-prefill", ""), ""),
                pattern=spec.get("pattern", ""),
            )
        )
    return fields
