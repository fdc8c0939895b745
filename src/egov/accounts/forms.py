from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import Agency
from egov.accounts.selectors import agency_descendant_ids


class AgencyAdminForm(forms.ModelForm):
    """The admin's agency form: refuses a parent that would put the agency under itself."""

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
            "address",
            "phone",
            "email",
        ]

    def clean_parent(self) -> Agency | None:
        parent = self.cleaned_data.get("parent")
        if (
            parent is not None
            and self.instance.pk is not None
            and parent.pk in agency_descendant_ids(agency_id=self.instance.pk)
        ):
            raise forms.ValidationError(_("An agency cannot be placed under itself or its own units."))
        return parent


class AgencyMergeForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Successor agency"), queryset=Agency.objects.filter(valid_to__isnull=True)
    )
    effective_on = forms.DateField(
        label=_("Takes effect on"),
        help_text=_("The first day the successor holds the work, e.g. 01/07/2025."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
