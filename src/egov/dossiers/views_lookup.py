"""The public lookup page, /tra-cuu/ (egov.dossiers.lookup explains the rules).

``GET /tra-cuu/?ma=<code>`` (the QR code on the receipt) fills in the code and asks for the factor;
``POST`` (or ``GET`` with ``ma`` and ``so_cuoi``) looks the dossier up. The answer is never cached.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from egov.core.middleware import client_ip
from egov.dossiers.lookup import (
    CODE_MAX_LENGTH,
    FACTOR_DIGITS,
    FACTOR_HELP,
    NOT_FOUND_MESSAGE,
    LookupOutcome,
    dossier_lookup,
    factor_is_well_formed,
    lookup_normalise_code,
    rate_limit_message,
)

# The names in the address bar and in the QR code: short and Vietnamese.
CODE_PARAMETER = "ma"
FACTOR_PARAMETER = "so_cuoi"


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("As printed on the receipt, for example H99.01.01-261127-0001."),
        error_messages={"required": _("Enter the dossier code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    factor = forms.CharField(
        label=_("Last 4 digits of the phone number or personal identification number"),
        help_text=FACTOR_HELP,
        max_length=FACTOR_DIGITS,
        error_messages={
            "required": _("Enter the last 4 digits of the phone number or personal identification number."),
            "max_length": _("Enter exactly 4 digits."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )

    _parameters = {"code": CODE_PARAMETER, "factor": FACTOR_PARAMETER}

    def add_prefix(self, field_name: str) -> str:
        return self._parameters.get(field_name, field_name)

    def clean_code(self) -> str:
        return lookup_normalise_code(self.cleaned_data["code"])

    def clean_factor(self) -> str:
        factor = self.cleaned_data["factor"].strip()
        if not factor_is_well_formed(factor):
            raise forms.ValidationError(_("Enter exactly 4 digits."), code="invalid")
        return factor


def _context(form: LookupForm, **extra: Any) -> dict[str, Any]:
    errors = {
        form.add_prefix(name): messages[0] for name, messages in form.errors.items() if name in form.fields
    }
    return {"form": form, "field_errors": errors, "factor_digits": FACTOR_DIGITS, **extra}


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and FACTOR_PARAMETER not in source:
        # The blank form, or the QR code's link with the code filled in: nothing is looked up or counted.
        code = lookup_normalise_code(source.get(CODE_PARAMETER, ""))
        form = LookupForm(initial={"code": code})
        return render(request, "dossiers/lookup/form.html", _context(form, prefilled_code=code))
    form = LookupForm(source)
    if not form.is_valid():
        return render(request, "dossiers/lookup/form.html", _context(form))
    answer = dossier_lookup(
        code=form.cleaned_data["code"], factor=form.cleaned_data["factor"], ip=client_ip(request)
    )
    if answer.outcome is LookupOutcome.RATE_LIMITED:
        response = render(
            request,
            "dossiers/lookup/form.html",
            _context(form, problem=rate_limit_message(answer.retry_at)),
            status=429,
        )
        response["Retry-After"] = str(answer.retry_after_seconds)
        return response
    if answer.outcome is LookupOutcome.NOT_FOUND:
        return render(request, "dossiers/lookup/form.html", _context(form, problem=NOT_FOUND_MESSAGE))
    return render(request, "dossiers/lookup/result.html", {"dossier": answer.dossier})
