"""The public lookup's answer as JSON, and its story kept per dossier (``LookupStory``).

An answer has two parts (docs/lookup-and-notifications.md, "The story kept"):
- the **head**, read with the dossier on every lookup: code, procedure, agencies, status, the moments on
  the receipt, and where the dossier stands against its appointment (which changes with the clock);
- the **story**: when the agencies finished, the control slip's hand-overs (form 06) and the status
  history, with their labels. It changes only when a row is added to the story, so it is written out
  and kept (``lookup_stories_fill``, the periodic job); the lookup reads it with the dossier in its one
  statement instead of reading and writing out the story each time.

Kept stories are right by construction: triggers (migration 0013) delete a dossier's story whenever a row
of it is written or an agency named on it renamed, whoever writes; a story is used only when it was
written with the labels of the language the lookup answers in (``answer_stamp``); otherwise, and when
none is kept (a dossier changed since the job last ran), the lookup computes the answer from the tables,
the same JSON by the same functions. The services do not write stories: that would add a quarter to a
half millisecond to every submission and receipt (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from egov.core.text import translated_label
from egov.dossiers.lookup import (
    WINDOW_SECONDS,
    DossierLookup,
    LookupAnswer,
    LookupOutcome,
    Timeliness,
    client_keys,
    dossier_lookup_view,
    lookup_input,
    lookup_refusal,
    timeliness,
)
from egov.dossiers.lookup_reads import answer_read, lookup_read
from egov.dossiers.models import NATIONAL_STATUS_CODE, Dossier, LookupStory, Status

# Stories the periodic job writes per run and per transaction.
FILL_LIMIT = 5000
FILL_BATCH = 500


def _moment(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z``, as the API schema's serialiser writes it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def _members(values: dict[str, object]) -> str:
    """``values`` as JSON object members, without the braces."""
    return json.dumps(values, ensure_ascii=False)[1:-1]


class _Head(Protocol):
    """What the head of an answer shows: a DossierRow (read) and a DossierLookup (computed) both have it."""

    @property
    def code(self) -> str: ...
    @property
    def procedure(self) -> str: ...
    @property
    def receiving_agency(self) -> str: ...
    @property
    def processing_agency(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def submitted_at(self) -> datetime: ...
    @property
    def received_at(self) -> datetime | None: ...
    @property
    def due_at(self) -> datetime | None: ...


def answer_head(dossier: _Head, standing: Timeliness) -> str:
    status = Status(dossier.status)
    return _members(
        {
            "code": dossier.code,
            "procedure": dossier.procedure,
            "receiving_agency": dossier.receiving_agency,
            "processing_agency": dossier.processing_agency,
            "status": status.value,
            "status_label": translated_label(status, status.label),
            "national_status_code": NATIONAL_STATUS_CODE[status],
            "submitted_at": _moment(dossier.submitted_at),
            "received_at": _moment(dossier.received_at),
            "due_at": _moment(dossier.due_at),
            "timeliness": standing.value,
            "timeliness_label": standing.label,
        }
    )


def answer_story(answer: DossierLookup) -> str:
    return _members(
        {
            "finished_at": _moment(answer.finished_at),
            "steps": [
                {
                    "name": step.name,
                    "from_agency": step.from_agency,
                    "to_agency": step.to_agency,
                    "handed_at": _moment(step.handed_at),
                    "due_at": _moment(step.due_at),
                    "outcome": step.outcome.value,
                    "outcome_label": step.outcome.label,
                }
                for step in answer.steps
            ],
            "history": [
                {
                    "status": change.status,
                    "status_label": change.status_label,
                    "national_status_code": change.national_status_code,
                    "at": _moment(change.at),
                }
                for change in answer.history
            ],
        }
    )


def answer_json(answer: DossierLookup) -> str:
    """The whole answer as ``api_public.LookupOut`` describes it (a test holds the two together)."""
    head = answer_head(answer, answer.timeliness)
    return f"{{{head}, {answer_story(answer)}}}"


@cache
def _stamp(language: str) -> str:
    labels = [translated_label(status, status.label) for status in Status]
    labels += [member.label for member in Timeliness]
    digest = hashlib.sha256("\x1f".join(labels).encode()).hexdigest()[:16]
    return f"{language}:{digest}"


def answer_stamp() -> str:
    """The language active and a digest of the labels a story carries in it: a kept story is used only
    where the stamps agree, so an answer never shows labels of another language or of an older catalogue."""
    return _stamp(translation.get_language() or settings.LANGUAGE_CODE)


# --- writing the kept stories -----------------------------------------------------------------------------


def _kept(code: str, stamp: str) -> LookupStory | None:
    read = lookup_read(code, None, WINDOW_SECONDS)
    if read.dossier is None:
        return None
    answer = dossier_lookup_view(read.dossier, read.control, read.history)
    return LookupStory(
        dossier_id=read.dossier.id, stamp=stamp, finished_at=answer.finished_at, story=answer_story(answer)
    )


def _write(answers: Iterable[LookupStory | None]) -> int:
    rows = [answer for answer in answers if answer is not None]
    LookupStory.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["dossier"],
        update_fields=["stamp", "finished_at", "story"],
    )
    return len(rows)


def lookup_stories_fill(limit: int | None = FILL_LIMIT) -> int:
    """Write the stories missing (dossiers changed since the last run, bulk loads, renamed agencies) or
    written with other labels (a new catalogue), at most ``limit`` (None: all), a batch per transaction
    with the dossiers' rows locked, so that no change slips in between the read and the write; the number
    written. The periodic job ``dossiers.lookup_stories_fill`` runs it."""
    written = 0
    after = 0  # the dossiers are walked once, in key order
    with translation.override(settings.LANGUAGE_CODE):
        stamp = answer_stamp()
        fresh = LookupStory.objects.filter(dossier=OuterRef("pk"), stamp=stamp)
        while limit is None or written < limit:
            size = FILL_BATCH if limit is None else min(FILL_BATCH, limit - written)
            with transaction.atomic():
                batch = list(
                    Dossier.objects.select_for_update()
                    .filter(~Exists(fresh), pk__gt=after)
                    .order_by("pk")
                    .values_list("pk", "code")[:size]
                )
                if not batch:
                    break
                written += _write(_kept(code, stamp) for _, code in batch)
            after = batch[-1][0]
    return written


# --- the lookup that uses them ----------------------------------------------------------------------------


def dossier_lookup_json(*, code: str, factor: str, ip: str | None) -> tuple[LookupAnswer, str]:
    """The public lookup of the API: the same checks as ``lookup.dossier_lookup`` on the same limits, and
    the answer as JSON text (empty unless found): with the story kept when there is one with the labels
    of the active language, else computed from the tables."""
    code, factor, client = lookup_input(code, factor, ip)
    read = answer_read(code, client_keys(code, client), WINDOW_SECONDS)
    refused = lookup_refusal(code, factor, client, read.dossier, read.counts)
    if refused is not None:
        return refused, ""
    dossier = read.dossier
    assert dossier is not None  # lookup_refusal refuses without a dossier
    found = LookupAnswer(LookupOutcome.FOUND)
    kept = read.kept
    if kept is None or kept.stamp != answer_stamp():
        story = lookup_read(code, None, WINDOW_SECONDS)
        return found, answer_json(dossier_lookup_view(story.dossier or dossier, story.control, story.history))
    head = answer_head(dossier, timeliness(dossier, kept.finished_at, timezone.now()))
    return found, f"{{{head}, {kept.story}}}"
