from django.urls import path

from egov.identity import views

app_name = "identity"

urlpatterns = [
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/dang-ky/", views.sign_up, name="sign-up"),
    path("tai-khoan/dang-ky/doanh-nghiep/", views.sign_up, {"business": True}, name="sign-up-business"),
    path("tai-khoan/xac-minh/", views.verify, name="verify"),
    path("tai-khoan/xac-minh/gui-lai/", views.resend, name="resend"),
    path("tai-khoan/dang-nhap/", views.sign_in, name="sign-in"),
    path("tai-khoan/dang-xuat/", views.sign_out, name="sign-out"),
    path("tai-khoan/vneid/", views.vneid_start, name="vneid-start"),
    path("tai-khoan/vneid/callback/", views.vneid_callback, name="vneid-callback"),
    path("can-bo/dang-nhap/", views.official_sign_in, name="official-sign-in"),
    # Before the admin's own URLs in egov/urls.py, so that its sign-in page cannot bypass the lockout.
    path("admin/login/", views.admin_login_redirect, name="admin-login"),
]
