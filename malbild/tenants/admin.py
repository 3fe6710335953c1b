from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from malbild.tenants.models import Invitation, Membership, Organisation, OrgUnit
from malbild.tenants.scope import unscoped


class UnscopedAdminSite(admin.AdminSite):
    """The technical admin for superusers: works across organisations, outside tenant scope."""

    site_header = "Målbild – teknisk administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            with unscoped():
                return inner(request, *args, **kwargs)

        return wrapped


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kolada_municipality_id", "has_public_pages"]
    search_fields = ["name", "slug"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "organisation", "archived_at"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "unit"]
    list_filter = ["organisation", "role"]
    raw_id_fields = ["user", "unit", "created_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    list_filter = ["organisation"]
    raw_id_fields = ["unit", "invited_by", "accepted_by"]
