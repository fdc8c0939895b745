"""Sign-up, sign-in and code forms. Labels and messages in plain words; passwords are never re-shown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.accounts.validators import normalise_tax_code, validate_personal_id, validate_tax_code
from egov.identity import selectors
from egov.identity.policy import CODE_DIGITS
from egov.identity.validators import normalise_email, normalise_phone, validate_mobile_phone
from egov.notifications.channels import Channel


class AccessibleFormMixin:
    """Links each input to its hint and error (``aria-describedby``) and marks invalid inputs."""

    fields: dict[str, forms.Field]
    _errors: Any

    def _describe(self) -> None:
        errors = self._errors or {}
        for name, field in self.fields.items():
            auto_id = f"id_{name}"
            described = []
            if field.help_text:
                described.append(f"{auto_id}-hint")
            if name in errors:
                described.append(f"{auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._describe()


def _text(label: Any, *, required_message: Any, autocomplete: str, **kwargs: Any) -> forms.CharField:
    attrs = {"autocomplete": autocomplete, **kwargs.pop("attrs", {})}
    return forms.CharField(
        label=label,
        error_messages={"required": required_message},
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


# Django's validators' own words, in plain language and in our catalogue (Django's Vietnamese catalogue
# lags behind its English messages, e.g. the minimum length one).
PASSWORD_MESSAGES = {
    "password_too_short": _("The password is too short: use at least %(min_length)d characters."),
    "password_too_common": _("This password is too common and easy to guess; choose another."),
    "password_entirely_numeric": _("The password cannot be only digits; add letters or signs."),
    "password_too_similar": _("The password is too like your %(verbose_name)s; choose another."),
}


def _password_message(error: ValidationError) -> ValidationError:
    message = PASSWORD_MESSAGES.get(error.code or "")
    if message is None:
        return error
    return ValidationError(message, code=error.code, params=error.params)


class _SignUpBase(AccessibleFormMixin, forms.Form):
    kind = User.Kind.CITIZEN

    full_name = _text(
        _("Full name"),
        required_message=_("Enter your full name."),
        autocomplete="name",
        max_length=255,
        help_text=_("As written on your citizen identity card."),
    )
    phone = forms.CharField(
        label=_("Mobile phone number"),
        required=False,
        max_length=20,
        help_text=_("For example 0912345678. Enter a phone number, an e-mail address or both."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an e-mail address in the form name@example.vn.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    channel = forms.ChoiceField(
        label=_("Send the verification code by"),
        choices=Channel.choices,
        initial=Channel.SMS,
        error_messages={"required": _("Choose how to receive the verification code.")},
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; not only digits, and not a common password."),
        error_messages={"required": _("Enter a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        error_messages={"required": _("Enter the password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data.get("phone", ""))
        if not phone:
            return ""
        validate_mobile_phone(phone)
        if selectors.phone_in_use(phone=phone):
            raise ValidationError(
                _("This phone number is already used by an account. Sign in instead."), code="phone_in_use"
            )
        return phone

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data.get("email", ""))
        if email and selectors.email_in_use(email=email):
            raise ValidationError(
                _("This e-mail address is already used by an account. Sign in instead."), code="email_in_use"
            )
        return email

    def _username(self, cleaned: dict[str, Any]) -> str:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        phone, email, channel = cleaned.get("phone"), cleaned.get("email"), cleaned.get("channel")
        phone_typed = bool(self.data.get("phone", "").strip())
        email_typed = bool(self.data.get("email", "").strip())
        if not phone and not email and not (phone_typed or email_typed):
            self.add_error("phone", _("Enter a mobile phone number or an e-mail address (at least one)."))
        elif channel == Channel.SMS and not phone and "phone" not in self.errors:
            self.add_error("channel", _("To receive the code by SMS, enter a mobile phone number."))
        elif channel == Channel.EMAIL and not email and "email" not in self.errors:
            self.add_error("channel", _("To receive the code by e-mail, enter an e-mail address."))
        password = cleaned.get("password")
        if (
            password
            and cleaned.get("password_again") is not None
            and password != cleaned.get("password_again")
        ):
            self.add_error("password_again", _("The two passwords are not the same."))
        elif password:
            candidate = User(
                username=self._username(cleaned),
                full_name=cleaned.get("full_name", ""),
                email=email or "",
                kind=self.kind,
            )
            try:
                validate_password(password, user=candidate)
            except ValidationError as error:
                self.add_error("password", [_password_message(item) for item in error.error_list])
        return cleaned


class CitizenSignUpForm(_SignUpBase):
    kind = User.Kind.CITIZEN

    personal_id = _text(
        _("Personal identification number"),
        required_message=_("Enter your personal identification number."),
        autocomplete="off",
        max_length=12,
        help_text=_("The 12 digits on your chip-based citizen identity card."),
        attrs={"inputmode": "numeric", "spellcheck": "false"},
    )

    field_order = ["full_name", "personal_id", "phone", "email", "channel", "password", "password_again"]

    def clean_personal_id(self) -> str:
        value = "".join(self.cleaned_data.get("personal_id", "").split())
        validate_personal_id(value)
        if selectors.personal_id_in_use(personal_id=value):
            raise ValidationError(
                _(
                    "An account with this personal identification number already exists. Sign in, or sign "
                    "in with VNeID if you have forgotten the password."
                ),
                code="personal_id_in_use",
            )
        return value

    def _username(self, cleaned: dict[str, Any]) -> str:
        return str(cleaned.get("personal_id") or "")


class BusinessSignUpForm(_SignUpBase):
    kind = User.Kind.BUSINESS

    full_name = _text(
        _("Full name of the representative"),
        required_message=_("Enter the full name of the person who represents the business."),
        autocomplete="name",
        max_length=255,
    )
    organisation_name = _text(
        _("Name of the business"),
        required_message=_("Enter the name of the business."),
        autocomplete="organization",
        max_length=255,
        help_text=_("As written on the business registration certificate."),
    )
    tax_code = _text(
        _("Tax code"),
        required_message=_("Enter the business's tax code."),
        autocomplete="off",
        max_length=14,
        help_text=_("10 digits, or 13 for a branch (e.g. 0100112437-001). You will sign in with it."),
        attrs={"spellcheck": "false"},
    )

    field_order = [
        "organisation_name",
        "tax_code",
        "full_name",
        "phone",
        "email",
        "channel",
        "password",
        "password_again",
    ]

    def clean_tax_code(self) -> str:
        value = normalise_tax_code(self.cleaned_data.get("tax_code", ""))
        validate_tax_code(value)
        if selectors.username_in_use(username=value):
            raise ValidationError(
                _("An account for this tax code already exists. Sign in instead."), code="tax_code_in_use"
            )
        return value

    def _username(self, cleaned: dict[str, Any]) -> str:
        return str(cleaned.get("tax_code") or "")


class CodeForm(AccessibleFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("Verification code"),
        regex=rf"^\s*[0-9]{{{CODE_DIGITS}}}\s*$",
        max_length=12,
        help_text=_("The 6 digits we sent you."),
        error_messages={
            "required": _("Enter the 6-digit code."),
            "invalid": _("The code has exactly 6 digits."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class SignInForm(AccessibleFormMixin, forms.Form):
    identifier = _text(
        _("Phone number, e-mail or personal identification number"),
        required_message=_("Enter your phone number, e-mail or personal identification number."),
        autocomplete="username",
        max_length=254,
        attrs={"spellcheck": "false"},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}, render_value=False),
    )


class OfficialSignInForm(AccessibleFormMixin, forms.Form):
    username = _text(
        _("Username"),
        required_message=_("Enter your username."),
        autocomplete="username",
        max_length=150,
        attrs={"spellcheck": "false", "autocapitalize": "none"},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}, render_value=False),
    )
