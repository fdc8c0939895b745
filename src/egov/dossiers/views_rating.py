"""The applicant rates the service once the result is returned (Decree 118/2025 Art. 33): online, signed
in, for their own dossier; or at the counter on a kiosk screen that an officer of the receiving section
opens for a dossier code, and that resets after each rating."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.models import User
from egov.core.permissions import Permission
from egov.dossiers.models import Dossier, Rating, Status
from egov.dossiers.processing import RATING_CRITERIA, dossier_rate
from egov.dossiers.selectors import dossier_of_applicant
from egov.dossiers.selectors_work import WorkScope, returned_unrated, work_scope

CRITERION_LABELS = {
    "time_vs_deadline": gettext_lazy("Time taken, compared with the appointment"),
    "agencies_contacted": gettext_lazy("How many agencies or units you had to deal with"),
    "contacts_needed": gettext_lazy("How many times you had to come or get in touch"),
    "information_accuracy": gettext_lazy("Accuracy of the information and guidance you were given"),
    "attitude": gettext_lazy("Attitude and behaviour of the officers"),
    "legality_and_cost": gettext_lazy("Lawfulness of the procedure, fees and costs"),
    "online_quality": gettext_lazy("Quality of the online public service"),
}
SCORE_LABELS = {
    1: gettext_lazy("Very dissatisfied"),
    2: gettext_lazy("Dissatisfied"),
    3: gettext_lazy("Acceptable"),
    4: gettext_lazy("Satisfied"),
    5: gettext_lazy("Very satisfied"),
}
COMMENT_MAX = 2000


def criteria_for(dossier: Dossier) -> list[str]:
    """Every criterion of Art. 33; the online service's quality only for a dossier filed online."""
    return [
        key for key in RATING_CRITERIA if key != "online_quality" or dossier.channel == Dossier.Channel.ONLINE
    ]


def parse_scores(post: Mapping[str, Any], criteria: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """The chosen score per criterion, and a message for each criterion left without one."""
    scores: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key in criteria:
        value = str(post.get(key) or "")
        if value in {"1", "2", "3", "4", "5"}:
            scores[key] = int(value)
        else:
            errors[key] = _("Choose a score from 1 to 5 for “%(criterion)s”.") % {
                "criterion": CRITERION_LABELS[key]
            }
    return scores, errors


def _questions(criteria: list[str], chosen: Mapping[str, Any], errors: Mapping[str, str]) -> list[dict]:
    return [
        {
            "key": key,
            "label": CRITERION_LABELS[key],
            "chosen": str(chosen.get(key) or ""),
            "error": errors.get(key, ""),
        }
        for key in criteria
    ]


def _rate(request: HttpRequest, dossier: Dossier, channel: str) -> tuple[Rating | None, dict[str, str]]:
    criteria = criteria_for(dossier)
    scores, errors = parse_scores(request.POST, criteria)
    if errors:
        return None, errors
    try:
        rating = dossier_rate(
            dossier=dossier,
            channel=channel,
            scores=scores,
            comment=str(request.POST.get("comment", "")).strip()[:COMMENT_MAX],
        )
    except ValidationError as error:
        return None, {"form": " ".join(error.messages)}
    return rating, {}


def _context(dossier: Dossier, post: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "questions": _questions(criteria_for(dossier), post, errors),
        "scores": list(SCORE_LABELS.items()),
        "errors": errors,
        "comment": post.get("comment", ""),
        "is_returned": dossier.status == Status.RETURNED,
        "rating": Rating.objects.filter(dossier=dossier).first(),
    }


@login_required
def rating_online(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's own dossier only; anybody else's is not found."""
    user = request.user
    dossier = dossier_of_applicant(user=user, code=code) if isinstance(user, User) else None
    if dossier is None:
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        rating, errors = _rate(request, dossier, Rating.Channel.ONLINE)
        if rating is not None:
            messages.success(request, _("Thank you for your rating."))
            return redirect("rating:online", code=code)
    context = _context(dossier, request.POST if errors else {}, errors)
    return render(request, "dossiers/rating/online.html", context, status=400 if errors else 200)


# -- the kiosk at the counter ------------------------------------------------------------------------------


def _kiosk_scope(request: HttpRequest) -> WorkScope:
    scope = work_scope(user=request.user)
    if not scope.agencies(Permission.DOSSIER_RECEIVE):
        raise PermissionDenied
    return scope


def _kiosk_dossier(scope: WorkScope, code: str) -> Dossier | None:
    return (
        Dossier.objects.filter(
            code=code.strip(), receiving_agency_id__in=scope.agencies(Permission.DOSSIER_RECEIVE)
        )
        .select_related("procedure_version", "receiving_agency")
        .first()
    )


@login_required
def rating_kiosk_start(request: HttpRequest) -> HttpResponse:
    """The officer opens the kiosk for a dossier just returned at the counter."""
    scope = _kiosk_scope(request)
    code = request.GET.get("ma", "").strip()
    error = ""
    if code:
        if _kiosk_dossier(scope, code) is not None:
            return redirect("rating:kiosk-rate", code=code)
        error = _("No dossier with this code was received at your section.")
    context = {"code": code, "error": error, "waiting": list(returned_unrated(scope=scope))}
    return render(request, "dossiers/rating/kiosk_start.html", context, status=404 if error else 200)


@login_required
def rating_kiosk(request: HttpRequest, code: str) -> HttpResponse:
    """Big buttons for the applicant at the counter; after the rating, back to the start."""
    scope = _kiosk_scope(request)
    dossier = _kiosk_dossier(scope, code)
    if dossier is None:
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        rating, errors = _rate(request, dossier, Rating.Channel.KIOSK)
        if rating is not None:
            messages.success(request, _("Thank you for your rating."))
            return redirect("rating:kiosk")
    context = _context(dossier, request.POST if errors else {}, errors)
    return render(request, "dossiers/rating/kiosk.html", context, status=400 if errors else 200)
