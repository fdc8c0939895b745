from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ProfileForm(forms.Form):
    """What a citizen may declare once, to be offered in every form afterwards. Name and personal ID come
    from the account (and VNeID); phone and e-mail change with a one-time code on the account page."""

    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
