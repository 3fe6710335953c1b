from django.contrib import admin

from malbild.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "summary"]
    list_filter = ["action"]
    search_fields = ["action", "summary", "actor__email"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
