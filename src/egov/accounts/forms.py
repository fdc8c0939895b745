from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import Agency


class AgencyMergeForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Successor agency"), queryset=Agency.objects.filter(valid_to__isnull=True)
    )
    effective_on = forms.DateField(
        label=_("Takes effect on"),
        help_text=_("The first day the successor holds the work, e.g. 01/07/2025."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
