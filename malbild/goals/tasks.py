"""The nightly check that stored progress is what the rules say it should be."""

import logging

from django_tasks import task

from malbild.goals import progress
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

logger = logging.getLogger(__name__)


@task()
def verify_progress() -> int:
    """Recompute every organisation's progress and log each goal whose stored value drifted;
    returns the number of drifted goals. It changes nothing: a drift is a bug to look into."""
    drifted = 0
    for organisation in Organisation.objects.all():
        with scope(organisation):
            for drift in progress.verify():
                logger.warning(
                    "Progress drift in %s: goal %s stored %s, computed %s",
                    organisation.slug,
                    drift.goal_id,
                    drift.stored,
                    drift.computed,
                )
                drifted += 1
    return drifted
