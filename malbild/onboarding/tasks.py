"""Background work of getting started: the invitation e-mails of a file of people."""

from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task

from malbild.tenants import services as tenant_services
from malbild.tenants.models import Invitation, Organisation
from malbild.tenants.scope import scope

CHUNK = 200  # invitations read and sent per round, over one connection to the mail server


@task()
def send_invitations(organisation_id: int, invitation_ids: list[int], site: str) -> int:
    """E-mail the invitations of an imported file (those not withdrawn or accepted meanwhile),
    each with its own link on `site`; returns how many were sent. Read in the scope of the
    organisation the task was given, so another organisation's ids find nothing."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    sent = 0
    with scope(organisation), get_connection() as connection:
        for start in range(0, len(invitation_ids), CHUNK):
            invitations = Invitation.objects.filter(
                pk__in=invitation_ids[start : start + CHUNK], accepted_at__isnull=True
            ).select_related("organisation", "unit")
            messages = []
            for invitation in invitations:
                subject, body = tenant_services.invitation_email(invitation, site)
                messages.append(
                    EmailMultiAlternatives(
                        subject=subject, body=body, to=[invitation.email], connection=connection
                    )
                )
            sent += connection.send_messages(messages) or 0
    return sent
