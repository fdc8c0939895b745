"""The health check and the error pages every visitor can hit."""

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client, override_settings
from django.urls import path

from egov.urls import urlpatterns as project_urls


def _boom(request):
    raise RuntimeError("unexpected failure")


urlpatterns = [*project_urls, path("boom", _boom)]
handler500 = "egov.core.views.error_500"


@pytest.mark.django_db
def test_healthz_reports_app_and_database_ok():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_fails():
    with mock.patch("egov.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_unknown_page_gets_the_project_404_page_with_a_way_home():
    response = Client().get("/khong-co-trang-nay")

    assert response.status_code == 404
    assert "core/error.html" in [t.name for t in response.templates]
    assert b'href="/"' in response.content


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_gets_the_project_500_page_and_a_request_id():
    client = Client(raise_request_exception=False)

    response = client.get("/boom")

    assert response.status_code == 500
    assert "core/error.html" in [t.name for t in response.templates]
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_forbidden_admin_for_a_citizen_is_not_shown():
    from egov.accounts.models import User

    citizen = User.objects.create_user("citizen", password="x", kind=User.Kind.CITIZEN)
    client = Client()
    client.force_login(citizen)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_request_id_from_a_caller_is_echoed_and_a_bad_one_replaced():
    client = Client()

    good = client.get("/healthz", headers={"X-Request-ID": "trace-12345678"})
    bad = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})

    assert good["X-Request-ID"] == "trace-12345678"
    assert bad["X-Request-ID"] != "bad id with spaces"
    assert len(bad["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_landing_page_is_vietnamese_by_default_and_links_the_calculator():
    response = Client().get("/")

    assert response.status_code == 200
    assert b'<html lang="vi">' in response.content
    assert b'href="/han-giai-quyet/"' in response.content


@pytest.mark.django_db
def test_pages_are_vietnamese_even_for_an_english_browser_until_english_is_chosen():
    client = Client()

    default = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    chosen = client.get("/")

    assert default["Content-Language"] == "vi"
    assert chosen["Content-Language"] == "en"
    assert b'<html lang="en">' in chosen.content
