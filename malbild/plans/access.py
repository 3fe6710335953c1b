"""Who may change which activity: the rules the pages and the JSON API share."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from malbild.plans.models import Activity
from malbild.tenants.requests import MemberRequest

EDIT = "can_edit_action_plans"
ADD = "can_add_activities"
UPDATE = "can_update_activities"


def activity_or_404(activity_id: int) -> Activity:
    """An activity of the organisation in scope, or 404 (also for another organisation's id)."""
    activities = Activity.objects.select_related("unit", "owner", "created_by")
    return get_object_or_404(activities, pk=activity_id)


def may_update(request: MemberRequest, activity: Activity) -> bool:
    """Whether the person may update the activity's status, progress and milestones: with
    `can_edit_action_plans` for its unit, or as its responsible person with
    `can_update_activities` for it."""
    access = request.access
    if access.can(EDIT, activity.unit):
        return True
    return activity.owner_id == request.user.pk and access.can(UPDATE, activity.unit)


def updatable(request: MemberRequest, activity_id: int) -> Activity:
    """The activity, if the person may update it (:func:`may_update`); 404 or 403 otherwise."""
    activity = activity_or_404(activity_id)
    if not may_update(request, activity):
        raise PermissionDenied(
            _("Only the person responsible for the activity, or someone who may change the "
              "action plan of %(unit)s (administration or its unit lead), may update it.")
            % {"unit": activity.unit.name}
        )  # fmt: skip
    return activity
