"""Applying online, one thing per page: the form, the papers, a check of the answers, then submit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.catalog.selectors import procedure_published_get
from egov.core.models import StoredFile
from egov.estore.selectors import estore_items_for, estore_items_matching
from egov.portal.auth import me
from egov.portal.formfields import form_fields
from egov.portal.models import ApplicationDraft
from egov.portal.selectors import draft_for, profile_values, receiving_agency_options
from egov.portal.services import (
    draft_attach_upload,
    draft_problems,
    draft_remove_paper,
    draft_save_form,
    draft_start,
    draft_submit,
    draft_use_estore_item,
)

View = Callable[..., HttpResponse]


def applicant_required(view: View) -> View:
    """Signed in as a citizen or business, and online intake switched on for this deployment."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.ONLINE_INTAKE_ENABLED:
            return render(request, "portal/intake_closed.html", status=403)
        user = request.user
        if not isinstance(user, User) or user.kind == User.Kind.OFFICIAL:
            return render(request, "portal/applicants_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _draft_or_404(request: HttpRequest, draft_id: int) -> ApplicationDraft:
    draft = draft_for(user=me(request), draft_id=draft_id)
    if draft is None:
        raise Http404
    return draft


@require_POST
@applicant_required
def apply_start(request: HttpRequest, national_code: str) -> HttpResponse:
    version = procedure_published_get(national_code=national_code)
    if version is None:
        raise Http404
    draft = draft_start(user=me(request), version=version)
    return redirect("portal:apply-form", draft_id=draft.pk)


@applicant_required
def apply_form(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    version = draft.procedure_version
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {key: request.POST.get(key, "") for key in (version.form_schema or {}).get("properties", {})}
        errors = draft_save_form(
            draft=draft, raw=raw, receiving_agency_id=request.POST.get("receiving_agency")
        )
        if not errors:
            if "save_draft" in request.POST:
                return redirect("portal:my-dossiers")
            return redirect("portal:apply-papers", draft_id=draft.pk)
        values = {**draft.form_data, **{k: v for k, v in raw.items() if v}}
    else:
        values = draft.form_data or {}
        if not values:
            from egov.catalog.eform import form_prefill

            values = form_prefill(version.form_schema or {}, profile_values(user=me(request)))
    context = {
        "draft": draft,
        "version": version,
        "fields": form_fields(version.form_schema or {}, version.form_ui or {}, values, errors),
        "errors": errors,
        "agencies": receiving_agency_options(version=version),
        "step": 1,
    }
    return render(request, "portal/apply_form.html", context, status=400 if errors else 200)


def _paper_rows(
    request: HttpRequest, draft: ApplicationDraft, errors: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    chosen_files = {c["file"] for c in draft.papers.values() if "file" in c}
    files = {f.pk: f for f in StoredFile.objects.filter(pk__in=chosen_files, uploaded_by=me(request))}
    items = {item.pk: item for item in estore_items_for(user=me(request))}
    for paper in draft.procedure_version.papers.all():
        choice = draft.papers.get(str(paper.pk), {})
        rows.append(
            {
                "paper": paper,
                "file": files.get(choice.get("file")),
                "estore_item": items.get(choice.get("estore")),
                "matches": list(
                    estore_items_matching(user=me(request), result_type_code=paper.reusable_result_type)
                ),
                "error": errors.get(f"paper-{paper.pk}", ""),
            }
        )
    return rows


@applicant_required
def apply_papers(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            paper_id = int(request.POST.get("paper", "0"))
        except ValueError:
            paper_id = 0
        try:
            if action == "upload":
                uploaded = request.FILES.get("file")
                if uploaded is None:
                    raise ValidationError(_("Choose a file to attach."))
                draft_attach_upload(user=me(request), draft=draft, paper_id=paper_id, uploaded=uploaded)
            elif action == "estore":
                draft_use_estore_item(
                    user=me(request),
                    draft=draft,
                    paper_id=paper_id,
                    item_id=int(request.POST.get("item", "0") or 0),
                )
            elif action == "remove":
                draft_remove_paper(draft=draft, paper_id=paper_id)
            elif action == "continue":
                problems = {
                    k: v
                    for k, v in draft_problems(user=me(request), draft=draft).items()
                    if k.startswith("paper-")
                }
                if not problems:
                    return redirect("portal:apply-review", draft_id=draft.pk)
                errors, status = problems, 400
            if not errors:
                return redirect("portal:apply-papers", draft_id=draft.pk)
        except ValidationError as error:
            errors = {f"paper-{paper_id}": " ".join(error.messages)}
            status = 400
    context = {
        "draft": draft,
        "version": draft.procedure_version,
        "rows": _paper_rows(request, draft, errors),
        "errors": errors,
        "step": 2,
    }
    return render(request, "portal/apply_papers.html", context, status=status)


@applicant_required
def apply_review(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    version = draft.procedure_version
    problems = draft_problems(user=me(request), draft=draft)
    if request.method == "POST" and not problems:
        try:
            dossier = draft_submit(user=me(request), draft=draft)
        except ValidationError as error:
            problems = {"__all__": " ".join(error.messages)}
        else:
            return redirect("portal:dossier-submitted", code=dossier.code)
    answers = form_fields(version.form_schema or {}, version.form_ui or {}, draft.form_data, {})
    context = {
        "draft": draft,
        "version": version,
        "answers": answers,
        "rows": _paper_rows(request, draft, {}),
        "problems": problems,
        "step": 3,
    }
    return render(
        request, "portal/apply_review.html", context, status=400 if request.method == "POST" else 200
    )
