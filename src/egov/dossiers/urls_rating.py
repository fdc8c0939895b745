from django.urls import path

from egov.dossiers import views_rating

app_name = "rating"

urlpatterns = [
    path("quay/", views_rating.rating_kiosk_start, name="kiosk"),
    path("quay/<str:code>/", views_rating.rating_kiosk, name="kiosk-rate"),
    path("<str:code>/", views_rating.rating_online, name="online"),
]
