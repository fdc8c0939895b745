"""A citizen signs in through VNeID in a real browser (Playwright + Debian chromium)."""

import pytest

from egov.accounts.models import User


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_clicks_vneid_goes_through_the_provider_and_lands_signed_in(
    live_server, page, oidc_provider, screenshot
):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    screenshot("identity-sign-in-phone")

    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử VNeID").click()

    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Nguyễn Thị Vân"
    assert page.get_by_text("Đã xác thực danh tính qua VNeID").is_visible()
    screenshot("identity-signed-in-with-vneid-phone")
    assert User.objects.get(personal_id="001099012345").identity.is_vneid_authenticated is True
