"""Who reads a self-assessment round, and who may take part in one (DESIGN.md §4).

A round is read inside its unit's subtree and by admins: by a person with a role limited to the
round's unit or a unit above it, or an admin for everything. A whole-organisation role other
than admin (an elected member, a reader) is not "inside the subtree": rounds are the unit's own
work (`Access.own_work_subtrees`, the rule of follow-up drafts too). Everyone else gets 404.
"""

from typing import Any

from django.db.models import Q

from malbild.accounts.models import User
from malbild.tenants.models import Membership, OrgUnit, within
from malbild.tenants.permissions import Access

Role = Membership.Role


def may_read(access: Access, unit: OrgUnit) -> bool:
    """Whether the person reads the rounds of `unit` (no query)."""
    found = access.own_work_subtrees()
    return found is None or any(u.contains(unit) for u in found)


def readable(access: Access) -> Q:
    """A filter on AssessmentRound for the rounds the person reads."""
    found = access.own_work_subtrees()
    if found is None:
        return Q()
    return within(found, "unit__path")


def eligible_people(unit: OrgUnit) -> Any:
    """The members who may take part in a round of `unit`: a role limited to the unit or a unit
    above or below it, or an admin or unit lead for everything (a lazy queryset of users)."""
    near = Q(unit__path__startswith=unit.path) | Q(unit_id__in=[unit.pk, *unit.ancestor_ids()])
    whole = Q(unit__isnull=True, role__in=[Role.ADMIN, Role.UNIT_LEAD])
    members = Membership.objects.filter(near | whole).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("name", "email")
