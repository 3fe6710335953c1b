"""Anonymising a person who has left (GDPR art. 17, as far as a public body's records allow).

What they wrote stays, since it is part of the municipality's records, but no longer says who
they were: the account keeps its id and loses its name, e-mail address and password, and the
same name and address are rewritten inside the audit trail.
"""

from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.accounts.models import User
from malbild.accounts.personal_data import erasers
from malbild.audit.redaction import redact
from malbild.tenants.models import Invitation, Membership
from malbild.tenants.permissions import Access
from malbild.tenants.scope import unscoped


def anonymous_name(user: User) -> str:
    return f"Anonymiserad person {user.pk}"


def anonymous_email(user: User) -> str:
    # .invalid is reserved (RFC 2606): no mail is ever sent there.
    return f"anonymiserad-{user.pk}@invalid"


def is_anonymised(user: User) -> bool:
    return user.email == anonymous_email(user)


def _end_sessions(user: User) -> int:
    """Delete the person's sessions (reads each live session once)."""
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()
    return len(mine)


def check_anonymise(access: Access | None, user: User, actor: Any = None) -> None:
    """Raise ValidationError saying why `user` cannot be anonymised by this organisation's
    administration: someone already anonymised, oneself, a person with roles elsewhere, or a
    role the actor may not take away (so the last administrator for everything is never one).
    Without `access` (a platform operator in the technical admin) only people without roles."""
    if is_anonymised(user):
        raise ValidationError(_("This person has already been anonymised."))
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot anonymise yourself."))
    with unscoped():
        memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    if access is None:
        if memberships:
            raise ValidationError(
                _("The person still has roles: anonymise them from their organisation's page.")
            )
        return
    if any(m.organisation_id != access.organisation.pk for m in memberships):
        raise ValidationError(
            _(
                "This person still has roles in another organisation, so their account is not "
                "only yours to anonymise. Take away their roles here instead; the last "
                "organisation they leave anonymises them."
            )
        )
    if not all(access.can_grant(m.role, m.unit) for m in memberships):
        raise ValidationError(_("The person has a role that you may not take away."))


@transaction.atomic
def anonymise(
    access: Access | None, user: User, request: HttpRequest | None = None
) -> dict[str, int]:
    """Anonymise `user` in one transaction, and audit it without repeating who they were.

    Ends their roles (all in this organisation: :func:`check_anonymise`), makes the account
    unusable, ends their sessions and what each app registered with `on_anonymise` (feed
    addresses, tokens), rewrites their open invitations and every audit event that names them.
    """
    actor = request.user if request is not None else None
    check_anonymise(access, user, actor)
    old = {user.email: anonymous_email(user), user.name: anonymous_name(user)}
    counts: dict[str, int] = {}
    with unscoped():
        ended, _by_model = Membership.objects.filter(user=user).delete()
        counts["memberships_ended"] = ended
        counts["invitations_rewritten"] = Invitation.objects.filter(email=user.email).update(
            email=anonymous_email(user), name=""
        )
    user.name = anonymous_name(user)
    user.email = anonymous_email(user)
    user.set_unusable_password()  # also voids password-reset links and other sessions' hashes
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    counts["sessions_ended"] = _end_sessions(user)
    for key, erase in erasers().items():
        counts[key] = erase(user)
    counts["audit_events_rewritten"] = redact(old, actor_id=user.pk)
    audit.record(
        "accounts.person_anonymised",
        request=request,
        target=user,
        summary=user.name,
        after=counts,
        organisation=access.organisation if access else None,
    )
    return counts


@transaction.atomic
def register_people(people: list[tuple[str, str]], request: HttpRequest | None = None) -> int:
    """Make accounts, without a password, for the (e-mail, name) pairs that have none yet, so
    that the municipality's login service finds them at their first login (with
    `OIDC_CREATE_USERS` off it makes none). One INSERT per thousand, one audit event; returns
    how many were made. The addresses are normalised and checked by the caller."""
    wanted = {email.strip().lower(): name for email, name in people}
    emails = list(wanted)
    taken: set[str] = set()
    for start in range(0, len(emails), 900):
        taken |= set(
            User.objects.filter(email__in=emails[start : start + 900]).values_list(
                "email", flat=True
            )
        )
    new = []
    for email, name in wanted.items():
        if email not in taken:
            user = User(email=email, name=name[:150])
            user.set_unusable_password()
            new.append(user)
    User.objects.bulk_create(new, batch_size=1000)
    if new:
        audit.record(
            "accounts.people_registered",
            request=request,
            summary=str(_("%(count)s accounts") % {"count": len(new)}),
            after={"count": len(new)},
        )
    return len(new)
