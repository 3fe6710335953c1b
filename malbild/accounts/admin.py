from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from malbild.accounts import services
from malbild.accounts.models import User


@admin.action(description="Anonymise the selected people (who have left and hold no roles)")
def anonymise_people(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    """For people whose roles were all taken away before: no organisation's page shows them."""
    done = 0
    for user in queryset:
        try:
            services.anonymise(None, user, request)
        except ValidationError as e:
            modeladmin.message_user(request, f"{user}: {' '.join(e.messages)}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"{done} anonymised.", messages.SUCCESS)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active", "is_staff"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "language"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ()
    actions = [anonymise_people]
