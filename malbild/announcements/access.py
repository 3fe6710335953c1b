"""Who reads which announcement: every member reads those to the audience of one of their
roles, for the whole organisation or for a unit their role overlaps; drafts only those who may
publish for the announcement's unit (`can_publish_announcements`, checked in the views)."""

from django.db.models import Q

from malbild.announcements.models import ROLE_AUDIENCE, Announcement
from malbild.tenants.models import Membership


def concerning(memberships: list[Membership]) -> Q:
    """The announcements that concern a person with these roles: those to the audience of one of
    their roles, for the whole organisation or for a unit their role overlaps (above or below
    it), and those to the public. No query: units come from the memberships' paths."""
    q = Q(to_public=True, unit__isnull=True)
    for membership in memberships:
        audience = ROLE_AUDIENCE.get(membership.role)
        if audience is None:
            continue
        if membership.unit is None:
            q |= Announcement.for_audience(audience)
            continue
        unit = membership.unit
        overlap = (
            Q(unit__isnull=True)
            | Q(unit__path__startswith=unit.path)
            | Q(unit_id__in=unit.ancestor_ids())
        )
        q |= Announcement.for_audience(audience) & overlap
    return q
