"""Who reads and reviews which story: every member reads the published ones; the others are
read, written and reviewed by those who may publish stories for the story's unit
(`can_publish_stories`: unit leads in their subtree, admins everywhere; a story for the whole
organisation only admins)."""

from django.db.models import Q

from malbild.tenants.models import within
from malbild.tenants.permissions import Access

PUBLISH = "can_publish_stories"


def reviewable(access: Access) -> Q:
    """A filter on Story for the stories the person may review (their units' subtrees)."""
    subtrees = access.subtrees(PUBLISH)
    if subtrees is None:
        return Q()
    return within(subtrees, "unit__path")
