"""A person's own space: dossiers, drafts, e-store, profile. Nothing here shows anyone else's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from egov.dossiers.selectors import dossier_of_applicant, dossiers_of_applicant
from egov.estore.selectors import estore_item_for, estore_items_for
from egov.portal.auth import me
from egov.portal.selectors import drafts_of
from egov.portal.services import dossier_supplement_online


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    context = {
        "dossiers": dossiers_of_applicant(user=me(request))[:200],
        "drafts": drafts_of(user=me(request)),
    }
    return render(request, "portal/my_dossiers.html", context)


@login_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_of_applicant(user=me(request), code=code)
    if dossier is None:
        raise Http404
    from egov.results.selectors import results_of_dossier

    context = {
        "dossier": dossier,
        "results": list(results_of_dossier(dossier=dossier, include_superseded=False)),
        "can_rate": dossier.status == "returned" and not hasattr(dossier, "rating"),
    }
    return render(request, "portal/dossier_detail.html", context)


@login_required
def dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant answers a request to supplement online."""
    dossier = dossier_of_applicant(user=me(request), code=code)
    if dossier is None or request.method != "POST":
        raise Http404
    try:
        dossier_supplement_online(
            user=me(request),
            dossier=dossier,
            uploads=request.FILES.getlist("files"),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. Your supplement has been sent to the one-stop section."))
    return redirect("portal:dossier-detail", code=code)


@login_required
def dossier_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant asks to stop a dossier that has not been decided (Decree 118/2025 Art. 21)."""
    from egov.dossiers.intake import dossier_request_withdrawal
    from egov.dossiers.services import TransitionRefused

    dossier = dossier_of_applicant(user=me(request), code=code)
    if dossier is None or request.method != "POST":
        raise Http404
    try:
        dossier_request_withdrawal(actor=me(request), dossier=dossier, reason=request.POST.get("reason", ""))
    except TransitionRefused as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Your request to withdraw has been sent; the one-stop section will confirm it.")
        )
    return redirect("portal:dossier-detail", code=code)


@login_required
def dossier_result_download(request: HttpRequest, code: str, result_id: int) -> FileResponse:
    """The applicant downloads their signed result; the first download of a processed dossier is its
    online return (Decree 118/2025 Art. 22: the moment it reaches the applicant)."""
    from egov.dossiers.models import Status
    from egov.dossiers.processing import dossier_return
    from egov.results.selectors import results_of_dossier

    dossier = dossier_of_applicant(user=me(request), code=code)
    if dossier is None:
        raise Http404
    result = results_of_dossier(dossier=dossier).filter(pk=result_id).first()
    if result is None:
        raise Http404
    if dossier.status == Status.PROCESSED:
        dossier_return(actor=me(request), dossier=dossier, method="online")
    return FileResponse(
        result.file.file.open("rb"), as_attachment=True, filename=f"{result.e_result_code}.pdf"
    )


@login_required
def dossier_submitted(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_of_applicant(user=me(request), code=code)
    if dossier is None:
        raise Http404
    return render(request, "portal/dossier_submitted.html", {"dossier": dossier})


@login_required
def estore(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/estore.html", {"items": estore_items_for(user=me(request))})


@login_required
def estore_download(request: HttpRequest, item_id: int) -> FileResponse:
    item = estore_item_for(user=me(request), item_id=item_id)
    if item is None:
        raise Http404
    return FileResponse(item.file.file.open("rb"), as_attachment=True, filename=item.file.original_name)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """What the person has declared, offered again in every application (never ask twice)."""
    from egov.portal.forms import ProfileForm
    from egov.portal.models import Profile
    from egov.portal.services import profile_update

    user = me(request)
    current = Profile.objects.filter(user=user).first()
    initial = {
        "address": (current.declared.get("address") if current else "") or user.address,
        "date_of_birth": current.date_of_birth if current else None,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile_update(
            user=user, address=form.cleaned_data["address"], date_of_birth=form.cleaned_data["date_of_birth"]
        )
        messages.success(request, _("Saved. Your next applications will be filled in with these details."))
        return redirect("portal:profile")
    return render(
        request, "portal/profile.html", {"form": form, "account": user}, status=400 if form.errors else 200
    )
