"""The admin's catalogue spreadsheet pages: upload a file, see the dry-run report of every row, then
confirm the import; and download the catalogue as a spreadsheet.

The procedure admin (catalog/admin.py) includes the URLs before its own, so that "import/" is not read
as an object id::

    def get_urls(self):
        return get_import_urls(self.admin_site) + super().get_urls()

which gives ``admin:catalog_procedure_import`` and ``admin:catalog_procedure_export``
(/admin/catalog/procedure/import/ and …/export/). docs/catalogue.md describes the file.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.catalog.models import Procedure
from egov.catalog.spreadsheet import ImportReport, catalogue_export, catalogue_import, file_format_for

IMPORT_PERMISSIONS = ("catalog.add_procedureversion", "catalog.change_procedureversion")
EXPORT_PERMISSION = "catalog.view_procedureversion"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PENDING_SESSION_KEY = "catalog_import_pending"
PENDING_DIRECTORY = "catalog/imports"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
TEMPLATE = "admin/catalog/procedure/import.html"


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))
    publish = forms.BooleanField(
        label=gettext_lazy("Publish the imported versions"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Otherwise each row is saved as the procedure's draft version."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if file_format_for(upload.name) is None:
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def get_import_urls(admin_site: AdminSite) -> list[URLPattern]:
    """The import and export pages, for the procedure admin's ``get_urls`` (before its own URLs)."""

    def import_view(request: HttpRequest) -> HttpResponse:
        return catalogue_import_view(request, admin_site=admin_site)

    def export_view(request: HttpRequest) -> HttpResponse:
        return catalogue_export_view(request)

    return [
        path("import/", admin_site.admin_view(import_view), name="catalog_procedure_import"),
        path("export/", admin_site.admin_view(export_view), name="catalog_procedure_export"),
    ]


def _reverse(admin_site: AdminSite, name: str, **kwargs: Any) -> str:
    try:
        return reverse(f"{admin_site.name}:{name}", kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def _render(
    request: HttpRequest,
    admin_site: AdminSite,
    *,
    form: CatalogueUploadForm,
    report: ImportReport | None = None,
    token: str = "",
) -> TemplateResponse:
    context = {
        **admin_site.each_context(request),
        "title": _("Import procedures from a spreadsheet"),
        "opts": Procedure._meta,
        "app_list_url": _reverse(admin_site, "app_list", app_label="catalog"),
        "changelist_url": _reverse(admin_site, "catalog_procedure_changelist"),
        "export_url": _reverse(admin_site, "catalog_procedure_export"),
        "form": form,
        "report": report,
        "token": token,
    }
    return TemplateResponse(request, TEMPLATE, context)


def _forget_pending(request: HttpRequest) -> None:
    pending = request.session.pop(PENDING_SESSION_KEY, None)
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])


def catalogue_import_view(request: HttpRequest, *, admin_site: AdminSite) -> HttpResponse:
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, admin_site)
    if request.method != "POST":
        return _render(request, admin_site, form=CatalogueUploadForm())

    form = CatalogueUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, admin_site, form=form)
    upload = form.cleaned_data["file"]
    file_format = file_format_for(upload.name) or ""
    payload = upload.read()
    publish = form.cleaned_data["publish"]
    report = catalogue_import(
        payload, file_format=file_format, dry_run=True, publish=publish, actor=request.user
    )
    _forget_pending(request)
    token = ""
    if not report.has_errors:
        # Kept until confirmed, so that what is imported is exactly what was checked.
        token = secrets.token_urlsafe(16)
        stored = default_storage.save(f"{PENDING_DIRECTORY}/{token}.{file_format}", ContentFile(payload))
        request.session[PENDING_SESSION_KEY] = {
            "token": token,
            "path": stored,
            "file_format": file_format,
            "publish": publish,
        }
    return _render(
        request,
        admin_site,
        form=CatalogueUploadForm(initial={"publish": publish}),
        report=report,
        token=token,
    )


def _confirm(request: HttpRequest, admin_site: AdminSite) -> HttpResponse:
    pending = request.session.get(PENDING_SESSION_KEY)
    if (
        not pending
        or pending["token"] != request.POST.get("token")
        or not default_storage.exists(pending["path"])
    ):
        messages.error(request, _("This import has expired; upload the file again."))
        return HttpResponseRedirect(request.path)
    with default_storage.open(pending["path"], "rb") as stored:
        payload = stored.read()
    report = catalogue_import(
        payload,
        file_format=pending["file_format"],
        dry_run=False,
        publish=pending["publish"],
        actor=request.user,
    )
    _forget_pending(request)
    if report.has_errors:  # the catalogue or the agencies changed since the check
        return _render(request, admin_site, form=CatalogueUploadForm(), report=report)
    messages.success(
        request,
        _("Import finished: %(written)s procedures written, %(unchanged)s unchanged.")
        % {"written": report.written, "unchanged": report.count("unchanged")},
    )
    return HttpResponseRedirect(_reverse(admin_site, "catalog_procedure_changelist") or request.path)


def catalogue_export_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    file_format = request.GET.get("format", "xlsx")
    if file_format not in CONTENT_TYPES:
        file_format = "xlsx"
    include_drafts = request.GET.get("drafts") == "1"
    payload = catalogue_export(file_format=file_format, include_drafts=include_drafts)
    response = HttpResponse(payload, content_type=CONTENT_TYPES[file_format])
    day = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{day}.{file_format}"'
    return response
