from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from egov.api import api
from egov.core import views as core_views

admin.site.site_header = _("egov-vn administration")
admin.site.site_title = _("egov-vn")
admin.site.index_title = _("Provincial digital government platform")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # The API first: the resolver tries patterns in order, and each include that does not match costs a
    # little; the public lookup's API is the busiest address (docs/benchmarks.md).
    path("api/v1/", api.urls),
    path("han-giai-quyet/", core_views.deadline_calculator, name="deadline-calculator"),
    path("tra-cuu/", include("egov.dossiers.urls_public")),
    path("", include("egov.identity.urls")),  # before admin/: it takes over admin/login/
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("xep-hang/", include("egov.queueing.urls")),
    path("mot-cua/", include("egov.dossiers.urls_desk")),
    path("xu-ly/", include("egov.dossiers.urls_work")),
    path("danh-gia/", include("egov.dossiers.urls_rating")),
    path("bao-cao/", include("egov.reports.urls")),
    path("thong-ke/", include("egov.reports.urls_public")),
    path("lien-thong/", include("egov.exchange.urls")),
    path("", include("egov.portal.urls")),
]

handler403 = "egov.core.views.error_403"
handler404 = "egov.core.views.error_404"
handler500 = "egov.core.views.error_500"
