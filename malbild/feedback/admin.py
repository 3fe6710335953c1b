from django.contrib import admin

from malbild.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """The contact address is personal data given for one purpose: not listed here."""

    list_display = ["__str__", "organisation", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    exclude = ["contact_email"]
    raw_id_fields = ["unit", "moderated_by", "signal"]
