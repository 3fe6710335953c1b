from django.contrib import admin
from django.db import models

from malbild.goals.models import Contribution, Evidence, Goal, GoalIndicator


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["kind", "title", "url", "doi", "indicator", "steering_change", "reference"]
    raw_id_fields = ["indicator", "steering_change"]
    # Django 6 makes https the default scheme; say so now (and no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class GoalIndicatorInline(admin.TabularInline):
    """Progress is stored by goals.progress; here it is only read."""

    model = GoalIndicator
    extra = 0
    fields = ["indicator", "weight", "progress", "expected"]
    readonly_fields = ["progress", "expected"]
    raw_id_fields = ["indicator"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "unit", "status", "progress", "light"]
    list_filter = ["organisation", "status", "light"]
    search_fields = ["title"]
    raw_id_fields = ["target_vision", "focus_area", "unit", "parent", "owner", "created_by"]
    readonly_fields = ["progress", "expected", "light"]
    inlines = [GoalIndicatorInline, EvidenceInline]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["goal", "to_goal", "weight", "organisation"]
    list_filter = ["organisation"]
    raw_id_fields = ["goal", "to_goal"]
