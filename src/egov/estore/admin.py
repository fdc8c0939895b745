from django.contrib import admin

from egov.estore.models import EStoreItem


@admin.register(EStoreItem)
class EStoreItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner_personal_id", "kind", "result_type_code", "issuer", "issued_on"]
    list_filter = ["kind", "result_type_code"]
    search_fields = ["owner_personal_id", "title", "e_result_code"]
    raw_id_fields = ["file"]
