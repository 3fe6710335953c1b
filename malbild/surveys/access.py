"""Who may do what with Elevrösten.

Every member reads a closed survey's results (they are counts of at least five answers, named by
nobody) and the open answers a teacher has read and kept. Running a survey (its code and QR code,
closing it, reading the open answers first and hiding them, what is public) needs
`can_run_surveys` for the survey's unit: teachers and unit leads in their subtree, admins
everywhere. Which statements measure which indicators is the indicators' business
(`can_edit_indicators`).
"""

from django.db.models import Q

from malbild.surveys.models import Response, Survey
from malbild.tenants.models import within
from malbild.tenants.permissions import Access

RUN = "can_run_surveys"


def may_run(access: Access, survey: Survey) -> bool:
    """Whether the person may see the survey's code, close it and moderate its open answers."""
    return access.can(RUN, survey.unit)


def runnable(access: Access) -> Q:
    """A filter on surveys: those the person may run."""
    subtrees = access.subtrees(RUN)
    if subtrees is None:
        return Q()
    return within(subtrees, "unit__path")


def readable_texts(access: Access, survey: Survey) -> Q:
    """A filter on a survey's responses: the open answers the person may read. Those who run
    the survey read every one (to read it first and hide it); everyone else only those read and
    kept. Never with anything that says who wrote them."""
    texts = ~Q(text_state=Response.TextState.NONE)
    if may_run(access, survey):
        return texts
    return Q(text_state__in=[Response.TextState.READ, Response.TextState.CHOSEN])
