from django.contrib import admin

from malbild.imports.models import ImportRun, KoladaValue, PeerGroup


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "organisation", "kind", "state", "file_name", "rows_total", "created_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["started_by"]


@admin.register(KoladaValue)
class KoladaValueAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kpi", "area_id", "year", "gender", "value", "fetched_at"]
    raw_id_fields = ["import_run"]


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "kolada_group_id"]
