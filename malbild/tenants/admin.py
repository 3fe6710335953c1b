from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from malbild import audit
from malbild.tenants.models import (
    Invitation,
    Membership,
    Organisation,
    OrgUnit,
    parse_domains,
    validate_domains,
)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "kolada_municipality_id",
            "has_public_pages",
            "consent_age",
            "sso_email_domains",
        ]

    def clean_sso_email_domains(self) -> str:
        value = self.cleaned_data["sso_email_domains"]
        validate_domains(value)
        return ", ".join(dict.fromkeys(parse_domains(value)))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Organisations, for the platform's operators; also where they say which e-mail domains
    the municipality's login service may vouch for (accounts.oidc), since whoever runs that
    service can then log in as anyone in them."""

    form = OrganisationForm
    list_display = ["name", "slug", "kolada_municipality_id", "has_public_pages"]
    search_fields = ["name", "slug"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if "sso_email_domains" in form.changed_data:
                audit.record(
                    "tenants.sso_domains_changed",
                    request=request,
                    target=obj,
                    summary=obj.sso_email_domains,
                    before={"sso_email_domains": form.initial.get("sso_email_domains", "")},
                    after={"sso_email_domains": obj.sso_email_domains},
                    organisation=obj,
                )


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
