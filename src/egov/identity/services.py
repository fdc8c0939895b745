"""Sign-up, sign-in and identity changes. Every function here is keyword-only; each that changes state
runs in a transaction and, where it matters, writes its audit event in it.

One-time codes are generated here, stored only as a keyed hash (HMAC with the secret key) and sent at
once through ``notifications.notify``. They are never passed to a background task, which would store
them in clear in the task queue, and never logged (only the development SMS backend logs messages).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

import structlog
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.models import User
from egov.accounts.services import user_create
from egov.accounts.validators import validate_personal_id
from egov.core.audit.services import audit_record
from egov.identity import selectors
from egov.identity.models import (
    Identity,
    OfficialLockout,
    OfficialSignInAttempt,
    OneTimeCode,
    PendingSignUp,
)
from egov.identity.policy import (
    CODE_DIGITS,
    CODE_LIFETIME,
    CODE_MAX_ATTEMPTS,
    CODE_MAX_PER_RECIPIENT,
    CODE_MAX_SENDS,
    CODE_RESEND_INTERVAL,
    CODE_SENDS_WINDOW,
    OFFICIAL_LOCKOUT_DURATION,
    OFFICIAL_LOCKOUT_FAILURES,
    OFFICIAL_LOCKOUT_WINDOW,
    PENDING_SIGN_UP_LIFETIME,
)
from egov.identity.ratelimit import rate_limit_hit, rate_limit_purge
from egov.identity.validators import (
    looks_like_email,
    normalise_email,
    normalise_phone,
    validate_mobile_phone,
)
from egov.notifications.channels import Channel
from egov.notifications.services import DeliveryError, notify

logger = structlog.get_logger(__name__)


# --- errors shown to people ---------------------------------------------------------------------------


def _at(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(time)s on %(date)s") % {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}"}


class IdentityError(Exception):
    """A refusal with a message for the person; ``code`` is stable for tests and logs."""

    code = "identity_error"

    @property
    def message(self) -> str:
        return _("The request could not be completed.")

    def __str__(self) -> str:
        return self.code


class CodeMissing(IdentityError):
    code = "code_missing"

    @property
    def message(self) -> str:
        return _("There is no valid code for this request. Press “Send a new code”.")


class CodeExpired(IdentityError):
    code = "code_expired"

    @property
    def message(self) -> str:
        return _("This code has expired (codes are valid for 5 minutes). Press “Send a new code”.")


class CodeAttemptsExhausted(IdentityError):
    code = "code_attempts_exhausted"

    @property
    def message(self) -> str:
        return _("The code was entered wrongly 5 times and no longer works. Press “Send a new code”.")


class CodeInvalid(IdentityError):
    code = "code_invalid"

    def __init__(self, remaining: int) -> None:
        super().__init__()
        self.remaining = remaining

    @property
    def message(self) -> str:
        return _("The code is not correct. You have %(count)s more tries.") % {"count": self.remaining}


class CodeResendTooSoon(IdentityError):
    code = "code_resend_too_soon"

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds

    @property
    def message(self) -> str:
        return _(
            "A code was sent less than a minute ago. You can ask for a new one in %(seconds)s seconds."
        ) % {"seconds": self.seconds}


class CodeSendLimitReached(IdentityError):
    code = "code_send_limit"

    @property
    def message(self) -> str:
        return _("Too many codes have been sent. Please wait an hour, then start again.")


class CodeDeliveryFailed(IdentityError):
    code = "code_delivery_failed"

    @property
    def message(self) -> str:
        return _("We could not send the code just now. Please press “Send a new code” in a moment.")


class SignUpExpired(IdentityError):
    code = "sign_up_expired"

    @property
    def message(self) -> str:
        return _("This sign-up has expired or has already been confirmed. Please sign in or sign up again.")


class SignUpConflict(IdentityError):
    code = "sign_up_conflict"

    @property
    def message(self) -> str:
        return _(
            "An account with these details was created in the meantime. Please sign in, or sign in with "
            "VNeID if the account is not yours."
        )


class SignInFailed(IdentityError):
    code = "sign_in_failed"

    @property
    def message(self) -> str:
        return _("The phone number, e-mail or password is not correct.")


class OfficialAccountAtCitizenSignIn(IdentityError):
    code = "official_at_citizen_sign_in"

    @property
    def message(self) -> str:
        return _("This is an official's account. Officials sign in on the officials' sign-in page.")


class NoContactForCode(IdentityError):
    code = "no_contact_for_code"

    @property
    def message(self) -> str:
        return _(
            "This account has no phone number or e-mail to send a code to. Please sign in with VNeID or "
            "ask the one-stop section to add one."
        )


class OfficialSignInRefused(IdentityError):
    """A refusal at the officials' sign-in. ``retry_at`` is set when the refusal lasts until then."""

    def __init__(self, result: str, retry_at: datetime | None = None) -> None:
        super().__init__()
        self.code = result
        self.retry_at = retry_at

    @property
    def message(self) -> str:
        if self.code == OfficialSignInAttempt.Result.NOT_OFFICIAL:
            return _(
                "This account is not an official's account. Citizens and businesses sign in on the citizen "
                "sign-in page."
            )
        if self.retry_at is not None and self.code == OfficialSignInAttempt.Result.ADDRESS_LIMITED:
            return _("Too many failed sign-ins from this network. Please try again after %(at)s.") % {
                "at": _at(self.retry_at)
            }
        if self.retry_at is not None:
            return _(
                "This account is locked for 15 minutes after 5 failed sign-ins. Please try again after "
                "%(at)s, or ask your administrator to unlock it."
            ) % {"at": _at(self.retry_at)}
        return _("The username or password is not correct.")


class VneidSignInRefused(IdentityError):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.code = reason

    @property
    def message(self) -> str:
        messages = {
            "personal_id_missing": _(
                "VNeID did not provide a valid personal identification number, so we cannot tell whose "
                "account this is."
            ),
            "official_account": _(
                "This personal identification number belongs to an official's account. Officials sign in on "
                "the officials' sign-in page."
            ),
            "account_disabled": _("This account has been disabled. Please contact the one-stop section."),
            "account_conflict": _(
                "An account conflicts with the identity VNeID provided. Please contact the one-stop section."
            ),
        }
        return messages.get(self.code, _("Signing in with VNeID did not succeed."))


# --- one-time codes -----------------------------------------------------------------------------------


def _code_hash(*, purpose: str, subject: str, code: str) -> str:
    return salted_hmac(
        "egov.identity.one_time_code", f"{purpose}:{subject}:{code}", algorithm="sha256"
    ).hexdigest()


def _subject(sign_up: PendingSignUp | None, user: User | None) -> tuple[dict[str, Any], str]:
    if (sign_up is None) == (user is None):
        raise ValueError("a code belongs to exactly one sign-up or one user")
    if sign_up is not None:
        return {"sign_up": sign_up}, f"sign_up:{sign_up.pk}"
    assert user is not None
    return {"user": user}, f"user:{user.pk}"


CODE_SUBJECT = {
    OneTimeCode.Purpose.SIGN_UP: gettext_lazy("Your sign-up code"),
    OneTimeCode.Purpose.SIGN_IN: gettext_lazy("Your sign-in code"),
}


def one_time_code_issue(
    *,
    purpose: str,
    channel: str,
    recipient: str,
    sign_up: PendingSignUp | None = None,
    user: User | None = None,
) -> OneTimeCode:
    """Generate a code, keep its hash, send it; earlier codes of the same purpose stop working.

    Raises CodeResendTooSoon (a code went out less than a minute ago), CodeSendLimitReached, or
    CodeDeliveryFailed (nothing was sent; asking again is allowed at once).
    """
    subject, subject_key = _subject(sign_up, user)
    now = timezone.now()
    with transaction.atomic():
        # Lock the owner so that two "send again" clicks cannot both pass the checks below.
        if sign_up is not None:
            PendingSignUp.objects.select_for_update().filter(pk=sign_up.pk).first()
        else:
            User.objects.select_for_update().filter(pk=subject["user"].pk).first()
        sent = OneTimeCode.objects.filter(purpose=purpose, sent_at__isnull=False, **subject)
        last = sent.order_by("-sent_at").first()
        if last is not None and last.sent_at is not None and last.sent_at > now - CODE_RESEND_INTERVAL:
            wait = (last.sent_at + CODE_RESEND_INTERVAL - now).total_seconds()
            raise CodeResendTooSoon(max(1, math.ceil(wait)))
        if sent.filter(sent_at__gt=now - CODE_SENDS_WINDOW).count() >= CODE_MAX_SENDS:
            raise CodeSendLimitReached
        if rate_limit_hit(f"code-recipient:{recipient.lower()}", CODE_MAX_PER_RECIPIENT, 3600):
            raise CodeSendLimitReached
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        row = OneTimeCode.objects.create(
            purpose=purpose,
            channel=channel,
            recipient=recipient,
            code_hash=_code_hash(purpose=purpose, subject=subject_key, code=code),
            expires_at=now + CODE_LIFETIME,
            sent_at=now,  # claims the slot; cleared again if delivery fails
            **subject,
        )
    body = _("Your verification code is %(code)s. It is valid for 5 minutes. Do not give it to anyone.") % {
        "code": code
    }
    try:
        notify(channel, recipient, str(CODE_SUBJECT[OneTimeCode.Purpose(purpose)]), body)
    except DeliveryError as error:
        OneTimeCode.objects.filter(pk=row.pk).update(sent_at=None, expires_at=now)
        logger.warning("one_time_code_not_delivered", purpose=purpose, channel=channel, code_id=row.pk)
        raise CodeDeliveryFailed from error
    OneTimeCode.objects.filter(purpose=purpose, used_at__isnull=True, expires_at__gt=now, **subject).exclude(
        pk=row.pk
    ).update(expires_at=now)
    logger.info("one_time_code_sent", purpose=purpose, channel=channel, code_id=row.pk)
    return row


def one_time_code_verify(
    *, purpose: str, code: str, sign_up: PendingSignUp | None = None, user: User | None = None
) -> OneTimeCode:
    """Accept ``code`` once, or raise CodeMissing, CodeExpired, CodeAttemptsExhausted or CodeInvalid.

    A wrong entry is counted even though the function raises: the count commits before the error.
    """
    subject, subject_key = _subject(sign_up, user)
    now = timezone.now()
    failure: IdentityError | None = None
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, sent_at__isnull=False, used_at__isnull=True, **subject)
            .order_by("-sent_at", "-pk")
            .first()
        )
        if row is None:
            raise CodeMissing
        if row.attempts >= CODE_MAX_ATTEMPTS:
            failure = CodeAttemptsExhausted()
        elif row.expires_at <= now:
            failure = CodeExpired()
        elif not constant_time_compare(
            row.code_hash, _code_hash(purpose=purpose, subject=subject_key, code=code.strip())
        ):
            row.attempts += 1
            row.save(update_fields=["attempts", "updated_at"])
            remaining = CODE_MAX_ATTEMPTS - row.attempts
            failure = CodeInvalid(remaining) if remaining > 0 else CodeAttemptsExhausted()
        else:
            row.used_at = now
            row.save(update_fields=["used_at", "updated_at"])
    if failure is not None:
        logger.info("one_time_code_refused", purpose=purpose, reason=failure.code, code_id=row.pk)
        raise failure
    return row


# --- sign-up ------------------------------------------------------------------------------------------


def sign_up_start(
    *,
    kind: str,
    full_name: str,
    personal_id: str = "",
    tax_code: str = "",
    organisation_name: str = "",
    phone: str = "",
    email: str = "",
    password: str,
    channel: str,
) -> tuple[PendingSignUp, IdentityError | None]:
    """Keep what was typed (password hashed) and send a code by ``channel``.

    Returns the pending sign-up and, when no code could be sent, the reason (the person may ask again
    on the code page).
    """
    pending = PendingSignUp(
        kind=kind,
        full_name=full_name.strip(),
        personal_id=personal_id,
        tax_code=tax_code,
        organisation_name=organisation_name.strip(),
        phone=normalise_phone(phone) if phone else "",
        email=normalise_email(email),
        password_hash=make_password(password),
        channel=channel,
    )
    if (channel == Channel.SMS and not pending.phone) or (channel == Channel.EMAIL and not pending.email):
        raise ValueError("the chosen channel needs its contact")
    with transaction.atomic():
        pending.save()
    try:
        sign_up_code_send(sign_up=pending)
    except IdentityError as error:
        return pending, error
    return pending, None


def sign_up_code_send(*, sign_up: PendingSignUp) -> OneTimeCode:
    if sign_up.created_at < timezone.now() - PENDING_SIGN_UP_LIFETIME:
        raise SignUpExpired
    return one_time_code_issue(
        purpose=OneTimeCode.Purpose.SIGN_UP,
        channel=sign_up.channel,
        recipient=sign_up.recipient,
        sign_up=sign_up,
    )


def sign_up_confirm(*, sign_up: PendingSignUp, code: str) -> User:
    """Check the code, then create the active account with what was typed, and audit it."""
    one_time_code_verify(purpose=OneTimeCode.Purpose.SIGN_UP, code=code, sign_up=sign_up)
    now = timezone.now()
    with transaction.atomic():
        pending = PendingSignUp.objects.select_for_update().filter(pk=sign_up.pk).first()
        if pending is None:
            raise SignUpExpired
        if (
            selectors.username_in_use(username=pending.username)
            or (pending.personal_id and selectors.personal_id_in_use(personal_id=pending.personal_id))
            or (pending.phone and selectors.phone_in_use(phone=pending.phone))
            or (pending.email and selectors.email_in_use(email=pending.email))
        ):
            raise SignUpConflict
        try:
            user = user_create(
                actor=None,
                username=pending.username,
                password=None,
                kind=pending.kind,
                full_name=pending.full_name,
                personal_id=pending.personal_id or None,
                tax_code=pending.tax_code,
                organisation_name=pending.organisation_name,
                phone=pending.phone,
                email=pending.email,
            )
        except ValidationError as error:
            raise SignUpConflict from error
        user.password = pending.password_hash
        user.save(update_fields=["password"])
        Identity.objects.create(
            user=user,
            phone_verified_at=now if pending.channel == Channel.SMS else None,
            email_verified_at=now if pending.channel == Channel.EMAIL else None,
        )
        audit_record(
            actor=user,
            action="identity.signed_up",
            target=user,
            changes={"is_active": [None, True], "verified_by": [None, pending.channel]},
        )
        pending.delete()
    logger.info("sign_up_confirmed", user_id=user.pk, kind=user.kind)
    return user


# --- citizens' sign-in --------------------------------------------------------------------------------


def _code_destination(user: User, identifier: str) -> tuple[str, str]:
    """Send the second-step code where the person said they are: to the e-mail if they typed one, else
    to the account's mobile phone, else to its e-mail."""
    if looks_like_email(identifier) and user.email:
        return Channel.EMAIL, user.email
    phone = normalise_phone(user.phone)
    try:
        validate_mobile_phone(phone)
    except ValidationError:
        phone = ""
    if phone:
        return Channel.SMS, phone
    if user.email:
        return Channel.EMAIL, user.email
    raise NoContactForCode


def citizen_sign_in_start(*, identifier: str, password: str) -> tuple[User, IdentityError | None]:
    """Check the password of the account named by phone, e-mail or username and send the second-step
    code. Returns the user and, when no new code was sent, why (a code may still be on its way)."""
    candidates = list(selectors.users_matching_identifier(identifier=identifier))
    if not candidates:
        make_password(password)  # same work as for a real account, so timing does not tell
        raise SignInFailed
    matched = [user for user in candidates if user.check_password(password) and user.is_active]
    if len(matched) != 1:
        raise SignInFailed
    user = matched[0]
    if user.kind == User.Kind.OFFICIAL:
        raise OfficialAccountAtCitizenSignIn
    channel, recipient = _code_destination(user, identifier.strip())
    try:
        one_time_code_issue(
            purpose=OneTimeCode.Purpose.SIGN_IN, channel=channel, recipient=recipient, user=user
        )
    except IdentityError as error:
        return user, error
    return user, None


def citizen_sign_in_code_send(*, user: User) -> OneTimeCode:
    status = selectors.code_status(purpose=OneTimeCode.Purpose.SIGN_IN, user=user)
    if status is None:
        channel, recipient = _code_destination(user, "")
    else:
        channel, recipient = status.channel, status.recipient
    return one_time_code_issue(
        purpose=OneTimeCode.Purpose.SIGN_IN, channel=channel, recipient=recipient, user=user
    )


def citizen_sign_in_confirm(*, user: User, code: str) -> User:
    """Check the second-step code; the contact it went to is thereby verified."""
    row = one_time_code_verify(purpose=OneTimeCode.Purpose.SIGN_IN, code=code, user=user)
    now = timezone.now()
    with transaction.atomic():
        identity, _created = Identity.objects.select_for_update().get_or_create(user=user)
        if row.channel == Channel.SMS and identity.phone_verified_at is None:
            identity.phone_verified_at = now
        if row.channel == Channel.EMAIL and identity.email_verified_at is None:
            identity.email_verified_at = now
        identity.save()
    logger.info("citizen_signed_in", user_id=user.pk, method="password_code")
    return user


# --- officials' sign-in -------------------------------------------------------------------------------


def _audit_target(key: str) -> dict[str, Any]:
    user = User.objects.filter(username__iexact=key).first()
    if user is not None:
        return {"target": user}
    return {"target_type": "accounts.user", "target_id": "", "target_label": key}


def _official_failure_count(key: str, lockout: OfficialLockout, now: datetime) -> int:
    since = now - OFFICIAL_LOCKOUT_WINDOW
    if lockout.counted_from is not None and lockout.counted_from > since:
        since = lockout.counted_from
    return OfficialSignInAttempt.objects.filter(
        username=key, result__in=OfficialSignInAttempt.FAILURES, created_at__gte=since
    ).count()


def _official_refuse(*, key: str, ip_address: str | None, result: str, retry_at: datetime | None) -> NoReturn:
    """Record a refusal (locked account or address), audit it, and raise."""
    with transaction.atomic():
        OfficialSignInAttempt.objects.create(
            username=key, ip_address=ip_address, result=result, created_at=timezone.now()
        )
        audit_record(
            actor=None,
            action="identity.official_sign_in_refused",
            changes={"result": [None, result], "retry_at": [None, retry_at]},
            **_audit_target(key),
        )
    raise OfficialSignInRefused(result, retry_at=retry_at)


def _official_fail(*, key: str, ip_address: str | None, result: str) -> NoReturn:
    """Record a failure, audit it, and lock the username at the fifth failure within the window."""
    now = timezone.now()
    locked_until: datetime | None = None
    with transaction.atomic():
        lockout, _created = OfficialLockout.objects.select_for_update().get_or_create(username=key)
        OfficialSignInAttempt.objects.create(
            username=key, ip_address=ip_address, result=result, created_at=now
        )
        failures = _official_failure_count(key, lockout, now)
        target = _audit_target(key)
        audit_record(
            actor=None,
            action="identity.official_sign_in_failed",
            changes={"result": [None, result], "failures": [None, failures]},
            **target,
        )
        if failures >= OFFICIAL_LOCKOUT_FAILURES:
            locked_until = now + OFFICIAL_LOCKOUT_DURATION
            lockout.locked_until = locked_until
            lockout.counted_from = locked_until  # failures before and during the lock no longer count
            lockout.save(update_fields=["locked_until", "counted_from"])
            audit_record(
                actor=None,
                action="identity.official_locked",
                changes={"locked_until": [None, locked_until], "failures": [None, failures]},
                **target,
            )
    logger.info("official_sign_in_failed", username=key, result=result, locked=locked_until is not None)
    raise OfficialSignInRefused(result, retry_at=locked_until)


def _address_retry_at(ip_address: str | None, now: datetime, limit: int) -> datetime | None:
    if not ip_address:
        return None
    failures = list(
        OfficialSignInAttempt.objects.filter(
            ip_address=ip_address,
            result__in=OfficialSignInAttempt.FAILURES,
            created_at__gte=now - OFFICIAL_LOCKOUT_WINDOW,
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if len(failures) < limit:
        return None
    # The moment enough of these failures have left the window for the address to be under the limit.
    return failures[len(failures) - limit] + OFFICIAL_LOCKOUT_WINDOW


def official_sign_in(*, username: str, password: str, ip_address: str | None, address_limit: int) -> User:
    """Sign an official in by username and password, or raise OfficialSignInRefused.

    Five failures for a username (any case) within 15 minutes lock it for 15 minutes, even for the right
    password; ``address_limit`` failures from one address within 15 minutes refuse that address until
    they age out. Every failure, refusal and lockout is recorded and audited.
    """
    key = username.strip().lower()
    now = timezone.now()
    locked_until = selectors.official_locked_until(username=key)
    if locked_until is not None:
        _official_refuse(
            key=key, ip_address=ip_address, result=OfficialSignInAttempt.Result.LOCKED, retry_at=locked_until
        )
    address_retry = _address_retry_at(ip_address, now, address_limit)
    if address_retry is not None:
        _official_refuse(
            key=key,
            ip_address=ip_address,
            result=OfficialSignInAttempt.Result.ADDRESS_LIMITED,
            retry_at=address_retry,
        )
    user = authenticate(None, username=username.strip(), password=password)
    if not isinstance(user, User):
        _official_fail(key=key, ip_address=ip_address, result=OfficialSignInAttempt.Result.BAD_CREDENTIALS)
    if not (user.kind == User.Kind.OFFICIAL or user.is_superuser):
        _official_fail(key=key, ip_address=ip_address, result=OfficialSignInAttempt.Result.NOT_OFFICIAL)
    with transaction.atomic():
        lockout, _created = OfficialLockout.objects.select_for_update().get_or_create(username=key)
        if lockout.locked_until is not None and lockout.locked_until > timezone.now():
            locked_until = lockout.locked_until  # locked by a parallel attempt while the password was checked
        else:
            lockout.counted_from = timezone.now()
            lockout.save(update_fields=["counted_from"])
            OfficialSignInAttempt.objects.create(
                username=key,
                ip_address=ip_address,
                result=OfficialSignInAttempt.Result.SUCCESS,
                created_at=now,
            )
            audit_record(actor=user, action="identity.official_signed_in", target=user)
    if locked_until is not None:
        _official_refuse(
            key=key, ip_address=ip_address, result=OfficialSignInAttempt.Result.LOCKED, retry_at=locked_until
        )
    logger.info("official_signed_in", user_id=user.pk)
    return user


def official_lockout_clear(*, actor: Any, username: str) -> bool:
    """Unlock a username before its time (an administrator's decision, audited). False if not locked."""
    key = username.strip().lower()
    with transaction.atomic():
        lockout = OfficialLockout.objects.select_for_update().filter(username=key).first()
        if lockout is None or lockout.locked_until is None or lockout.locked_until <= timezone.now():
            return False
        before = lockout.locked_until
        lockout.locked_until = None
        lockout.counted_from = timezone.now()
        lockout.save(update_fields=["locked_until", "counted_from"])
        audit_record(
            actor=actor,
            action="identity.official_unlocked",
            changes={"locked_until": [before, None]},
            **_audit_target(key),
        )
    return True


# --- VNeID --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VneidClaims:
    personal_id: str
    subject: str
    full_name: str
    email: str
    phone: str


def vneid_claims_read(*, claims: dict[str, Any], personal_id_claim: str) -> VneidClaims:
    """The personal identification number from ``personal_id_claim``; ``sub`` only when it is 12 digits."""
    candidate = claims.get(personal_id_claim)
    if not isinstance(candidate, str) or not candidate:
        subject = claims.get("sub")
        candidate = (
            subject
            if isinstance(subject, str) and subject.isascii() and subject.isdigit() and len(subject) == 12
            else ""
        )
    try:
        validate_personal_id(candidate)
    except ValidationError as error:
        raise VneidSignInRefused("personal_id_missing") from error
    phone = normalise_phone(str(claims.get("phone_number") or ""))
    try:
        validate_mobile_phone(phone)
    except ValidationError:
        phone = ""
    email = normalise_email(str(claims.get("email") or ""))
    return VneidClaims(
        personal_id=candidate,
        subject=str(claims.get("sub", "")),
        full_name=str(claims.get("name") or "").strip()[:255],
        email=email if len(email) <= 254 else "",
        phone=phone,
    )


def vneid_sign_in(*, claims: VneidClaims) -> User:
    """Find the citizen by personal identification number, or create the account; mark it as
    authenticated through VNeID; audit. Officials' and disabled accounts are refused."""
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(personal_id=claims.personal_id).first()
        created = user is None
        if user is None:
            if selectors.username_in_use(username=claims.personal_id):
                raise VneidSignInRefused("account_conflict")
            try:
                user = user_create(
                    actor=None,
                    username=claims.personal_id,
                    password=None,
                    kind=User.Kind.CITIZEN,
                    full_name=claims.full_name,
                    personal_id=claims.personal_id,
                    email=claims.email
                    if claims.email and not selectors.email_in_use(email=claims.email)
                    else "",
                    phone=claims.phone
                    if claims.phone and not selectors.phone_in_use(phone=claims.phone)
                    else "",
                )
            except ValidationError as error:
                raise VneidSignInRefused("account_conflict") from error
        elif user.kind == User.Kind.OFFICIAL:
            raise VneidSignInRefused("official_account")
        elif not user.is_active:
            raise VneidSignInRefused("account_disabled")
        if not user.full_name and claims.full_name:
            user.full_name = claims.full_name
            user.save(update_fields=["full_name"])
        identity, _created = Identity.objects.select_for_update().get_or_create(user=user)
        first = not identity.is_vneid_authenticated
        identity.is_vneid_authenticated = True
        identity.vneid_subject = claims.subject
        identity.vneid_last_at = now
        if first:
            identity.vneid_first_at = now
        identity.save()
        audit_record(
            actor=user,
            action="identity.vneid_linked" if first else "identity.vneid_signed_in",
            target=user,
            changes={"is_vneid_authenticated": [False, True], "account_created": [None, created]}
            if first
            else {},
        )
    logger.info("citizen_signed_in", user_id=user.pk, method="vneid", created=created)
    return user


# --- housekeeping -------------------------------------------------------------------------------------


def identity_records_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what is no longer needed: codes and unconfirmed sign-ups older than a day, finished
    rate-limit windows, officials' sign-in attempts older than 90 days (the audit trail keeps the
    failures) and lockout rows that no longer hold anything."""
    moment = now or timezone.now()
    day_ago = moment - PENDING_SIGN_UP_LIFETIME
    recent_usernames = OfficialSignInAttempt.objects.filter(
        created_at__gte=moment - OFFICIAL_LOCKOUT_WINDOW
    ).values("username")
    return {
        "codes": OneTimeCode.objects.filter(expires_at__lt=day_ago).delete()[0],
        "sign_ups": PendingSignUp.objects.filter(created_at__lt=day_ago).delete()[0],
        "rate_limits": rate_limit_purge(now=moment),
        "attempts": OfficialSignInAttempt.objects.filter(created_at__lt=moment - timedelta(days=90)).delete()[
            0
        ],
        "lockouts": OfficialLockout.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=moment))
        .exclude(username__in=recent_usernames)
        .delete()[0],
    }
