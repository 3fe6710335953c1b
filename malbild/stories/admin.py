from django.contrib import admin

from malbild.stories.models import Quote, Story, StoryImage


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "origin", "published_at"]
    list_filter = ["status", "origin"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "created_by", "reviewed_by"]
    filter_horizontal = ["goals", "values"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["speaker", "story", "consent_by", "consent_at", "withdrawn_at"]
    raw_id_fields = ["story"]


@admin.register(StoryImage)
class StoryImageAdmin(admin.ModelAdmin):
    list_display = ["alt_text", "story", "shows_pupil", "consent_by", "withdrawn_at"]
    raw_id_fields = ["story"]
