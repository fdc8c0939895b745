from django.urls import path

from egov.portal.views import apply, personal, public

app_name = "portal"

urlpatterns = [
    path("", public.home, name="home"),
    path("thu-tuc/", public.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:national_code>/", public.procedure_detail, name="procedure-detail"),
    path("thu-tuc/<str:national_code>/nop-truc-tuyen/", apply.apply_start, name="apply-start"),
    path("linh-vuc/", public.field_list, name="field-list"),
    path("co-quan/", public.agency_list, name="agency-list"),
    path("nop-ho-so/<int:draft_id>/to-khai/", apply.apply_form, name="apply-form"),
    path("nop-ho-so/<int:draft_id>/giay-to/", apply.apply_papers, name="apply-papers"),
    path("nop-ho-so/<int:draft_id>/kiem-tra/", apply.apply_review, name="apply-review"),
    path("ca-nhan/ho-so/", personal.my_dossiers, name="my-dossiers"),
    path("ca-nhan/ho-so/<str:code>/", personal.dossier_detail, name="dossier-detail"),
    path("ca-nhan/ho-so/<str:code>/da-nop/", personal.dossier_submitted, name="dossier-submitted"),
    path("ca-nhan/ho-so/<str:code>/bo-sung/", personal.dossier_supplement, name="dossier-supplement"),
    path("ca-nhan/ho-so/<str:code>/rut/", personal.dossier_withdraw, name="dossier-withdraw"),
    path(
        "ca-nhan/ho-so/<str:code>/ket-qua/<int:result_id>/",
        personal.dossier_result_download,
        name="dossier-result",
    ),
    path("ca-nhan/thong-tin/", personal.profile, name="profile"),
    path("ca-nhan/kho-du-lieu/", personal.estore, name="estore"),
    path("ca-nhan/kho-du-lieu/<int:item_id>/tai-ve/", personal.estore_download, name="estore-download"),
]
