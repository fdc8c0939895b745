from django.contrib import admin
from django.http import HttpRequest

from egov.results.models import ResultDocument


@admin.register(ResultDocument)
class ResultDocumentAdmin(admin.ModelAdmin):
    """Read only: results are issued and corrected through the services, never edited."""

    list_display = [
        "document_number",
        "title",
        "kind",
        "legacy_code",
        "e_result_code",
        "issued_at",
        "superseded_at",
    ]
    list_filter = ["kind", "issued_at"]
    search_fields = ["legacy_code", "e_result_code", "document_number", "dossier__code", "title"]
    raw_id_fields = ["dossier", "file", "supersedes", "estore_item"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
