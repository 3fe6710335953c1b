from django.contrib import admin

from malbild.platforms.models import Decision, PlatformVersion, Value


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["body", "decided_on", "reference", "organisation", "recorded_on_behalf"]
    list_filter = ["organisation", "recorded_on_behalf"]
    search_fields = ["body", "reference"]
    raw_id_fields = ["proposed_by", "made_by"]


@admin.register(PlatformVersion)
class PlatformVersionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "number", "status", "adopted_at"]
    list_filter = ["organisation", "status"]
    raw_id_fields = ["decision", "created_by"]
    readonly_fields = ["lock_version"]


@admin.register(Value)
class ValueAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "organisation", "position", "retired_at"]
    list_filter = ["organisation"]
    search_fields = ["name", "key"]
