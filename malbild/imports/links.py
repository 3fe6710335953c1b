"""Links between the organisation and Kolada: its municipality id, its units' school-unit (OU)
ids, the KPI each indicator follows, and the comparison groups. Each change is one audited
write."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from malbild import audit
from malbild.imports.models import PeerGroup
from malbild.indicators.models import Indicator
from malbild.tenants.models import Organisation, OrgUnit

MUNICIPALITY_ID = re.compile(r"^\d{4}$")
OU_ID = re.compile(r"^V\d{2}E\d{9}$")
KPI_ID = re.compile(r"^[A-Z]\d{5}$")
MAX_GROUP_MEMBERS = 300


@transaction.atomic
def set_municipality(
    organisation: Organisation, request: HttpRequest | None, kolada_id: str
) -> None:
    kolada_id = kolada_id.strip()
    if not MUNICIPALITY_ID.match(kolada_id):
        raise ValidationError(_("A Kolada municipality id is four digits, for example 2480."))
    before = organisation.kolada_municipality_id
    organisation.kolada_municipality_id = kolada_id
    organisation.save(update_fields=["kolada_municipality_id"])
    audit.record(
        "imports.kolada_mapped",
        request=request,
        target=organisation,
        summary=f"{organisation.name}: {kolada_id}",
        before={"kolada_municipality_id": before},
        after={"kolada_municipality_id": kolada_id},
        organisation=organisation,
    )


@transaction.atomic
def set_unit(unit: OrgUnit, request: HttpRequest | None, ou_id: str) -> None:
    """Map a unit to a Kolada school unit (OU), or remove the mapping with an empty id."""
    ou_id = ou_id.strip().upper()
    if ou_id and not OU_ID.match(ou_id):
        raise ValidationError(_("A Kolada unit id looks like V15E248000101."))
    before = unit.kolada_ou_id
    unit.kolada_ou_id = ou_id
    unit.save(update_fields=["kolada_ou_id"])
    audit.record(
        "imports.kolada_mapped",
        request=request,
        target=unit,
        summary=f"{unit.name}: {ou_id or '–'}",
        before={"kolada_ou_id": before},
        after={"kolada_ou_id": ou_id},
        organisation=unit.organisation,
    )


@transaction.atomic
def link_kpi(indicator: Indicator, request: HttpRequest | None, kpi: str) -> None:
    """Let `indicator` follow a Kolada KPI, or no KPI with an empty id."""
    kpi = kpi.strip().upper()
    if kpi and not KPI_ID.match(kpi):
        raise ValidationError(_("A Kolada KPI id is a letter and five digits, for example N15419."))
    if kpi and indicator.periodicity != Indicator.Periodicity.YEAR:
        raise ValidationError(
            _("Kolada's figures are yearly, so only an indicator measured per year can follow one.")
        )
    before = indicator.kolada_kpi
    indicator.kolada_kpi = kpi
    indicator.save(update_fields=["kolada_kpi"])
    audit.record(
        "imports.kolada_linked",
        request=request,
        target=indicator,
        summary=f"{indicator.code}: {kpi or '–'}",
        before={"kolada_kpi": before},
        after={"kolada_kpi": kpi},
        organisation=indicator.organisation,
    )


@transaction.atomic
def save_group(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    name: str,
    members: list[dict[str, Any]],
    kolada_group_id: str = "",
) -> PeerGroup:
    """A comparison group: Kolada's (with its id) or one put together by hand. A group with the
    same name is replaced."""
    name = name.strip()[:200]
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    cleaned: list[dict[str, str]] = []
    for member in members:
        member_id = str(member.get("id", "")).strip()
        if not MUNICIPALITY_ID.match(member_id):
            raise ValidationError(
                {
                    "members": _("“%(id)s” is not a municipality id of four digits.")
                    % {"id": member_id}
                }
            )
        if member_id not in {m["id"] for m in cleaned}:
            cleaned.append({"id": member_id, "title": str(member.get("title", ""))[:100]})
    if not cleaned:
        raise ValidationError({"members": _("A group needs at least one municipality.")})
    if len(cleaned) > MAX_GROUP_MEMBERS:
        raise ValidationError({"members": _("A group can have at most 300 municipalities.")})
    group = PeerGroup.objects.filter(name__iexact=name).first() or PeerGroup(
        organisation=organisation, name=name
    )
    before = {"members": group.member_ids} if group.pk else None
    group.members, group.kolada_group_id = cleaned, kolada_group_id
    group.save()
    audit.record(
        "imports.group_saved",
        request=request,
        target=group,
        summary=name,
        before=before,
        after={"members": group.member_ids, "kolada_group_id": kolada_group_id},
        organisation=organisation,
    )
    return group


@transaction.atomic
def remove_group(group: PeerGroup, request: HttpRequest | None) -> None:
    audit.record(
        "imports.group_removed",
        request=request,
        target=group,
        summary=group.name,
        before={"members": group.member_ids},
        organisation=group.organisation,
    )
    group.delete()
