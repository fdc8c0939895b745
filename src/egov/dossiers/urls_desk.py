from django.urls import path

from egov.dossiers import views_desk

app_name = "desk"

urlpatterns = [
    path("", views_desk.desk_home, name="home"),
    path("so-theo-doi.xlsx", views_desk.desk_register, name="register"),
    path("tiep-nhan/", views_desk.desk_counter, name="counter"),
    path("ho-so/<str:code>/", views_desk.desk_dossier_page, name="dossier"),
    path("ho-so/<str:code>/<str:decision>/", views_desk.desk_decide, name="decide"),
    path("ho-so/<str:code>/phieu/<int:slip_id>.pdf", views_desk.desk_slip, name="slip"),
]
