"""Who may read a follow-up report (DESIGN.md §4).

A ready or approved report is read by every member. A draft is read only inside the unit's
subtree and by admins: by a person with a role limited to the report's unit or a unit above it,
or an admin role that covers the unit. A whole-organisation role other than admin (an elected
member, a reader) is not "inside the subtree": drafts are the unit's own work until it says
they are ready (`Access.own_work_subtrees`). Everyone else gets 404 for a draft.
"""

from django.db.models import Q

from malbild.followup.models import Report
from malbild.tenants.models import OrgUnit, within
from malbild.tenants.permissions import Access

PUBLISHED = (Report.State.READY, Report.State.APPROVED)


def may_read(access: Access, report: Report) -> bool:
    """Whether the person reads `report` (`report.unit` must be loaded; no query)."""
    if report.state in PUBLISHED:
        return True
    return may_read_drafts_of(access, report.unit)


def may_read_drafts_of(access: Access, unit: OrgUnit) -> bool:
    subtrees = access.own_work_subtrees()
    return subtrees is None or any(u.contains(unit) for u in subtrees)


def readable(access: Access) -> Q:
    """A filter on Report for the reports the person reads (for lists and the export)."""
    subtrees = access.own_work_subtrees()
    if subtrees is None:
        return Q()
    return Q(state__in=PUBLISHED) | within(subtrees, "unit__path")
