from django.contrib import admin
from django.db import models

from malbild.scanning.models import FeedItem, FeedSource, Rating, Signal, SignalComment, SignalLink


class CommentInline(admin.TabularInline):
    model = SignalComment
    extra = 0
    fields = ["author", "parent", "body"]
    raw_id_fields = ["author", "parent"]


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "organisation", "kind", "horizon", "state", "active_at"]
    list_filter = ["state", "kind", "horizon"]
    search_fields = ["title"]
    raw_id_fields = ["created_by"]
    inlines = [CommentInline]


@admin.register(FeedSource)
class FeedSourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "organisation", "url", "is_active", "last_success_at", "last_error"]
    raw_id_fields = ["added_by"]


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "source", "status", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["source", "signal", "decided_by"]


admin.site.register(Rating)
admin.site.register(SignalLink)
