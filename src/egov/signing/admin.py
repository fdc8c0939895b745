from django.contrib import admin
from django.http import HttpRequest

from egov.signing.models import SigningCertificate

FIELDS = (
    "kind",
    "agency",
    "issuer",
    "subject",
    "serial_number",
    "fingerprint_sha256",
    "not_before",
    "not_after",
    "retired_at",
    "certificate_pem",
)


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    """Read only: certificates are made by the signing backend; the sealed key is never shown."""

    list_display = ["subject", "kind", "agency", "not_before", "not_after", "retired_at"]
    list_filter = ["kind", "retired_at"]
    search_fields = ["subject", "fingerprint_sha256", "agency__code", "agency__name"]
    fields = FIELDS
    readonly_fields = FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
