"""Changes to organisations' unit trees and people's roles. Every function audits its write."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Length, Substr
from django.http import HttpRequest
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.accounts.models import User, UserManager
from malbild.accounts.tasks import send_email
from malbild.tenants.models import Invitation, Membership, Organisation, OrgUnit
from malbild.tenants.permissions import Access
from malbild.tenants.scope import scope, unscoped

UNIT_FIELDS = ("name", "kind", "code", "kolada_ou_id", "school_unit_code")
INVITATION_DAYS = 7
_signer = signing.TimestampSigner(salt="malbild.tenants.invitation")


def _unit_state(unit: OrgUnit) -> dict[str, Any]:
    return {
        **{name: getattr(unit, name) for name in UNIT_FIELDS},
        "parent": unit.parent_id,
        "archived": unit.is_archived,
    }


def check_sibling_name(
    organisation: Organisation, parent: OrgUnit | None, name: str, exclude: OrgUnit | None = None
) -> None:
    """Raise ValidationError when an active sibling already has this name (in any case).

    Compared in Python: SQLite folds the case of ASCII letters only, and Å is not å to it.
    """
    siblings = OrgUnit.objects.filter(
        organisation=organisation, parent=parent, archived_at__isnull=True
    )
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    wanted = name.casefold()
    if any(other.casefold() == wanted for other in siblings.values_list("name", flat=True)):
        where = parent.name if parent else str(_("the top level"))
        raise ValidationError(
            {"name": _("There is already a unit called “%(name)s” under %(parent)s.")},
            params={"name": name, "parent": where},
        )


@transaction.atomic
def create_unit(
    organisation: Organisation,
    parent: OrgUnit | None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> OrgUnit:
    if parent is not None and parent.is_archived:
        raise ValidationError(_("Units cannot be added under an archived unit."))
    check_sibling_name(organisation, parent, fields["name"])
    unit = OrgUnit(organisation=organisation, parent=parent, **fields)
    unit.depth = parent.depth + 1 if parent else 0
    unit.path = "/"  # the final path needs the primary key
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit.record(
        "tenants.unit_created",
        request=request,
        target=unit,
        summary=unit.name,
        after=_unit_state(unit),
        organisation=organisation,
    )
    return unit


@transaction.atomic
def update_unit(unit: OrgUnit, request: HttpRequest | None = None, **fields: Any) -> OrgUnit:
    before = _unit_state(unit)
    if "name" in fields:
        check_sibling_name(unit.organisation, unit.parent, fields["name"], exclude=unit)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise ValueError(name)
        setattr(unit, name, value)
    unit.save(update_fields=list(fields))
    audit.record(
        "tenants.unit_changed",
        request=request,
        target=unit,
        summary=unit.name,
        before=before,
        after=_unit_state(unit),
    )
    return unit


@transaction.atomic
def move_unit(
    unit: OrgUnit, new_parent: OrgUnit | None, request: HttpRequest | None = None
) -> None:
    """Put `unit` (and everything below it) under `new_parent`; one UPDATE for the subtree."""
    if new_parent is not None:
        if new_parent.organisation_id != unit.organisation_id:
            raise ValidationError(_("A unit can only be moved within its organisation."))
        if unit.contains(new_parent):
            raise ValidationError(
                {"parent": _("A unit cannot be moved under itself or a unit below it.")}
            )
        if new_parent.is_archived:
            raise ValidationError({"parent": _("Units cannot be moved under an archived unit.")})
    if new_parent == unit.parent:
        return
    check_sibling_name(unit.organisation, new_parent, unit.name, exclude=unit)
    before = _unit_state(unit)
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    depth_change = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    OrgUnit.objects.filter(organisation=unit.organisation, path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", Length(Value(old_path)) + 1)),
        depth=F("depth") + depth_change,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    audit.record(
        "tenants.unit_moved",
        request=request,
        target=unit,
        summary=unit.name,
        before=before,
        after=_unit_state(unit),
    )


@transaction.atomic
def archive_unit(unit: OrgUnit, request: HttpRequest | None = None) -> None:
    """Archive (never delete) a unit; what refers to it keeps working and shows it as archived."""
    if OrgUnit.objects.filter(parent=unit, archived_at__isnull=True).exists():
        raise ValidationError(_("Archive or move the units below it first."))
    if (
        unit.parent_id is None
        and not OrgUnit.objects.filter(parent=None, archived_at__isnull=True)
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ValidationError(_("The organisation needs at least one active top-level unit."))
    before = _unit_state(unit)
    unit.archived_at = timezone.now()
    unit.save(update_fields=["archived_at"])
    audit.record(
        "tenants.unit_archived",
        request=request,
        target=unit,
        summary=unit.name,
        before=before,
        after=_unit_state(unit),
    )


@transaction.atomic
def restore_unit(unit: OrgUnit, request: HttpRequest | None = None) -> None:
    if unit.parent is not None and unit.parent.is_archived:
        raise ValidationError(_("Restore the unit above it first."))
    check_sibling_name(unit.organisation, unit.parent, unit.name, exclude=unit)
    before = _unit_state(unit)
    unit.archived_at = None
    unit.save(update_fields=["archived_at"])
    audit.record(
        "tenants.unit_restored",
        request=request,
        target=unit,
        summary=unit.name,
        before=before,
        after=_unit_state(unit),
    )


# People and roles ---------------------------------------------------------------------------------


def _membership_state(membership: Membership) -> dict[str, Any]:
    return {
        "person": membership.user.email,
        "role": membership.role,
        "unit": membership.unit_id,
    }


def _require_grant(access: Access, role: str, unit: OrgUnit | None) -> None:
    if not access.can_grant(role, unit):
        label = Membership.Role(role).label
        if unit is None:
            message = _("You may not give the role %(role)s for the whole organisation.")
        else:
            message = _("You may not give the role %(role)s for %(unit)s.")
        raise PermissionDenied(message % {"role": label, "unit": unit.name if unit else ""})


@transaction.atomic
def grant_role(
    access: Access,
    user: User,
    role: str,
    unit: OrgUnit | None,
    request: HttpRequest | None = None,
) -> Membership:
    _require_grant(access, role, unit)
    if unit is not None and unit.is_archived:
        raise ValidationError({"unit": _("Roles cannot be given for an archived unit.")})
    if Membership.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError(_("The person already has this role there."))
    membership = Membership.objects.create(
        organisation=access.organisation,
        user=user,
        role=role,
        unit=unit,
        created_by=request.user if request and request.user.is_authenticated else None,
    )
    audit.record(
        "tenants.role_given",
        request=request,
        target=membership,
        summary=f"{user.email}: {membership}",
        after=_membership_state(membership),
    )
    return membership


@transaction.atomic
def revoke_role(access: Access, membership: Membership, request: HttpRequest | None = None) -> None:
    _require_grant(access, membership.role, membership.unit)
    if (
        membership.role == Membership.Role.ADMIN
        and membership.unit_id is None
        and not Membership.objects.filter(role=Membership.Role.ADMIN, unit=None)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            _("This is the organisation's last administrator for everything; give the role to "
              "someone else first.")
        )  # fmt: skip
    before = _membership_state(membership)
    summary = f"{membership.user.email}: {membership}"
    membership.delete()
    audit.record("tenants.role_taken", request=request, summary=summary, before=before)


def invitation_token(invitation: Invitation) -> str:
    return _signer.sign(invitation.key)


class InvitationError(Exception):
    """Why an invitation link cannot be used; `message` is for the person who followed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def find_invitation(token: str) -> Invitation:
    """The open invitation behind a link, or InvitationError saying why not (in Swedish)."""
    try:
        key = _signer.unsign(token, max_age=INVITATION_DAYS * 24 * 60 * 60)
    except signing.SignatureExpired:
        raise InvitationError(
            str(_("The invitation is more than %(days)s days old and no longer works."))
            % {"days": INVITATION_DAYS}
        ) from None
    except signing.BadSignature:
        raise InvitationError(str(_("The invitation link is not valid."))) from None
    with unscoped():  # the link names no organisation; the key finds it
        invitation = (
            Invitation.objects.select_related("organisation", "unit", "invited_by")
            .filter(key=key)
            .first()
        )
    if invitation is None:
        raise InvitationError(str(_("The invitation has been withdrawn.")))
    if invitation.accepted_at is not None:
        raise InvitationError(str(_("The invitation has already been used.")))
    _require_inviter(invitation)
    return invitation


def inviter_may_grant(invitation: Invitation) -> bool:
    """Whether the person who sent the invitation may still give its role there: an invitation
    is worth what its sender's right is worth today, not when it was sent (two queries)."""
    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active:
        return False
    with scope(invitation.organisation):
        memberships = list(Membership.objects.filter(user=inviter).select_related("unit"))
    return Access(invitation.organisation, memberships).can_grant(invitation.role, invitation.unit)


def _require_inviter(invitation: Invitation) -> None:
    if not inviter_may_grant(invitation):
        raise InvitationError(
            str(
                _(
                    "The person who invited you may no longer give this role, so the invitation "
                    "no longer works. Ask an administrator in %(organisation)s for a new one."
                )
            )
            % {"organisation": invitation.organisation.name}
        )


@transaction.atomic
def invite(
    access: Access,
    email: str,
    name: str,
    role: str,
    unit: OrgUnit | None,
    request: HttpRequest,
) -> Invitation:
    """Record an invitation and have the worker e-mail its link."""
    _require_grant(access, role, unit)
    email = UserManager.normalize(email)
    invitation = Invitation.objects.create(
        organisation=access.organisation,
        email=email,
        name=name,
        role=role,
        unit=unit,
        invited_by=request.user if isinstance(request.user, User) else None,
    )
    link = request.build_absolute_uri(reverse("invitation", args=[invitation_token(invitation)]))
    context = {"invitation": invitation, "link": link, "days": INVITATION_DAYS}
    with translation.override("sv"):
        subject = loader.render_to_string("tenants/email/invitation_subject.txt", context)
        body = loader.render_to_string("tenants/email/invitation.txt", context)
    send_email.enqueue(to=[email], subject=" ".join(subject.split()), body=body)
    audit.record(
        "tenants.person_invited",
        request=request,
        target=invitation,
        summary=f"{email}: {invitation.get_role_display()}",
        after={"email": email, "role": role, "unit": unit.pk if unit else None},
    )
    return invitation


@transaction.atomic
def withdraw_invitation(
    access: Access, invitation: Invitation, request: HttpRequest | None = None
) -> None:
    """Withdraw an invitation not yet accepted: its link stops working at once."""
    _require_grant(access, invitation.role, invitation.unit)
    if invitation.accepted_at is not None:
        raise ValidationError(_("The invitation has already been accepted."))
    before = {"email": invitation.email, "role": invitation.role, "unit": invitation.unit_id}
    summary = f"{invitation.email}: {invitation.get_role_display()}"
    invitation.delete()
    audit.record("tenants.invitation_withdrawn", request=request, summary=summary, before=before)


@transaction.atomic
def accept_invitation(
    invitation: Invitation, user: User, request: HttpRequest | None = None
) -> Membership:
    """Give the invited role to `user` and close the invitation (it cannot be used again), if
    the person who sent it may still give that role there."""
    _require_inviter(invitation)
    closed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not closed:  # a second click raced the first
        raise InvitationError(str(_("The invitation has already been used.")))
    membership, _created = Membership.objects.get_or_create(
        organisation=invitation.organisation,
        user=user,
        role=invitation.role,
        unit=invitation.unit,
        defaults={"created_by": invitation.invited_by},
    )
    audit.record(
        "tenants.invitation_accepted",
        actor=user,
        request=request,
        target=membership,
        summary=f"{user.email}: {membership}",
        after=_membership_state(membership),
        organisation=invitation.organisation,
    )
    return membership


# Many units or invitations at once (a getting-started import) -------------------------------------


@dataclass
class PlannedUnit:
    """A unit for :func:`create_tree`, under an existing unit (`parent`, None for the top level)
    or under another planned unit (`parent_key`, that unit's `key`)."""

    key: str
    name: str
    kind: str
    code: str
    parent: OrgUnit | None = None
    parent_key: str | None = None
    kolada_ou_id: str = ""
    school_unit_code: str = ""


def _planned_depths(planned: list[PlannedUnit]) -> dict[str, int]:
    """Each planned unit's depth in the tree, from its parent's (no query)."""
    by_key = {p.key: p for p in planned}
    depths: dict[str, int] = {}
    for start in planned:
        chain = []
        unit: PlannedUnit | None = start
        while unit is not None and unit.key not in depths:
            if unit in chain:
                raise ValueError(f"The planned units {unit.key!r} … are their own ancestors")
            chain.append(unit)
            unit = by_key.get(unit.parent_key) if unit.parent_key is not None else None
        for item in reversed(chain):
            if item.parent_key is not None:
                depths[item.key] = depths[item.parent_key] + 1
            else:
                depths[item.key] = item.parent.depth + 1 if item.parent is not None else 0
    return depths


@transaction.atomic
def create_tree(
    organisation: Organisation,
    planned: list[PlannedUnit],
    request: HttpRequest | None = None,
    *,
    target: Any = None,
    details: dict[str, Any] | None = None,
) -> dict[str, OrgUnit]:
    """Create many units in one transaction, parents before children, with one audit event for
    them all; returns the new units by their keys.

    Level by level: one INSERT per thousand units, then one UPDATE that gives the level its
    materialised paths from its parents' (a unit's path needs its own primary key). So a
    municipality's thousands of units take a handful of statements, not four per unit. The
    caller has checked the codes, the names among siblings and the parents; the database's
    constraints stop whatever slipped past, and the transaction then leaves nothing behind.
    """
    if not planned:
        return {}
    depths = _planned_depths(planned)
    created: dict[str, OrgUnit] = {}
    for depth in sorted(set(depths.values())):
        level = []
        for item in planned:
            if depths[item.key] != depth:
                continue
            parent = created[item.parent_key] if item.parent_key is not None else item.parent
            if parent is not None and parent.is_archived:
                raise ValidationError(_("Units cannot be added under an archived unit."))
            level.append(
                (
                    item.key,
                    OrgUnit(
                        organisation=organisation,
                        parent=parent,
                        path="",  # set below, from the parent's path and the new primary key
                        depth=depth,
                        name=item.name,
                        kind=item.kind,
                        code=item.code,
                        kolada_ou_id=item.kolada_ou_id,
                        school_unit_code=item.school_unit_code,
                    ),
                )
            )
        OrgUnit.objects.bulk_create([unit for _key, unit in level], batch_size=1000)
        if not connection.features.can_return_rows_from_bulk_insert:
            ids = dict(OrgUnit.objects.filter(path="", depth=depth).values_list("code", "pk"))
            for _key, unit in level:
                unit.pk = ids[unit.code]
        parent_path = Subquery(OrgUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
        OrgUnit.objects.filter(path="", depth=depth).update(
            path=Concat(
                Coalesce(parent_path, Value("/")),
                Cast("pk", output_field=CharField()),
                Value("/"),
                output_field=CharField(),
            )
        )
        for key, unit in level:
            unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
            created[key] = unit
    audit.record(
        "tenants.units_created",
        request=request,
        target=target,
        summary=str(_("%(count)s units") % {"count": len(created)}),
        after={"count": len(created), **(details or {})},
        organisation=organisation,
    )
    return created


@transaction.atomic
def invite_many(
    access: Access,
    people: Iterable[tuple[str, str, str, OrgUnit | None]],
    request: HttpRequest | None = None,
    *,
    target: Any = None,
    details: dict[str, Any] | None = None,
) -> list[Invitation]:
    """Record invitations for many people at once, (e-mail, name, role, unit) each, with one
    INSERT per thousand and one audit event; the caller has the e-mails sent
    (:func:`invitation_email`). Every role is checked as :func:`invite` checks one."""
    people = list(people)
    for pair in {(role, unit) for _email, _name, role, unit in people}:
        _require_grant(access, *pair)
    inviter = request.user if request is not None and isinstance(request.user, User) else None
    invitations = [
        Invitation(
            organisation=access.organisation,
            email=UserManager.normalize(email),
            name=name,
            role=role,
            unit=unit,
            invited_by=inviter,
        )
        for email, name, role, unit in people
    ]
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    if invitations and invitations[0].pk is None:  # no RETURNING: find them by their keys
        ids: dict[str, int] = {}
        keys = [i.key for i in invitations]
        for start in range(0, len(keys), 1000):
            ids.update(
                Invitation.objects.filter(key__in=keys[start : start + 1000]).values_list(
                    "key", "pk"
                )
            )
        for invitation in invitations:
            invitation.pk = ids[invitation.key]
    roles: dict[str, int] = {}
    for invitation in invitations:
        roles[invitation.role] = roles.get(invitation.role, 0) + 1
    audit.record(
        "tenants.people_invited",
        request=request,
        target=target,
        summary=str(_("%(count)s people") % {"count": len(invitations)}),
        after={"count": len(invitations), "roles": roles, **(details or {})},
        organisation=access.organisation,
    )
    return invitations


def invitation_email(invitation: Invitation, site: str) -> tuple[str, str]:
    """The subject and text of an invitation's e-mail, its link on `site` (the address Målbild
    is served at, as "https://malbild.example.se"), for sending outside a request."""
    link = site.rstrip("/") + reverse("invitation", args=[invitation_token(invitation)])
    context = {"invitation": invitation, "link": link, "days": INVITATION_DAYS}
    with translation.override("sv"):
        subject = loader.render_to_string("tenants/email/invitation_subject.txt", context)
        body = loader.render_to_string("tenants/email/invitation.txt", context)
    return " ".join(subject.split()), body
