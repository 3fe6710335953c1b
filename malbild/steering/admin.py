from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from malbild.steering.models import SteeringChange, SteeringDocument


class ChangeInline(admin.TabularInline):
    """The document's changes, to read: new ones are added on their own admin page."""

    model = SteeringChange
    fields = ("kind", "date", "description", "source", "source_url")
    readonly_fields = ("kind", "date", "description", "source", "source_url")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SteeringDocument)
class SteeringDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "level", "issuer"]
    list_filter = ["organisation", "kind", "level"]
    search_fields = ["title", "issuer"]
    inlines = [ChangeInline]


@admin.register(SteeringChange)
class SteeringChangeAdmin(admin.ModelAdmin):
    list_display = ["document", "organisation", "kind", "date", "source"]
    list_filter = ["organisation", "kind"]
    search_fields = ["document__title", "description", "source"]
    raw_id_fields = ["document"]
    date_hierarchy = "date"
