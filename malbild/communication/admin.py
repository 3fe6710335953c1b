from django.contrib import admin

from malbild.communication.models import (
    Announcement,
    Feedback,
    Quote,
    Story,
    StoryImage,
    Subscription,
)


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


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """The contact address is personal data given for one purpose: not listed here."""

    list_display = ["__str__", "organisation", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    exclude = ["contact_email"]
    raw_id_fields = ["unit", "moderated_by", "signal"]
