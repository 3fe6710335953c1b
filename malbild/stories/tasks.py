"""The hourly invitations to tell the story of a goal that has reached its target."""

from django_tasks import task

from malbild.stories import invitations
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope


@task()
def invite_storytellers() -> int:
    """Invite the owners of goals that have newly reached their target to tell the story
    (`invitations.py`); returns how many goals were announced. Idempotent."""
    invited = 0
    for organisation in Organisation.objects.all():
        with scope(organisation):
            invited += invitations.invite(organisation)
    return invited
