from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from malbild.indicators.models import Indicator, IndicatorTarget, Measurement


class ReadOnly:
    """To read only: every change goes through `indicators.services`, which checks the rules,
    audits and keeps the goals' stored progress up to date."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TargetInline(ReadOnly, admin.TabularInline):
    model = IndicatorTarget
    fields = ("period", "value")
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["code", "name", "organisation", "unit_of_measure", "direction", "periodicity"]
    list_filter = ["organisation", "direction", "periodicity"]
    search_fields = ["code", "name"]
    inlines = [TargetInline]


@admin.register(Measurement)
class MeasurementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["indicator", "org_unit", "period", "gender", "value", "status", "organisation"]
    list_filter = ["organisation", "gender", "status"]
    search_fields = ["indicator__code", "org_unit__code", "period"]
    raw_id_fields = ["indicator", "org_unit"]
