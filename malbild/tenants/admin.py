from django.contrib import admin

from malbild.tenants.models import Invitation, Membership, Organisation, OrgUnit


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
