from django.contrib import admin

from malbild.onboarding.models import Checklist, FileBatch, LoginGrant


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["organisation", "hidden_at"]
    raw_id_fields = ["hidden_by"]


@admin.register(FileBatch)
class FileBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "state", "organisation", "created_at"]
    list_filter = ["organisation", "kind", "state"]
    raw_id_fields = ["created_by"]
    exclude = ["rows"]  # names and addresses waiting for the import


@admin.register(LoginGrant)
class LoginGrantAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation"]
    list_filter = ["organisation"]
    raw_id_fields = ["invitation", "batch"]
