"""Public pages of the dossiers app, mounted at /tra-cuu/ by egov.urls."""

from django.urls import path

from egov.dossiers import views_lookup

app_name = "lookup"

urlpatterns = [
    path("", views_lookup.lookup, name="lookup"),
]
