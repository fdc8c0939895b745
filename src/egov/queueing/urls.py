from django.urls import path

from egov.queueing import views

app_name = "queueing"

urlpatterns = [
    path("quay/", views.counter_list, name="counter-list"),
    path("quay/<int:counter_id>/", views.counter_panel, name="counter-panel"),
    path("quay/<int:counter_id>/dang-cho/", views.counter_waiting, name="counter-waiting"),
    path("quay/<int:counter_id>/<slug:action>/", views.counter_action, name="counter-action"),
    path("<str:centre_code>/lay-so/", views.kiosk, name="kiosk"),
    path("<str:centre_code>/so/<str:token>/", views.ticket_slip, name="ticket"),
    path("<str:centre_code>/man-hinh/", views.hall, name="hall"),
    path("<str:centre_code>/man-hinh/cap-nhat/", views.hall_update, name="hall-update"),
]
