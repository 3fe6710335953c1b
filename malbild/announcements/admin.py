from django.contrib import admin

from malbild.announcements.models import Announcement, Subscription


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "published_at"]
    list_filter = ["status", "kind", "origin"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "created_by"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """The token is stored only as a hash, and not shown here."""

    list_display = ["user", "organisation", "digest", "feed_token_created_at", "digest_sent_at"]
    exclude = ["feed_token_hash"]
    raw_id_fields = ["user"]
