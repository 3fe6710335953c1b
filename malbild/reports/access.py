"""Who reads a follow-up document: every member reads one without drafts; one that holds draft
reports follows the rule of the drafts themselves (`followup.access`): inside the unit's subtree
and admins. Everyone else gets 404."""

from django.db.models import Q

from malbild.followup import access as report_access
from malbild.reports.models import GeneratedReport
from malbild.tenants.permissions import Access


def readable(access: Access) -> Q:
    """A filter on GeneratedReport for the documents the person reads: every document without
    drafts, and those with drafts of subtrees whose drafts the person reads."""
    subtrees = access.own_work_subtrees()
    if subtrees is None:
        return Q()
    within = Q(with_drafts=False)
    for unit in subtrees:
        within |= Q(unit__path__startswith=unit.path)
    return within


def may_read(access: Access, document: GeneratedReport) -> bool:
    """Whether the person reads `document` (`document.unit` loaded; no query)."""
    return not document.with_drafts or report_access.may_read_drafts_of(access, document.unit)
