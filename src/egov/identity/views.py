"""Citizens' and officials' sign-in pages. Views parse, rate-limit, call one service and render."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.accounts.sessions import BACKEND
from egov.core.middleware import client_ip
from egov.identity import oidc, selectors, services
from egov.identity.forms import (
    BusinessSignUpForm,
    CitizenSignUpForm,
    CodeForm,
    OfficialSignInForm,
    SignInForm,
)
from egov.identity.models import OneTimeCode
from egov.identity.policy import RATE_LIMIT_PER_IDENTIFIER, RATE_LIMIT_WINDOW_SECONDS, SIGN_IN_FLOW_LIFETIME
from egov.identity.ratelimit import rate_limit_hit, rate_limit_window_end
from egov.identity.validators import mask_recipient

logger = structlog.get_logger(__name__)

MODEL_BACKEND = BACKEND  # egov.accounts.sessions.AccountBackend
FLOW_KEY = "identity_flow"  # a sign-up or sign-in waiting for its code
OIDC_KEY = "identity_oidc"  # state, nonce and PKCE verifier between VNeID and the callback
METHOD_KEY = "identity_method"  # how the session was authenticated: password_code, vneid, official_password
OIDC_LIFETIME_SECONDS = 600


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _rate_limited(request: HttpRequest, scope: str, *extra_keys: str) -> bool:
    """Count this request against the client address (and each extra key); True when over a limit."""
    limit = settings.SIGN_IN_RATE_LIMIT_PER_IP
    over = rate_limit_hit(f"{scope}:ip:{client_ip(request)}", limit, RATE_LIMIT_WINDOW_SECONDS)
    for key in extra_keys:
        over = rate_limit_hit(f"{scope}:{key}", RATE_LIMIT_PER_IDENTIFIER, RATE_LIMIT_WINDOW_SECONDS) or over
    if over:
        logger.warning("rate_limited", scope=scope)
    return over


def _rate_limit_message() -> str:
    local = timezone.localtime(rate_limit_window_end(RATE_LIMIT_WINDOW_SECONDS))
    return _("Too many attempts. Please wait and try again after %(time)s.") % {"time": f"{local:%H:%M}"}


def _sign_in_session(request: HttpRequest, user: User, method: str, next_url: str = "") -> HttpResponse:
    login(request, user, backend=MODEL_BACKEND)
    request.session[METHOD_KEY] = method
    return redirect(next_url or "identity:account")


# --- sign-up and the code page ------------------------------------------------------------------------


def _start_flow(request: HttpRequest, *, purpose: str, subject_id: int, next_url: str = "") -> None:
    request.session[FLOW_KEY] = {
        "purpose": purpose,
        "subject_id": subject_id,
        "started": timezone.now().timestamp(),
        "next": next_url,
    }


def _current_flow(request: HttpRequest) -> dict[str, Any] | None:
    flow = request.session.get(FLOW_KEY)
    if not isinstance(flow, dict):
        return None
    started = datetime.fromtimestamp(float(flow.get("started", 0)), tz=timezone.get_current_timezone())
    if started < timezone.now() - SIGN_IN_FLOW_LIFETIME:
        request.session.pop(FLOW_KEY, None)
        return None
    return flow


@never_cache
def sign_up(request: HttpRequest, *, business: bool = False) -> HttpResponse:
    form_class = BusinessSignUpForm if business else CitizenSignUpForm
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _rate_limited(request, "sign-up"):
            form.is_valid()
            form.add_error(None, _rate_limit_message())
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            pending, problem = services.sign_up_start(
                kind=form.kind,
                full_name=data["full_name"],
                personal_id=data.get("personal_id", ""),
                tax_code=data.get("tax_code", ""),
                organisation_name=data.get("organisation_name", ""),
                phone=data["phone"],
                email=data["email"],
                password=data["password"],
                channel=data["channel"],
            )
            _start_flow(request, purpose=OneTimeCode.Purpose.SIGN_UP, subject_id=pending.pk)
            if problem is not None:
                messages.error(request, problem.message)
            return redirect("identity:verify")
    return render(request, "identity/sign_up.html", {"form": form, "business": business}, status=status)


def _flow_subject(flow: dict[str, Any]) -> tuple[Any, Any]:
    """(pending sign-up, user) for the flow; one of them is None, or both when it no longer exists."""
    if flow["purpose"] == OneTimeCode.Purpose.SIGN_UP:
        return selectors.pending_sign_up_get(pk=flow["subject_id"]), None
    return None, User.objects.filter(pk=flow["subject_id"], is_active=True).first()


def _flow_lost(request: HttpRequest) -> HttpResponse:
    request.session.pop(FLOW_KEY, None)
    messages.error(request, _("That step has expired. Please start again."))
    return redirect("identity:sign-in")


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    flow = _current_flow(request)
    if flow is None:
        return _flow_lost(request)
    pending, user = _flow_subject(flow)
    if pending is None and user is None:
        return _flow_lost(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _rate_limited(request, "code"):
            form.is_valid()
            form.add_error(None, _rate_limit_message())
            status = 429
        elif form.is_valid():
            code = form.cleaned_data["code"]
            try:
                if pending is not None:
                    account = services.sign_up_confirm(sign_up=pending, code=code)
                else:
                    account = services.citizen_sign_in_confirm(user=user, code=code)
            except (services.SignUpConflict, services.SignUpExpired) as error:
                form.add_error(None, error.message)
            except services.IdentityError as error:
                form.add_error("code", error.message)
            else:
                request.session.pop(FLOW_KEY, None)
                if pending is not None:
                    messages.success(request, _("Your account is active. Welcome!"))
                return _sign_in_session(
                    request, account, "password_code", _safe_next(request, flow.get("next"))
                )
    code_status = selectors.code_status(purpose=flow["purpose"], sign_up=pending, user=user)
    context = {
        "form": form,
        "purpose": flow["purpose"],
        "status": code_status,
        "masked_recipient": mask_recipient(code_status.recipient) if code_status else "",
        "is_sign_up": pending is not None,
    }
    return render(request, "identity/verify.html", context, status=status)


@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    flow = _current_flow(request)
    if flow is None:
        return _flow_lost(request)
    pending, user = _flow_subject(flow)
    if pending is None and user is None:
        return _flow_lost(request)
    if _rate_limited(request, "code-resend"):
        messages.error(request, _rate_limit_message())
        return redirect("identity:verify")
    try:
        if pending is not None:
            row = services.sign_up_code_send(sign_up=pending)
        else:
            row = services.citizen_sign_in_code_send(user=user)
    except services.IdentityError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new code has been sent to %(recipient)s.") % {"recipient": mask_recipient(row.recipient)},
        )
    return redirect("identity:verify")


# --- citizens' sign-in and sign-out -------------------------------------------------------------------


@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        identifier = request.POST.get("identifier", "").strip().lower()
        if _rate_limited(request, "sign-in", f"identifier:{identifier}"):
            form.is_valid()
            form.add_error(None, _rate_limit_message())
            status = 429
        elif form.is_valid():
            try:
                user, problem = services.citizen_sign_in_start(
                    identifier=form.cleaned_data["identifier"], password=form.cleaned_data["password"]
                )
            except services.IdentityError as error:
                form.add_error(None, error.message)
            else:
                _start_flow(
                    request, purpose=OneTimeCode.Purpose.SIGN_IN, subject_id=user.pk, next_url=next_url
                )
                if problem is not None and not isinstance(problem, services.CodeResendTooSoon):
                    messages.error(request, problem.message)
                return redirect("identity:verify")
    context = {"form": form, "next": next_url, "vneid_enabled": oidc.is_configured()}
    return render(request, "identity/sign_in.html", context, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("identity:sign-in")


@login_required(login_url="identity:sign-in")
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context = {
        "account": user,
        "identity": selectors.identity_for(user=user),
        "method": request.session.get(METHOD_KEY, ""),
    }
    return render(request, "identity/account.html", context)


# --- VNeID (OpenID Connect) ---------------------------------------------------------------------------

OIDC_MESSAGES = {
    "not_configured": gettext_lazy("Signing in with VNeID is not available on this site yet."),
    "session_missing": gettext_lazy(
        "The sign-in took too long or was started in another window. Please try again."
    ),
    "state_mismatch": gettext_lazy(
        "The sign-in took too long or was started in another window. Please try again."
    ),
    "provider_refused": gettext_lazy("VNeID did not confirm the sign-in: it was cancelled or refused."),
}


def _oidc_message(reason: str) -> str:
    if reason in OIDC_MESSAGES:
        return str(OIDC_MESSAGES[reason])
    if reason.startswith("provider_") or reason in {"insecure_endpoint", "issuer_mismatch"}:
        return _("We could not reach VNeID just now. Please try again later, or sign in with your password.")
    return _("VNeID's answer could not be verified, so you have not been signed in. Please try again.")


def _vneid_error(request: HttpRequest, reason: str, message: str, status: int) -> HttpResponse:
    return render(request, "identity/vneid_error.html", {"reason": reason, "message": message}, status=status)


@never_cache
def vneid_start(request: HttpRequest) -> HttpResponse:
    if not oidc.is_configured():
        return _vneid_error(request, "not_configured", _oidc_message("not_configured"), 503)
    redirect_uri = request.build_absolute_uri(reverse("identity:vneid-callback"))
    try:
        url, state = oidc.authorization_request(redirect_uri=redirect_uri)
    except oidc.OidcError as error:
        logger.warning("vneid_start_failed", reason=error.reason, detail=error.detail)
        return _vneid_error(request, error.reason, _oidc_message(error.reason), 502)
    request.session[OIDC_KEY] = {
        **state.as_dict(),
        "started": timezone.now().timestamp(),
        "next": _safe_next(request, request.GET.get("next")),
    }
    return HttpResponseRedirect(url)


@never_cache
def vneid_callback(request: HttpRequest) -> HttpResponse:
    saved = request.session.pop(OIDC_KEY, None)
    if (
        not isinstance(saved, dict)
        or float(saved.get("started", 0)) < timezone.now().timestamp() - OIDC_LIFETIME_SECONDS
    ):
        return _vneid_error(request, "session_missing", _oidc_message("session_missing"), 400)
    if _rate_limited(request, "vneid"):
        return _vneid_error(request, "rate_limited", _rate_limit_message(), 429)
    expected = oidc.AuthorizationState(
        state=saved["state"], nonce=saved["nonce"], code_verifier=saved["code_verifier"]
    )
    redirect_uri = request.build_absolute_uri(reverse("identity:vneid-callback"))
    try:
        claims = oidc.complete_authorization(
            query=request.GET.dict(), expected=expected, redirect_uri=redirect_uri
        )
        user = services.vneid_sign_in(
            claims=services.vneid_claims_read(
                claims=claims, personal_id_claim=settings.OIDC_PERSONAL_ID_CLAIM
            )
        )
    except oidc.OidcError as error:
        logger.warning("vneid_sign_in_failed", reason=error.reason, detail=error.detail)
        status = 502 if error.reason.startswith("provider_") and error.reason != "provider_refused" else 400
        return _vneid_error(request, error.reason, _oidc_message(error.reason), status)
    except services.VneidSignInRefused as error:
        logger.warning("vneid_sign_in_refused", reason=error.code)
        return _vneid_error(request, error.code, error.message, 403)
    return _sign_in_session(request, user, "vneid", saved.get("next", ""))


# --- officials ----------------------------------------------------------------------------------------


@never_cache
def official_sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = OfficialSignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.official_sign_in(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip_address=client_ip(request),
                address_limit=settings.OFFICIAL_SIGN_IN_IP_LIMIT,
            )
        except services.OfficialSignInRefused as error:
            form.add_error(None, error.message)
            status = 429 if error.retry_at is not None else 200
        else:
            login(request, user, backend=MODEL_BACKEND)
            request.session[METHOD_KEY] = "official_password"
            return redirect(next_url or "admin:index")
    return render(request, "identity/official_sign_in.html", {"form": form, "next": next_url}, status=status)


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page would bypass the lockout: send officials to theirs."""
    target = reverse("identity:official-sign-in")
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{target}?{query}" if query else target)
