from django.contrib import admin

from malbild.practices.models import Practice, PracticeComment, PracticeUse, Tip


class TipInline(admin.TabularInline):
    model = Tip
    extra = 0
    fields = ["position", "text"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    """For the platform's superusers; the admin runs unscoped. Writing here skips the search
    index: change practices through the pages."""

    list_display = ["title", "organisation", "focus_area", "state", "updated_at"]
    list_filter = ["state", "organisation"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["organisation", "unit", "focus_area", "goals", "indicators", "created_by"]
    readonly_fields = ["results", "search_text", "shared_at"]
    inlines = [TipInline]


@admin.register(PracticeComment)
class PracticeCommentAdmin(admin.ModelAdmin):
    list_display = ["practice", "organisation", "kind", "created_at"]
    raw_id_fields = ["organisation", "practice", "author"]


@admin.register(PracticeUse)
class PracticeUseAdmin(admin.ModelAdmin):
    list_display = ["practice", "organisation", "kind", "used_at"]
    raw_id_fields = ["organisation", "practice", "activity", "note", "used_by"]
