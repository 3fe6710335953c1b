"""The school units Kolada lists for a municipality, set beside the units already in Målbild.

Kolada's `ou` resource gives each unit an id, a name (`title`) and its municipality. Its ids
begin with the school form: V11 förskola, V15 grundskola, V17 gymnasieskola (the prefixes as
public clients of Kolada read them; one client calls V16 gymnasieskola, and where Kolada sends a
type with the unit, that type wins). An id of another prefix is shown with the prefix itself.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import OrgUnit

Kind = OrgUnit.Kind
FORMS = {
    "V11": (_("preschool"), Kind.PRESCHOOL),
    "V15": (_("compulsory school"), Kind.SCHOOL),
    "V16": (_("upper secondary school"), Kind.SCHOOL),
    "V17": (_("upper secondary school"), Kind.SCHOOL),
}
KINDS = {Kind.SCHOOL, Kind.PRESCHOOL}  # what a school unit of Kolada may become
TYPE_WORDS = {"förskola": Kind.PRESCHOOL, "forskola": Kind.PRESCHOOL}


@dataclass
class KoladaUnit:
    """One unit of Kolada's list: its id, name, school form, the kind of unit it becomes in
    Målbild, the unit that already carries its id, if any, and the school or preschool of the
    same name without a Kolada id (typed in before), which gets the id instead of a twin."""

    id: str
    title: str
    form: str
    kind: str
    unit: OrgUnit | None = None
    match: OrgUnit | None = None


def classify(item: dict[str, str]) -> KoladaUnit:
    given = item.get("type", "").strip()
    form, kind = FORMS.get(item["id"][:3], ("", Kind.SCHOOL))
    if given:
        form, kind = given, TYPE_WORDS.get(given.casefold(), kind)
    return KoladaUnit(
        item["id"], item["title"].strip() or item["id"], str(form or item["id"][:3]), kind
    )


@dataclass
class Plan:
    """What bringing in Kolada's list would do: units to add, units already here (also archived
    ones, which are never added twice), and units here whose id Kolada no longer lists."""

    new: list[KoladaUnit]
    present: list[KoladaUnit]
    closed: list[OrgUnit]


def same_named() -> dict[str, OrgUnit]:
    """The active schools and preschools without a Kolada id by name (casefolded), leaving out
    names that two of them share, as it cannot be told which is meant (one query)."""
    found: dict[str, OrgUnit | None] = {}
    for unit in OrgUnit.objects.filter(
        kolada_ou_id="", archived_at__isnull=True, kind__in=KINDS
    ).order_by("path"):
        key = unit.name.casefold()
        found[key] = None if key in found else unit
    return {name: unit for name, unit in found.items() if unit is not None}


def plan(listing: list[dict[str, str]]) -> Plan:
    """Kolada's list against the organisation's units with a Kolada id, and the new ones
    against the schools of the same name without one (two queries)."""
    here = {u.kolada_ou_id: u for u in OrgUnit.objects.exclude(kolada_ou_id="").order_by("path")}
    by_name = same_named()
    new: list[KoladaUnit] = []
    present: list[KoladaUnit] = []
    listed: set[str] = set()
    for item in listing:
        unit = classify(item)
        if unit.id in listed:
            continue
        listed.add(unit.id)
        unit.unit = here.get(unit.id)
        if unit.unit is None:
            unit.match = by_name.pop(unit.title.casefold(), None)
        (present if unit.unit is not None else new).append(unit)
    new.sort(key=lambda u: (u.form, u.title.casefold()))
    present.sort(key=lambda u: u.title.casefold())
    closed = sorted(
        (u for ou, u in here.items() if ou not in listed and not u.is_archived),
        key=lambda u: u.name.casefold(),
    )
    return Plan(new, present, closed)


def chosen(post: QueryDict) -> list[KoladaUnit]:
    """The units ticked on the page, with the names and school forms it sent along (the
    service checks them: the ids against the municipality, the names for length)."""
    units = []
    for given in post.getlist("ou"):
        ou = given.strip().upper()[:20]
        name = " ".join(str(post.get(f"name-{ou}", "")).split())
        unit = classify({"id": ou, "title": name})
        kind = str(post.get(f"kind-{ou}", ""))
        if kind in KINDS:
            unit.kind = kind
        unit.title = name
        units.append(unit)
    return units
