"""Public lookup of a dossier by its code and a second factor only the applicant holds (the last 4 digits of
the phone number or personal identification number given with the dossier).

Decree 118/2025 Art. 28 makes the dossier code the key of every exchange, and TT 01/2018 Art. 19.2 puts a
QR code beside it on the receipt: the QR code opens ``/tra-cuu/?ma=<code>``. What the lookup shows is
public by design (procedure, agencies, status, moments, on time or late: the content of form 06 without
people's names); nothing personal of the applicant is shown.

Guessing is made expensive, and enumeration impossible (docs/lookup-and-notifications.md):
- one neutral answer for an unknown code and a wrong factor, after the same work on both paths;
- rate limits per client address and per code, shared by the page and the API;
- each wrong guess is logged (``lookup_failed``) with the code's prefix and the client address only.
"""

from __future__ import annotations

import enum
import hmac
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.core.text import translated_label
from egov.dossiers.lookup_reads import ControlRowView, DossierRow, lookup_read
from egov.dossiers.models import NATIONAL_STATUS_CODE, ControlRow, Status
from egov.dossiers.timeliness import control_outcome
from egov.identity.ratelimit import rate_limit_hit, rate_limit_window_end

logger = structlog.get_logger(__name__)

FACTOR_DIGITS = 4
CODE_MAX_LENGTH = 64
# Per client address: 10 tries in 10 minutes; per dossier code: 5 tries in an hour. The per-code counter
# counts every try (a right one too): the shared limiter has no way to read a counter without adding to
# it, and a lock that looked only at wrong tries would still tell a guesser which try was right.
# Wrong guesses allowed per client address and per dossier code in an hour. Only wrong guesses count, so
# a right lookup costs no write; once either limit is reached every try is refused, right or wrong, so a
# blocked guesser learns nothing. Floods of requests are for the reverse proxy to stop.
IP_LIMIT = 30
CODE_LIMIT = 5
WINDOW_SECONDS = 3600
IP_WINDOW_SECONDS = CODE_WINDOW_SECONDS = WINDOW_SECONDS
# How much of the code a log line may carry: the agency part, never the whole code.
LOGGED_CODE_PREFIX = 8

_NON_DIGITS = re.compile(r"\D")
# Compared against when there is nothing to compare with: never equal to 4 digits.
_NEVER = b"-" * FACTOR_DIGITS

NOT_FOUND_MESSAGE = gettext_lazy("No dossier matches the information you entered.")
FACTOR_HELP = gettext_lazy(
    "Of the phone number or personal identification number given with the dossier: "
    "for 0912 345 678, enter 5678."
)


class Timeliness(enum.StrEnum):
    """Where the dossier stands against its appointment, in words (never in colour alone)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    WITHIN_DEADLINE = "within_deadline"
    OVERDUE = "overdue"
    NONE = ""

    @property
    def label(self) -> str:
        return translated_label(self, _TIMELINESS_LABELS[self])


_TIMELINESS_LABELS = {
    Timeliness.EARLY: gettext_lazy("Done before the deadline"),
    Timeliness.ON_TIME: gettext_lazy("Done on time"),
    Timeliness.LATE: gettext_lazy("Done late"),
    Timeliness.WITHIN_DEADLINE: gettext_lazy("Being handled, within the deadline"),
    Timeliness.OVERDUE: gettext_lazy("Being handled, past the deadline"),
    Timeliness.NONE: gettext_lazy("No deadline"),
}

_OUTCOME_TIMELINESS: dict[str, Timeliness] = {
    ControlRow.Outcome.EARLY: Timeliness.EARLY,
    ControlRow.Outcome.ON_TIME: Timeliness.ON_TIME,
    ControlRow.Outcome.LATE: Timeliness.LATE,
}

# The statuses at which the agencies' work is over, and the result (or the refusal) is there.
_DONE_STATUSES = (Status.PROCESSED, Status.RETURNED, Status.REFUSED)
_CLOSED_STATUSES = frozenset({*_DONE_STATUSES, Status.STOPPED})


@dataclass(frozen=True)
class LookupStep:
    """One hand-over on the process control slip (form 06), without the officers' names."""

    name: str
    from_agency: str
    to_agency: str
    handed_at: datetime
    due_at: datetime | None
    outcome: Timeliness


@dataclass(frozen=True)
class LookupStatusChange:
    status: str
    status_label: str
    national_status_code: int
    at: datetime


@dataclass(frozen=True)
class DossierLookup:
    """What anybody holding the code and the factor may see."""

    code: str
    procedure: str
    receiving_agency: str
    processing_agency: str
    status: str
    status_label: str
    national_status_code: int
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    timeliness: Timeliness
    steps: list[LookupStep] = field(default_factory=list)
    history: list[LookupStatusChange] = field(default_factory=list)


class LookupOutcome(enum.Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class LookupAnswer:
    outcome: LookupOutcome
    dossier: DossierLookup | None = None
    retry_at: datetime | None = None

    @property
    def retry_after_seconds(self) -> int:
        if self.retry_at is None:
            return 0
        return max(1, math.ceil((self.retry_at - timezone.now()).total_seconds()))


def lookup_normalise_code(raw: str) -> str:
    """Codes are printed in capitals with dots and dashes; people type them with spaces and in lower case."""
    return "".join((raw or "").split()).upper()[:CODE_MAX_LENGTH]


def factor_is_well_formed(factor: str) -> bool:
    return len(factor) == FACTOR_DIGITS and factor.isascii() and factor.isdigit()


def lookup_url(code: str, *, absolute: bool = True) -> str:
    """The page the receipt's QR code and the messages to the applicant link to (``?ma=<code>``); absolute
    when ``PUBLIC_BASE_URL`` is set (docs/lookup-and-notifications.md)."""
    path = f"{reverse('lookup:lookup')}?{urlencode({'ma': code})}"
    base = str(settings.PUBLIC_BASE_URL or "").rstrip("/")
    return f"{base}{path}" if absolute and base else path


def _last_digits(value: str) -> bytes:
    digits = _NON_DIGITS.sub("", value or "")
    return digits[-FACTOR_DIGITS:].encode() if len(digits) >= FACTOR_DIGITS else _NEVER


def _factor_matches(dossier: DossierRow | None, factor: str) -> bool:
    """Both comparisons always run, in constant time, whether or not the dossier exists."""
    phone = _last_digits(dossier.applicant_phone) if dossier is not None else _NEVER
    personal_id = _last_digits(dossier.applicant_personal_id) if dossier is not None else _NEVER
    given = factor.encode() if factor_is_well_formed(factor) else _NEVER
    phone_matches = hmac.compare_digest(given, phone)
    id_matches = hmac.compare_digest(given, personal_id)
    return dossier is not None and given != _NEVER and (phone_matches | id_matches)


def _ip_key(ip: str) -> str:
    return f"lookup:ip:{ip}"


def _code_key(code: str) -> str:
    return f"lookup:code:{code}"


def _rate_limited(code: str, ip: str, counts: dict[str, int]) -> datetime | None:
    """When this address or this code has used up its wrong guesses, the moment the window ends."""
    if counts[_ip_key(ip)] >= IP_LIMIT:
        logger.warning("lookup_rate_limited", scope="ip", ip=ip)
        return rate_limit_window_end(WINDOW_SECONDS)
    if counts[_code_key(code)] >= CODE_LIMIT:
        logger.warning("lookup_rate_limited", scope="code", code_prefix=code[:LOGGED_CODE_PREFIX], ip=ip)
        return rate_limit_window_end(WINDOW_SECONDS)
    return None


def _count_wrong_guess(code: str, ip: str) -> None:
    rate_limit_hit(_ip_key(ip), IP_LIMIT, WINDOW_SECONDS)
    rate_limit_hit(_code_key(code), CODE_LIMIT, WINDOW_SECONDS)


def timeliness(dossier: DossierRow, finished_at: datetime | None, now: datetime) -> Timeliness:
    """Where the dossier stands against its appointment at ``now``."""
    if dossier.due_at is None or dossier.status == Status.STOPPED:
        return Timeliness.NONE
    if finished_at is not None:
        return _OUTCOME_TIMELINESS.get(control_outcome(finished_at, dossier.due_at), Timeliness.NONE)
    if dossier.status in _CLOSED_STATUSES:
        return Timeliness.NONE
    return Timeliness.OVERDUE if now > dossier.due_at else Timeliness.WITHIN_DEADLINE


def dossier_lookup_view(
    dossier: DossierRow,
    control: list[ControlRowView],
    changes: list[tuple[str, datetime]],
    *,
    now: datetime | None = None,
) -> DossierLookup:
    """The public view of a dossier: form 06 and the status history, with no personal data."""
    steps = [
        LookupStep(
            name=row.step,
            from_agency=row.from_agency,
            to_agency=row.to_agency,
            handed_at=row.handed_at,
            due_at=row.due_at,
            outcome=_OUTCOME_TIMELINESS.get(row.outcome, Timeliness.NONE),
        )
        for row in control
    ]
    history = [
        LookupStatusChange(
            status=to_status,
            status_label=translated_label(Status(to_status), Status(to_status).label),
            national_status_code=NATIONAL_STATUS_CODE[to_status],
            at=at,
        )
        for to_status, at in changes
    ]
    finished_at = next((change.at for change in history if change.status in _DONE_STATUSES), None)
    status = Status(dossier.status)
    return DossierLookup(
        code=dossier.code,
        procedure=dossier.procedure,
        receiving_agency=dossier.receiving_agency,
        processing_agency=dossier.processing_agency,
        status=status.value,
        status_label=translated_label(status, status.label),
        national_status_code=NATIONAL_STATUS_CODE[status],
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=finished_at,
        timeliness=timeliness(dossier, finished_at, now or timezone.now()),
        steps=steps,
        history=history,
    )


def lookup_input(code: str, factor: str, ip: str | None) -> tuple[str, str, str]:
    """A lookup's code, factor and client address as every lookup compares and counts them."""
    return lookup_normalise_code(code), (factor or "").strip(), ip or "unknown"


def client_keys(code: str, client: str) -> tuple[str, str]:
    """The rate limiter's keys of a lookup: the client's address and the code."""
    return _ip_key(client), _code_key(code)


def lookup_refusal(
    code: str, factor: str, client: str, dossier: DossierRow | None, counts: dict[str, int]
) -> LookupAnswer | None:
    """Why a lookup is refused (the limits reached, or no dossier with this code and factor, counted as
    a wrong guess and logged), or None when it may answer; every lookup passes here."""
    retry_at = _rate_limited(code, client, counts)
    if retry_at is not None:
        return LookupAnswer(LookupOutcome.RATE_LIMITED, retry_at=retry_at)
    if not _factor_matches(dossier, factor):
        _count_wrong_guess(code, client)
        logger.warning(
            "lookup_failed",
            code_prefix=code[:LOGGED_CODE_PREFIX],
            ip=client,
            is_known_code=dossier is not None,
        )
        return LookupAnswer(LookupOutcome.NOT_FOUND)
    logger.info("lookup_succeeded", code_prefix=code[:LOGGED_CODE_PREFIX])
    return None


def dossier_lookup(*, code: str, factor: str, ip: str | None) -> LookupAnswer:
    """Look a dossier up for anybody who holds its code and factor: the page's lookup. The API's
    (``lookup_answers.dossier_lookup_json``) passes the same checks, so that both count against the same
    limits."""
    code, factor, client = lookup_input(code, factor, ip)
    read = lookup_read(code, client_keys(code, client), WINDOW_SECONDS)
    refused = lookup_refusal(code, factor, client, read.dossier, read.counts)
    if refused is not None:
        return refused
    assert read.dossier is not None  # lookup_refusal refuses without a dossier
    found = dossier_lookup_view(read.dossier, read.control, read.history)
    return LookupAnswer(LookupOutcome.FOUND, dossier=found)


def rate_limit_message(retry_at: datetime | None) -> str:
    moment = timezone.localtime(retry_at or timezone.now())
    return _("Too many attempts. Please wait and try again after %(time)s.") % {"time": f"{moment:%H:%M}"}
