from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from malbild import audit
from malbild.accounts import services
from malbild.accounts.models import SsoIdentity, User


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


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    """Links to the municipality's login service. An operator removes one when a person's
    account there was replaced: their next login through it links again, by e-mail."""

    list_display = ["user", "email", "issuer", "subject", "linked_at", "last_login_at"]
    search_fields = ["user__email", "email", "subject"]
    readonly_fields = ["user", "issuer", "subject", "email", "linked_at", "last_login_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            _audit_unlink(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                _audit_unlink(request, obj)
            super().delete_queryset(request, queryset)


def _audit_unlink(request: HttpRequest, obj: SsoIdentity) -> None:
    audit.record(
        "accounts.sso_unlinked",
        request=request,
        target=obj.user,
        summary=f"{obj.email}: {obj.issuer}",
        before={"issuer": obj.issuer, "subject": obj.subject, "email": obj.email},
    )
