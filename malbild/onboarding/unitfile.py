"""A file of units (CSV or Excel): code, name, kind and the code of the unit above, read the way
measurement files are (imports.files) and checked in full before anything is written.

Every row error is named with its row number; a parent may come later in the file than its
children; a code may appear only once; a code already in Målbild with the same name is taken as
already there (so a file can be read again after more rows were added), with another name as an
error. The check reads the organisation's units once and does the rest in memory, so five
thousand rows take a fraction of a second.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from malbild.imports.files import Columns
from malbild.tenants.models import Organisation, OrgUnit

MAX_STORED_ERRORS = 1000
MAX_DEPTH = 20  # a materialised path of 255 characters holds about twenty levels of ids
PREVIEW_ROWS = 10

COLUMNS = ("kod", "namn", "typ", "överordnad_kod", "kolada_id", "skolenhetskod")
REQUIRED = ("kod", "namn", "typ")
ALIASES = {
    "kod": "kod", "code": "kod", "enhet_kod": "kod", "enhetskod": "kod", "unit_code": "kod",
    "namn": "namn", "name": "namn", "enhet": "namn",
    "typ": "typ", "sort": "typ", "kind": "typ", "type": "typ",
    "överordnad_kod": "överordnad_kod", "overordnad_kod": "överordnad_kod",
    "överordnad": "överordnad_kod", "overordnad": "överordnad_kod", "ingår_i": "överordnad_kod",
    "ingar_i": "överordnad_kod", "parent_code": "överordnad_kod", "parent": "överordnad_kod",
    "kolada_id": "kolada_id", "kolada": "kolada_id",
    "skolenhetskod": "skolenhetskod", "school_unit_code": "skolenhetskod",
}  # fmt: skip
FILE_COLUMNS = Columns(COLUMNS, REQUIRED, ALIASES)

Kind = OrgUnit.Kind
KINDS = {
    "förvaltning": Kind.ADMINISTRATION, "forvaltning": Kind.ADMINISTRATION,
    "administration": Kind.ADMINISTRATION,
    "område": Kind.AREA, "omrade": Kind.AREA, "rektorsområde": Kind.AREA, "area": Kind.AREA,
    "skola": Kind.SCHOOL, "grundskola": Kind.SCHOOL, "gymnasieskola": Kind.SCHOOL,
    "gymnasium": Kind.SCHOOL, "anpassad grundskola": Kind.SCHOOL, "school": Kind.SCHOOL,
    "förskola": Kind.PRESCHOOL, "forskola": Kind.PRESCHOOL, "preschool": Kind.PRESCHOOL,
    "arbetslag": Kind.TEAM, "team": Kind.TEAM,
    "annan": Kind.OTHER, "annat": Kind.OTHER, "övrig": Kind.OTHER, "other": Kind.OTHER,
}  # fmt: skip
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
OU_ID = re.compile(r"^V\d{2}E\d{9}$")
SCHOOL_UNIT_CODE = re.compile(r"^\d{8}$")


@dataclass
class Checked:
    """The rows checked: what to create (with their parents), what is there already, every
    error, and the first rows for the preview."""

    rows: list[dict[str, Any]] = field(default_factory=list)  # the raw rows, to check again
    new: list[dict[str, Any]] = field(default_factory=list)
    present: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def add_error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append((row, message))


@dataclass
class _Existing:
    pk: int
    code: str
    name: str
    parent_id: int | None
    depth: int
    archived: bool
    kolada_ou_id: str


def top_unit() -> OrgUnit | None:
    """The organisation's top unit, under which units without a parent code go (one query)."""
    return (
        OrgUnit.objects.filter(parent__isnull=True, archived_at__isnull=True)
        .order_by("path")
        .first()
    )


def check(rows: Iterable[dict[str, Any]], organisation: Organisation) -> Checked:
    """Check every row against the file and the organisation's units (two queries in all).

    A new row's `parent` is {"code": …} for another new row, {"unit": pk} for a unit already in
    Målbild, or None when it goes under the top unit."""
    result = Checked()
    existing: dict[str, _Existing] = {}
    for pk, code_, name_, parent_id, depth_, archived_at, kolada_id in OrgUnit.objects.values_list(
        "pk", "code", "name", "parent_id", "depth", "archived_at", "kolada_ou_id"
    ).iterator(chunk_size=5000):
        existing[code_.casefold()] = _Existing(
            pk, code_, name_, parent_id, depth_, archived_at is not None, kolada_id
        )
    taken_names = {(u.parent_id, u.name.casefold()) for u in existing.values() if not u.archived}
    taken_kolada = {u.kolada_ou_id for u in existing.values() if u.kolada_ou_id and not u.archived}
    top = top_unit()
    seen: dict[str, int] = {}
    seen_kolada: dict[str, int] = {}
    new: dict[str, dict[str, Any]] = {}
    failed: dict[str, int] = {}  # codes of rows with errors, and their rows
    for raw in rows:
        result.rows.append(raw)
        number = raw["row"]
        problems = []
        code = raw.get("kod", "")
        name = " ".join(raw.get("namn", "").split())
        kind_text = raw.get("typ", "").strip().casefold()
        parent_code = raw.get("överordnad_kod", "").strip()
        kolada = raw.get("kolada_id", "").strip().upper()
        school_code = raw.get("skolenhetskod", "").strip()
        if not code:
            problems.append(_("The code is missing."))
        elif len(code) > 40 or not CODE.match(code):
            problems.append(
                _("The code “%(code)s” may have at most 40 letters a–z, digits, dots, hyphens "
                  "and underscores.") % {"code": code[:50]}
            )  # fmt: skip
        elif code.casefold() in seen:
            problems.append(
                _("The code %(code)s appears also on row %(row)s; each unit has its own code.")
                % {"code": code, "row": seen[code.casefold()]}
            )
        if not name:
            problems.append(_("The name is missing."))
        elif len(name) > 150:
            problems.append(_("The name is longer than 150 characters."))
        kind = KINDS.get(kind_text)
        if kind is None:
            problems.append(
                _("The kind “%(given)s” is unknown: write förvaltning, område, skola, förskola, "
                  "arbetslag or annan.") % {"given": raw.get("typ", "")[:50]}
            )  # fmt: skip
        if parent_code and code and parent_code.casefold() == code.casefold():
            problems.append(_("A unit cannot be its own parent."))
        if kolada:
            if not OU_ID.match(kolada):
                problems.append(
                    _("The Kolada id “%(given)s” should look like V15E248000101.")
                    % {"given": kolada[:30]}
                )
            elif kolada in seen_kolada:
                problems.append(
                    _("The Kolada id %(id)s appears also on row %(row)s.")
                    % {"id": kolada, "row": seen_kolada[kolada]}
                )
        if school_code and not SCHOOL_UNIT_CODE.match(school_code):
            problems.append(_("The school unit code (skolenhetskod) is eight digits."))
        if code and code.casefold() not in seen:
            seen[code.casefold()] = number
        if kolada and kolada not in seen_kolada:
            seen_kolada[kolada] = number
        for problem in problems:
            result.add_error(number, problem)
        if problems:
            if code:
                failed.setdefault(code.casefold(), number)
            continue
        there = existing.get(code.casefold())
        if there is not None:
            if there.name.casefold() == name.casefold():
                result.present += 1  # already in Målbild: left as it is
            else:
                result.add_error(
                    number,
                    _("The code %(code)s already belongs to the unit %(name)s in Målbild; give "
                      "this unit another code.") % {"code": there.code, "name": there.name},
                )  # fmt: skip
                failed.setdefault(code.casefold(), number)
            continue
        if kolada and kolada in taken_kolada:
            result.add_error(
                number,
                _("Another unit in Målbild already has the Kolada id %(id)s.") % {"id": kolada},
            )
            failed.setdefault(code.casefold(), number)
            continue
        new[code.casefold()] = {
            "row": number, "code": code, "name": name, "kind": str(kind),
            "parent_code": parent_code, "kolada": kolada, "school": school_code,
        }  # fmt: skip
    _place(result, new, failed, existing, top, taken_names)
    return result


def _depths(
    new: dict[str, dict[str, Any]], existing: dict[str, _Existing], top: OrgUnit | None
) -> dict[str, int | None]:
    """Each new unit's depth, walking up the parent codes without recursion (a file may chain
    thousands of units); None for a unit that lies under itself, or under such a unit."""
    depths: dict[str, int | None] = {}
    for start in new:
        trail: list[str] = []
        key = start
        above: int | None
        while True:
            if key in depths:  # the unit above the last one on the trail, already known
                above = depths[key]
                break
            if key in trail:  # round in a circle
                above = None
                break
            trail.append(key)
            parent = new[key]["parent_code"].casefold()
            if not parent:
                above = top.depth if top is not None else -1
                break
            if parent in new:
                key = parent
                continue
            above = existing[parent].depth if parent in existing else -1
            break
        for step in reversed(trail):
            depths[step] = None if above is None else above + 1
            above = depths[step]
    return depths


def _place(
    result: Checked,
    new: dict[str, dict[str, Any]],
    failed: dict[str, int],
    existing: dict[str, _Existing],
    top: OrgUnit | None,
    taken_names: set[tuple[int | None, str]],
) -> None:
    """Find each new unit's parent (in the file, in Målbild, or the top unit) and refuse cycles,
    trees too deep, and names already used under the same parent. A unit whose parent row
    cannot be added cannot be added either."""
    depths = _depths(new, existing, top)
    placed: dict[str, dict[str, Any]] = {}
    siblings: dict[tuple[str, str, str], int] = {}
    for key, row in new.items():
        number, parent = row["row"], row["parent_code"].casefold()
        if parent and parent not in new:
            if parent in failed:
                continue  # said below, once the rows that can be placed are known
            there = existing.get(parent)
            if there is None:
                result.add_error(
                    number,
                    _("There is no unit with the code %(code)s, neither in the file nor in "
                      "Målbild.") % {"code": row["parent_code"]},
                )  # fmt: skip
                failed[key] = number
                continue
            if there.archived:
                result.add_error(
                    number,
                    _("The unit %(name)s (%(code)s) is archived; units cannot be added under it.")
                    % {"name": there.name, "code": there.code},
                )
                failed[key] = number
                continue
        level = depths[key]
        if level is None:
            result.add_error(
                number,
                _("The unit %(code)s lies under itself through the parent codes of the file.")
                % {"code": row["code"]},
            )
            failed[key] = number
            continue
        if level >= MAX_DEPTH:
            result.add_error(
                number,
                _("The unit %(code)s would lie %(depth)s levels down; at most %(max)s levels are "
                  "possible.") % {"code": row["code"], "depth": level + 1, "max": MAX_DEPTH},
            )  # fmt: skip
            failed[key] = number
            continue
        parent_id: int | None
        if not parent:
            row["parent"] = None
            parent_id = top.pk if top is not None else None
            place = ("unit", str(parent_id))
        elif parent in new:
            row["parent"] = {"code": new[parent]["code"]}
            parent_id, place = None, ("code", parent)
        else:
            parent_id = existing[parent].pk
            row["parent"] = {"unit": parent_id}
            place = ("unit", str(parent_id))
        name = row["name"].casefold()
        if parent_id is not None and (parent_id, name) in taken_names:
            result.add_error(
                number,
                _("There is already a unit called “%(name)s” in that place in Målbild.")
                % {"name": row["name"]},
            )
            failed[key] = number
            continue
        sibling = siblings.get((*place, name))
        if sibling is not None:
            result.add_error(
                number,
                _("Row %(row)s has a unit of the same name, “%(name)s”, in the same place.")
                % {"row": sibling, "name": row["name"]},
            )
            failed[key] = number
            continue
        siblings[(*place, name)] = number
        placed[key] = row
    # A unit under a row that cannot be added cannot be added either; so on down the tree.
    changed = True
    while changed:
        changed = False
        for key, row in list(placed.items()):
            parent = row["parent_code"].casefold()
            if parent and parent in new and parent not in placed:
                result.add_error(
                    row["row"],
                    _("The unit above it, %(code)s, cannot be added (row %(row)s).")
                    % {"code": row["parent_code"], "row": failed.get(parent, new[parent]["row"])},
                )
                del placed[key]
                failed[key] = row["row"]
                changed = True
    for key, row in new.items():
        parent = row["parent_code"].casefold()
        if parent and parent not in new and parent in failed and key not in failed:
            result.add_error(
                row["row"],
                _("The unit above it, %(code)s, cannot be added (row %(row)s).")
                % {"code": row["parent_code"], "row": failed[parent]},
            )
    for row in placed.values():
        result.kinds[row["kind"]] = result.kinds.get(row["kind"], 0) + 1
    result.new = sorted(placed.values(), key=lambda r: r["row"])
    result.errors.sort()
