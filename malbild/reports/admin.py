from django.contrib import admin

from malbild.reports.models import GeneratedReport


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    list_display = ["period", "unit", "language", "status", "organisation", "requested_at"]
    list_filter = ["organisation", "status", "language"]
    readonly_fields = ["pdf_sha256", "xlsx_sha256", "finished_at", "rerendered_at"]
    raw_id_fields = ["period", "unit", "requested_by"]
