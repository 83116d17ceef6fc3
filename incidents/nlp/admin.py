from django.contrib import admin

from incidents.nlp.models import QueryLog, SearchDocument
from organizations.admin import TenantAdmin


@admin.register(SearchDocument)
class SearchDocumentAdmin(TenantAdmin):
    list_display = ("human_id", "kind", "organization", "title", "occurred_at")
    list_filter = ("kind",)
    search_fields = ("human_id", "title")
    readonly_fields = ("terms",)


@admin.register(QueryLog)
class QueryLogAdmin(TenantAdmin):
    list_display = ("text", "kind", "organization", "parser", "result_count", "created_at")
    list_filter = ("kind", "parser")
    readonly_fields = ("interpretation",)
