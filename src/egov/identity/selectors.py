"""Reads about accounts' identities, one-time codes and sign-in state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from egov.accounts.models import User
from egov.identity.models import Identity, OfficialLockout, OneTimeCode, PendingSignUp
from egov.identity.policy import CODE_RESEND_INTERVAL
from egov.identity.validators import looks_like_email, normalise_email, normalise_phone


def users_matching_identifier(*, identifier: str) -> QuerySet[User]:
    """Accounts a person may mean by what they typed at sign-in: an e-mail (any case), a phone number
    (in any usual notation) or their username (personal identification number or tax code)."""
    text = (identifier or "").strip()
    if not text:
        return User.objects.none()
    if looks_like_email(text):
        return User.objects.filter(email__iexact=normalise_email(text))
    phone = normalise_phone(text)
    return User.objects.filter(Q(phone=phone) | Q(username=text)).distinct()


def phone_in_use(*, phone: str) -> bool:
    return User.objects.filter(phone=normalise_phone(phone)).exists()


def email_in_use(*, email: str) -> bool:
    return User.objects.filter(email__iexact=normalise_email(email)).exists()


def personal_id_in_use(*, personal_id: str) -> bool:
    return User.objects.filter(Q(personal_id=personal_id) | Q(username=personal_id)).exists()


def username_in_use(*, username: str) -> bool:
    return User.objects.filter(username=username).exists()


def pending_sign_up_get(*, pk: int | None) -> PendingSignUp | None:
    if pk is None:
        return None
    return PendingSignUp.objects.filter(pk=pk).first()


@dataclass(frozen=True)
class CodeStatus:
    """What the code page tells the person: where the last code went and when another may be sent."""

    channel: str
    recipient: str
    expires_at: datetime
    resend_allowed_at: datetime

    @property
    def seconds_until_resend(self) -> int:
        return max(0, int((self.resend_allowed_at - timezone.now()).total_seconds() + 0.999))


def code_status(
    *, purpose: str, sign_up: PendingSignUp | None = None, user: User | None = None
) -> CodeStatus | None:
    subject = {"sign_up": sign_up} if sign_up is not None else {"user": user}
    latest = (
        OneTimeCode.objects.filter(purpose=purpose, sent_at__isnull=False, **subject)
        .order_by("-sent_at", "-pk")
        .first()
    )
    if latest is None or latest.sent_at is None:
        return None
    return CodeStatus(
        channel=latest.channel,
        recipient=latest.recipient,
        expires_at=latest.expires_at,
        resend_allowed_at=latest.sent_at + CODE_RESEND_INTERVAL,
    )


def identity_for(*, user: User) -> Identity | None:
    return Identity.objects.filter(user=user).first()


def user_is_vneid_authenticated(*, user: User) -> bool:
    return Identity.objects.filter(user=user, is_vneid_authenticated=True).exists()


def vneid_authenticated_accounts() -> QuerySet[User]:
    """Citizens' and businesses' accounts that signed in through VNeID at least once (indicator 4.5)."""
    return User.objects.filter(identity__is_vneid_authenticated=True).exclude(kind=User.Kind.OFFICIAL)


def official_locked_until(*, username: str) -> datetime | None:
    lockout = OfficialLockout.objects.filter(username=username.strip().lower()).first()
    if lockout and lockout.locked_until and lockout.locked_until > timezone.now():
        return lockout.locked_until
    return None
