"""A file of people (CSV or Excel): name, e-mail, role and unit code, read the way measurement
files are (imports.files) and checked in full before anything is written.

Every problem is named with its row: an address that is not one, an address twice, a role that
does not exist or that the administrator may not give there, a unit that does not exist. A
person who already has the role there, or an open invitation to it, is left as they are. A
person who is a member of another organisation only is invited by e-mail even where roles are
otherwise given at login: they are invited, never moved. The check reads what it needs in a few
queries (addresses in chunks), so ten thousand rows take well under a second or two.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from malbild.accounts.models import User, UserManager
from malbild.imports.files import Columns
from malbild.onboarding.models import FileBatch
from malbild.tenants.models import Invitation, Membership, OrgUnit
from malbild.tenants.permissions import Access
from malbild.tenants.scope import unscoped

MAX_STORED_ERRORS = 1000
CHUNK = 900  # addresses per query, within SQLite's and PostgreSQL's limits on parameters

COLUMNS = ("namn", "e-post", "roll", "enhet_kod")
REQUIRED = ("e-post", "roll")
ALIASES = {
    "namn": "namn", "name": "namn",
    "e-post": "e-post", "epost": "e-post", "e-postadress": "e-post", "epostadress": "e-post",
    "email": "e-post", "e-mail": "e-post", "mejl": "e-post", "mail": "e-post",
    "roll": "roll", "role": "roll",
    "enhet_kod": "enhet_kod", "enhetkod": "enhet_kod", "enhetskod": "enhet_kod",
    "enhet": "enhet_kod", "unit": "enhet_kod", "unit_code": "enhet_kod", "kod": "enhet_kod",
}  # fmt: skip
FILE_COLUMNS = Columns(COLUMNS, REQUIRED, ALIASES)

Role = Membership.Role
ROLES = {
    "förtroendevald": Role.ELECTED, "fortroendevald": Role.ELECTED, "politiker": Role.ELECTED,
    "elected": Role.ELECTED,
    "förvaltningsledning": Role.ADMIN, "forvaltningsledning": Role.ADMIN,
    "förvaltning": Role.ADMIN, "administratör": Role.ADMIN, "admin": Role.ADMIN,
    "rektor": Role.UNIT_LEAD, "förskolechef": Role.UNIT_LEAD, "enhetschef": Role.UNIT_LEAD,
    "unit_lead": Role.UNIT_LEAD,
    "lärare": Role.STAFF, "larare": Role.STAFF, "medarbetare": Role.STAFF,
    "personal": Role.STAFF, "staff": Role.STAFF,
    "läsare": Role.VIEWER, "lasare": Role.VIEWER, "viewer": Role.VIEWER, "reader": Role.VIEWER,
}  # fmt: skip


@dataclass
class Checked:
    """The rows checked: whom to invite by e-mail, whom to give a role at login, who has it
    already, and every error."""

    rows: list[dict[str, Any]] = field(default_factory=list)  # the raw rows, to check again
    by_email: list[dict[str, Any]] = field(default_factory=list)
    at_login: list[dict[str, Any]] = field(default_factory=list)
    present: int = 0
    moved_to_email: int = 0  # members of another organisation, invited rather than given
    new_accounts: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append((row, message))


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _role_problem(role: str, unit: OrgUnit | None) -> str:
    label = Role(role).label
    if unit is None:
        return _("You may not give the role %(role)s for the whole organisation.") % {"role": label}
    return _("You may not give the role %(role)s for %(unit)s.") % {
        "role": label,
        "unit": unit.name,
    }


def check(rows: Iterable[dict[str, Any]], access: Access, delivery: str) -> Checked:
    """Check every row against the file, the organisation's units and who may give what.

    Queries: the units once, and per 900 addresses their accounts, their roles and open
    invitations here, and for login grants whether they belong to another organisation."""
    result = Checked()
    units = {
        u.code.casefold(): u
        for u in OrgUnit.objects.only("pk", "code", "name", "path", "archived_at", "depth")
    }
    seen: dict[str, int] = {}
    good: list[dict[str, Any]] = []
    for raw in rows:
        result.rows.append(raw)
        number = raw["row"]
        problems = []
        email = UserManager.normalize(raw.get("e-post", ""))
        name = " ".join(raw.get("namn", "").split())
        role = ROLES.get(raw.get("roll", "").strip().casefold())
        code = raw.get("enhet_kod", "").strip()
        if not email:
            problems.append(_("The e-mail address is missing."))
        else:
            try:
                validate_email(email)
                if len(email) > 254:
                    raise ValidationError("too long")
            except ValidationError:
                problems.append(_("“%(given)s” is not an e-mail address.") % {"given": email[:100]})
            else:
                if email in seen:
                    problems.append(
                        _("The address %(email)s appears also on row %(row)s: one row per "
                          "person. Give further roles on the person's page afterwards.")
                        % {"email": email, "row": seen[email]}
                    )  # fmt: skip
                else:
                    seen[email] = number
        if len(name) > 150:
            problems.append(_("The name is longer than 150 characters."))
        if role is None:
            problems.append(
                _("The role “%(given)s” is unknown: write förtroendevald, förvaltningsledning, "
                  "rektor, lärare or läsare.") % {"given": raw.get("roll", "")[:50]}
            )  # fmt: skip
        unit = None
        if code:
            unit = units.get(code.casefold())
            if unit is None:
                problems.append(_("There is no unit with the code %(code)s.") % {"code": code[:50]})
            elif unit.is_archived:
                problems.append(
                    _("The unit %(name)s is archived; roles cannot be given for it.")
                    % {"name": unit.name}
                )
        if role is not None and not problems and not access.can_grant(role, unit):
            problems.append(_role_problem(role, unit))
        for problem in problems:
            result.add_error(number, problem)
        if not problems:
            good.append(
                {"row": number, "email": email, "name": name, "role": str(role),
                 "unit": unit.pk if unit else None}
            )  # fmt: skip
    _sort(result, good, delivery)
    return result


def _sort(result: Checked, good: list[dict[str, Any]], delivery: str) -> None:
    """Leave out what is there already; send the rest by e-mail or give it at login."""
    emails = [row["email"] for row in good]
    accounts: dict[str, int] = {}
    held: set[tuple[int, str, int | None]] = set()
    invited: set[tuple[str, str, int | None]] = set()
    elsewhere: set[int] = set()
    for chunk in _chunks(emails):
        found = dict(User.objects.filter(email__in=chunk).values_list("email", "pk"))
        accounts.update(found)
        held |= set(
            Membership.objects.filter(user_id__in=found.values()).values_list(
                "user_id", "role", "unit_id"
            )
        )
        invited |= set(
            Invitation.objects.filter(email__in=chunk, accepted_at__isnull=True).values_list(
                "email", "role", "unit_id"
            )
        )
        if delivery == FileBatch.Delivery.LOGIN and found:
            members_here = set(
                Membership.objects.filter(user_id__in=found.values()).values_list(
                    "user_id", flat=True
                )
            )
            with unscoped():  # whether they belong to another organisation: ids only
                elsewhere |= set(
                    Membership.objects.filter(user_id__in=found.values())
                    .exclude(user_id__in=members_here)
                    .values_list("user_id", flat=True)
                )
    for row in good:
        user_id = accounts.get(row["email"])
        has_it = user_id is not None and (user_id, row["role"], row["unit"]) in held
        if has_it or (row["email"], row["role"], row["unit"]) in invited:
            result.present += 1
        elif delivery != FileBatch.Delivery.LOGIN:
            result.by_email.append(row)
        elif user_id is not None and user_id in elsewhere:
            result.by_email.append(row)
            result.moved_to_email += 1
        else:
            result.at_login.append(row)
            if user_id is None:
                result.new_accounts += 1
