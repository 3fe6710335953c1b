from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from malbild.plans.models import Activity, ActivityRevision, Milestone


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_on", "done_on"]


class RevisionInline(admin.TabularInline):
    """The history is kept as written; the admin only reads it."""

    model = ActivityRevision
    extra = 0
    fields = ["changed_at", "changed_by", "kind", "changes", "reason"]
    readonly_fields = ["changed_at", "changed_by", "kind", "changes", "reason"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "unit", "status", "progress", "starts_on", "ends_on"]
    list_filter = ["organisation", "status"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "owner", "created_by"]
    filter_horizontal = ["goals", "values"]
    inlines = [MilestoneInline, RevisionInline]
