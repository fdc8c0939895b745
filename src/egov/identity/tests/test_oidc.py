"""Signing in through VNeID (OpenID Connect), against a local provider started by each test."""

import http.client
import urllib.parse

import pytest
from django.test import Client

from egov.accounts.models import User
from egov.core.audit.models import AuditEvent
from egov.identity import oidc
from egov.identity.models import Identity
from egov.identity.selectors import vneid_authenticated_accounts
from egov.identity.tests.factories import CitizenFactory, OfficialFactory
from egov.identity.tests.oidc_provider import other_key

START = "/tai-khoan/vneid/"


def _through_provider(client: Client, provider) -> object:
    """Start at our site, let the provider answer /authorize, and bring its redirect back to our site."""
    start = client.get(START)
    assert start.status_code == 302, start.content
    authorize = urllib.parse.urlsplit(start["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}" == provider.issuer
    connection = http.client.HTTPConnection(authorize.hostname, authorize.port, timeout=5)
    connection.request("GET", f"{authorize.path}?{authorize.query}")
    answer = connection.getresponse()
    location = answer.getheader("Location")
    connection.close()
    assert answer.status == 302, answer.status
    back = urllib.parse.urlsplit(location)
    assert back.path == "/tai-khoan/vneid/callback/"
    return client.get(back.path, dict(urllib.parse.parse_qsl(back.query)))


@pytest.mark.django_db
def test_a_new_citizen_signs_in_with_vneid_and_the_account_is_created_and_marked(oidc_provider):
    client = Client()

    response = _through_provider(client, oidc_provider)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"
    user = User.objects.get(personal_id="001099012345")
    assert (user.username, user.kind, user.full_name, user.email, user.has_usable_password()) == (
        "001099012345",
        User.Kind.CITIZEN,
        "Nguyễn Thị Vân",
        "van.nguyen@example.vn",
        False,
    )
    identity = Identity.objects.get(user=user)
    assert (identity.is_vneid_authenticated, identity.vneid_subject) == (True, "vneid-7f3a9c")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["identity_method"] == "vneid"
    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
        "user.created",
        "identity.vneid_linked",
    ]
    assert "Nguyễn Thị Vân" in client.get("/tai-khoan/").content.decode()
    assert list(vneid_authenticated_accounts()) == [user]


@pytest.mark.django_db
def test_the_client_uses_pkce_state_nonce_and_authenticates_at_the_token_endpoint(oidc_provider):
    _through_provider(Client(), oidc_provider)

    authorize = oidc_provider.authorize_requests[0]
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["scope"] == "openid profile"
    assert len(authorize["state"]) >= 32
    assert len(authorize["nonce"]) >= 32
    token = oidc_provider.token_requests[0]
    assert token["authorization"].startswith("Basic ")
    assert 43 <= len(token["form"]["code_verifier"]) <= 128
    assert "client_secret" not in token["form"]


@pytest.mark.django_db
def test_an_existing_citizen_is_linked_by_personal_id_not_duplicated(oidc_provider):
    citizen = CitizenFactory(personal_id="001099012345", username="001099012345", full_name="Nguyễn Thị Vân")
    client = Client()

    _through_provider(client, oidc_provider)
    _through_provider(Client(), oidc_provider)

    assert User.objects.filter(personal_id="001099012345").count() == 1
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert Identity.objects.get(user=citizen).is_vneid_authenticated is True
    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
        "identity.vneid_linked",
        "identity.vneid_signed_in",
    ]


def _tamper(provider, case: str) -> None:
    if case == "wrong_nonce":
        provider.nonce_override = "not-the-nonce-we-sent"
    elif case == "bad_signature":
        provider.signing_key = other_key()  # signs with a key the JWKS does not publish, same key id
    elif case == "expired":
        provider.lifetime_seconds = -600
    elif case == "wrong_audience":
        provider.audience_override = "another-client"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("wrong_nonce", "id_token_nonce"),
        ("bad_signature", "id_token_signature"),
        ("expired", "id_token_expired"),
        ("wrong_audience", "id_token_audience"),
    ],
)
def test_an_id_token_that_does_not_verify_shows_an_error_and_signs_nobody_in(oidc_provider, case, reason):
    _tamper(oidc_provider, case)
    client = Client()

    response = _through_provider(client, oidc_provider)
    html = response.content.decode()

    assert response.status_code == 400
    assert "Đăng nhập bằng VNeID không thành công" in html
    assert "Không xác minh được phản hồi của VNeID nên bạn chưa được đăng nhập." in html
    assert f"Mã lỗi: {reason}" in html
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(personal_id="001099012345").exists()
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_callback_with_another_state_is_refused(oidc_provider):
    client = Client()
    client.get(START)

    response = client.get("/tai-khoan/vneid/callback/", {"code": "x", "state": "forged"})

    assert response.status_code == 400
    assert "Mã lỗi: state_mismatch" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_callback_without_a_started_sign_in_is_refused(oidc_provider):
    response = Client().get("/tai-khoan/vneid/callback/", {"code": "x", "state": "y"})

    assert response.status_code == 400
    assert "Mã lỗi: session_missing" in response.content.decode()


@pytest.mark.django_db
def test_sub_is_the_personal_id_only_when_it_has_twelve_digits(oidc_provider):
    oidc_provider.claims = {"sub": "037090001234", "name": "Nguyễn Văn An"}

    _through_provider(Client(), oidc_provider)

    assert User.objects.filter(personal_id="037090001234", full_name="Nguyễn Văn An").exists()


@pytest.mark.django_db
def test_without_a_personal_id_claim_nobody_is_signed_in(oidc_provider):
    oidc_provider.claims = {"sub": "vneid-7f3a9c", "name": "Nguyễn Thị Vân"}
    client = Client()

    response = _through_provider(client, oidc_provider)

    assert response.status_code == 403
    assert "Mã lỗi: personal_id_missing" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_an_officials_personal_id_is_refused(oidc_provider):
    OfficialFactory(personal_id="001099012345")
    client = Client()

    response = _through_provider(client, oidc_provider)

    assert response.status_code == 403
    assert "Mã lỗi: official_account" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_vneid_button_appears_only_when_a_provider_is_configured(settings, oidc_provider):
    with_provider = Client().get("/tai-khoan/dang-nhap/").content.decode()
    settings.OIDC_ISSUER = ""
    without = Client().get("/tai-khoan/dang-nhap/").content.decode()

    assert "Đăng nhập bằng tài khoản định danh điện tử VNeID" in with_provider
    assert "Đăng nhập bằng tài khoản định danh điện tử VNeID" not in without


@pytest.mark.django_db
def test_an_unreachable_provider_gives_a_vietnamese_error(settings):
    oidc.reset_caches()
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = "http://127.0.0.1:9", "egov"

    response = Client().get(START)

    assert response.status_code == 502
    assert "Không kết nối được với VNeID lúc này." in response.content.decode()


def test_plain_http_issuers_are_refused_outside_the_loopback_interface():
    with pytest.raises(oidc.OidcError) as refused:
        oidc.discover("http://vneid.example.gov.vn")

    assert refused.value.reason == "insecure_endpoint"
