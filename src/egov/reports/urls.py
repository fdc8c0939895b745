from django.urls import path

from egov.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("xuat/<str:name>.xlsx", views.dashboard_export, name="export"),
]
