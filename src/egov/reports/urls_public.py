from django.urls import path

from egov.reports import views

app_name = "statistics"

urlpatterns = [
    path("", views.public_page, name="public"),
    path("phuong-phap/", views.method_page, name="method"),
]
