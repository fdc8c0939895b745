from django.urls import path

from egov.dossiers import views_work

app_name = "work"

urlpatterns = [
    path("", views_work.work_queue, name="queue"),
    path("ho-so/<str:code>/", views_work.work_dossier_page, name="dossier"),
    path("ho-so/<str:code>/gia-han/", views_work.work_extend_page, name="extend"),
    path("ho-so/<str:code>/ky-ket-qua/", views_work.work_sign_page, name="sign"),
    path("ho-so/<str:code>/phieu/<int:slip_id>.pdf", views_work.work_slip, name="slip"),
    path("ho-so/<str:code>/ket-qua/<int:document_id>.pdf", views_work.work_result_file, name="result"),
    path("ho-so/<str:code>/<str:action>/", views_work.work_act, name="act"),
]
