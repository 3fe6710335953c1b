"""Organisation pages: the unit tree, people and roles, invitations. (The start pages are the
dashboards' `home` and `public_views.home`.)"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.accounts import oidc
from malbild.accounts import services as account_services
from malbild.accounts.models import User
from malbild.lib import htmx
from malbild.lib.forms import apply_errors
from malbild.lib.paging import PAGE_SIZE, paginate
from malbild.tenants import services
from malbild.tenants.decorators import member_view
from malbild.tenants.forms import (
    AcceptInvitationForm,
    InviteForm,
    MoveForm,
    RoleForm,
    UnitForm,
)
from malbild.tenants.models import Invitation, Membership, OrgUnit, within
from malbild.tenants.permissions import Access
from malbild.tenants.requests import MemberRequest
from malbild.tenants.scope import scope


def _unit(request: HttpRequest, unit_id: int) -> OrgUnit:
    """A unit of the organisation in scope, or 404 (also for another organisation's id)."""
    return get_object_or_404(OrgUnit.objects.select_related("parent"), pk=unit_id)


def _ancestors(*units: OrgUnit) -> dict[int, OrgUnit]:
    """Every ancestor of the given units, in one query (read from their paths)."""
    ids = {pk for unit in units for pk in unit.ancestor_ids()}
    return OrgUnit.objects.in_bulk(ids) if ids else {}


def _breadcrumbs(unit: OrgUnit, known: dict[int, OrgUnit]) -> list[OrgUnit]:
    return [known[pk] for pk in unit.ancestor_ids() if pk in known]


def _with_child_counts(units: Any) -> Any:
    """Each unit with the number of its active children, as a subquery per row of the page
    (an indexed lookup), not a join and GROUP BY over a whole level of the tree."""
    children = (
        OrgUnit.objects.filter(parent=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return units.annotate(active_children=Coalesce(Subquery(children), 0))


# Units --------------------------------------------------------------------------------------------


@require_safe
@member_view()
def unit_tree(request: MemberRequest) -> HttpResponse:
    """The tree one level at a time (top level, or `?under=<id>`), or a search across it."""
    query = request.GET.get("q", "").strip()[:100]
    show_archived = request.GET.get("arkiverade") == "1"
    units = OrgUnit.objects.all()
    if not show_archived:
        units = units.filter(archived_at__isnull=True)
    under = None
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__iexact=query)).order_by(
            "name", "id"
        )
    else:
        under_id = request.GET.get("under", "")
        if under_id:
            if not under_id.isdigit():
                raise Http404
            under = _unit(request, int(under_id))
        units = units.filter(parent=under).order_by("name", "id")
    page = paginate(request, _with_child_counts(units))
    known = _ancestors(*page.object_list, *([under] if under else []))
    rows = [(unit, _breadcrumbs(unit, known)) for unit in page.object_list]
    count = page.paginator.count
    return htmx.page_or_part(
        request,
        "tenants/unit_tree.html",
        "unit-results",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "under": under,
            "under_breadcrumbs": _breadcrumbs(under, known) if under else [],
            "show_archived": show_archived,
        },
        announce=ngettext("%(n)s unit shown.", "%(n)s units shown.", count) % {"n": count},
    )


@require_safe
@member_view()
def unit_detail(request: MemberRequest, unit_id: int) -> HttpResponse:
    unit = _unit(request, unit_id)
    access = request.access
    children = _with_child_counts(OrgUnit.objects.filter(parent=unit)).order_by(
        "archived_at", "name", "id"
    )
    page = paginate(request, children)
    memberships = (
        Membership.objects.filter(unit=unit).select_related("user").order_by("user__name", "role")
    )
    return render(
        request,
        "tenants/unit_detail.html",
        {
            "unit": unit,
            "breadcrumbs": _breadcrumbs(unit, _ancestors(unit)),
            "page": page,
            "memberships": memberships,
            "may_see_personal_data": access.can("can_view_personal_data", unit),
            "may_manage": access.can("can_manage_units", unit),
            "may_invite": any(access.can_grant(role, unit) for role in Membership.Role.values),
        },
    )


@require_http_methods(["GET", "POST"])
@member_view("can_manage_units")
def unit_create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    parent_id = request.GET.get("under", "")
    if parent_id and not parent_id.isdigit():
        raise Http404
    parent = _unit(request, int(parent_id)) if parent_id else None
    request.access.require("can_manage_units", parent)
    form = UnitForm(request.POST or None, organisation=organisation, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(organisation, parent, request=request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The unit %(name)s has been created.") % {"name": unit})
            return redirect("tenants:unit_detail", organisation.slug, unit.pk)
    return render(request, "tenants/unit_form.html", {"form": form, "parent": parent})


@require_http_methods(["GET", "POST"])
@member_view("can_manage_units")
def unit_edit(request: MemberRequest, unit_id: int) -> HttpResponse:
    organisation = request.organisation
    unit = _unit(request, unit_id)
    request.access.require("can_manage_units", unit)
    original = {name: getattr(unit, name) for name in services.UNIT_FIELDS}
    form = UnitForm(
        request.POST or None, instance=unit, organisation=organisation, parent=unit.parent
    )
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if original.get(k) != v}
        unit = OrgUnit.objects.get(pk=unit.pk)  # the form wrote into the instance already
        try:
            if changed:
                services.update_unit(unit, request=request, **changed)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The unit %(name)s has been saved.") % {"name": unit})
            return redirect("tenants:unit_detail", organisation.slug, unit.pk)
    return render(request, "tenants/unit_form.html", {"form": form, "unit": unit})


@require_http_methods(["GET", "POST"])
@member_view("can_manage_units")
def unit_move(request: MemberRequest, unit_id: int) -> HttpResponse:
    organisation = request.organisation
    access = request.access
    unit = _unit(request, unit_id)
    access.require("can_manage_units", unit)
    form = MoveForm(
        request.POST or None, organisation=organisation, initial={"parent": unit.parent_id}
    )
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["parent"]
        if not access.can("can_manage_units", new_parent):
            form.add_error("parent", _("You may not move units there."))
        else:
            try:
                services.move_unit(unit, new_parent, request=request)
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("The unit %(name)s has been moved.") % {"name": unit})
                return redirect("tenants:unit_detail", organisation.slug, unit.pk)
    return render(
        request,
        "tenants/unit_move.html",
        {"form": form, "unit": unit, "breadcrumbs": _breadcrumbs(unit, _ancestors(unit))},
    )


@require_http_methods(["GET", "POST"])
@member_view("can_manage_units")
def unit_archive(request: MemberRequest, unit_id: int) -> HttpResponse:
    organisation = request.organisation
    unit = _unit(request, unit_id)
    request.access.require("can_manage_units", unit)
    error = None
    if request.method == "POST":
        try:
            services.archive_unit(unit, request=request)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, _("The unit %(name)s has been archived.") % {"name": unit})
            return redirect("tenants:unit_detail", organisation.slug, unit.pk)
    return render(
        request,
        "tenants/unit_archive.html",
        {"unit": unit, "error": error},
        status=400 if error else 200,
    )


@require_POST
@member_view("can_manage_units")
def unit_restore(request: MemberRequest, unit_id: int) -> HttpResponse:
    organisation = request.organisation
    unit = _unit(request, unit_id)
    request.access.require("can_manage_units", unit)
    try:
        services.restore_unit(unit, request=request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The unit %(name)s is active again.") % {"name": unit})
    return redirect("tenants:unit_detail", organisation.slug, unit.pk)


# People and roles ---------------------------------------------------------------------------------


def _visible_memberships(access: Access) -> Any:
    """Roles whose personal data the person may see: everything, or inside their subtrees."""
    memberships = Membership.objects.all()
    subtrees = access.subtrees("can_manage_people")
    if subtrees is not None:
        memberships = memberships.filter(within(subtrees, "unit__path"))
    return memberships


@require_safe
@member_view("can_manage_people")
def people(request: MemberRequest) -> HttpResponse:
    access = request.access
    query = request.GET.get("q", "").strip()[:100]
    visible = _visible_memberships(access)
    persons = User.objects.filter(pk__in=visible.values("user_id")).order_by("name", "email")
    if query:
        persons = persons.filter(Q(name__icontains=query) | Q(email__icontains=query))
    page = paginate(request, persons)
    roles: dict[int, list[Membership]] = {}
    for membership in visible.filter(user__in=list(page.object_list)).select_related("unit"):
        roles.setdefault(membership.user_id, []).append(membership)
    invitations = (
        Invitation.objects.filter(accepted_at__isnull=True)
        .select_related("unit", "invited_by")
        .order_by("-created_at")[:PAGE_SIZE]
    )
    count = page.paginator.count
    return htmx.page_or_part(
        request,
        "tenants/people.html",
        "people-results",
        {
            "page": page,
            "rows": [(person, roles.get(person.pk, [])) for person in page.object_list],
            "query": query,
            "invitations": [i for i in invitations if access.can_grant(i.role, i.unit)],
        },
        announce=ngettext("%(n)s person shown.", "%(n)s people shown.", count) % {"n": count},
    )


@require_http_methods(["GET", "POST"])
@member_view("can_manage_people")
def person_invite(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    access = request.access
    initial = {}
    under = request.GET.get("unit", "")
    if under.isdigit():
        initial["unit"] = _unit(request, int(under)).pk
    form = InviteForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not access.can_grant(data["role"], data["unit"]):
            form.add_error("role", _("You may not give this role there."))
        else:
            services.invite(
                access, data["email"], data["name"], data["role"], data["unit"], request
            )
            messages.success(
                request,
                _("An invitation has been sent to %(email)s. The link works for %(days)s days.")
                % {"email": data["email"], "days": services.INVITATION_DAYS},
            )
            return redirect("tenants:people", organisation.slug)
    return render(request, "tenants/person_invite.html", {"form": form})


@require_POST
@member_view("can_manage_people")
def invitation_withdraw(request: MemberRequest, invitation_id: int) -> HttpResponse:
    """Withdraw a pending invitation; only someone who may give its role there may."""
    organisation = request.organisation
    invitation = get_object_or_404(
        Invitation.objects.select_related("unit"), pk=invitation_id, accepted_at__isnull=True
    )
    access = request.access
    if not access.can_grant(invitation.role, invitation.unit):
        raise PermissionDenied(
            _("You may not withdraw an invitation to a role that you may not give.")
        )
    try:
        services.withdraw_invitation(access, invitation, request)
    except ValidationError as e:  # accepted a moment ago
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("tenants:people", organisation.slug)


def _person(request: MemberRequest, user_id: int) -> tuple[User, list[Membership]]:
    """A person with roles here that the viewer may see, or 404."""
    memberships = list(
        _visible_memberships(request.access).filter(user_id=user_id).select_related("user", "unit")
    )
    if not memberships:
        raise Http404
    return memberships[0].user, memberships


@require_safe
@member_view("can_manage_people")
def person_detail(request: MemberRequest, user_id: int) -> HttpResponse:
    organisation = request.organisation
    person, memberships = _person(request, user_id)
    access = request.access
    return render(
        request,
        "tenants/person_detail.html",
        {
            "person": person,
            "rows": [(m, access.can_grant(m.role, m.unit)) for m in memberships],
            "form": RoleForm(organisation=organisation),
            "may_anonymise": access.can("can_anonymise_people", anywhere=True),
        },
    )


@require_POST
@member_view("can_manage_people")
def role_grant(request: MemberRequest, user_id: int) -> HttpResponse:
    organisation = request.organisation
    person, memberships = _person(request, user_id)
    access = request.access
    form = RoleForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            services.grant_role(
                access, person, form.cleaned_data["role"], form.cleaned_data["unit"], request
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The role has been given to %(name)s.") % {"name": person})
            return redirect("tenants:person_detail", organisation.slug, person.pk)
    return render(
        request,
        "tenants/person_detail.html",
        {
            "person": person,
            "rows": [(m, access.can_grant(m.role, m.unit)) for m in memberships],
            "form": form,
        },
        status=400,
    )


@require_POST
@member_view("can_manage_people")
def role_revoke(request: MemberRequest, user_id: int, membership_id: int) -> HttpResponse:
    organisation = request.organisation
    person, memberships = _person(request, user_id)
    membership = next((m for m in memberships if m.pk == membership_id), None)
    if membership is None:
        raise Http404
    try:
        services.revoke_role(request.access, membership, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The role has been taken from %(name)s.") % {"name": person})
    if (
        membership.user_id == request.user.pk
        and not Membership.objects.filter(user=request.user).exists()
    ):
        return redirect("home")
    return redirect("tenants:person_detail", organisation.slug, person.pk)


@require_http_methods(["GET", "POST"])
@member_view("can_anonymise_people")
def person_anonymise(request: MemberRequest, user_id: int) -> HttpResponse:
    """Confirm, then anonymise a person who has left (accounts.services.anonymise)."""
    organisation = request.organisation
    person, memberships = _person(request, user_id)
    access = request.access
    problem = ""
    try:
        account_services.check_anonymise(access, person, request.user)
    except ValidationError as e:
        problem = " ".join(e.messages)
    if request.method == "POST" and not problem:
        try:
            account_services.anonymise(access, person, request)
        except ValidationError as e:  # a concurrent change since the check above
            problem = " ".join(e.messages)
        else:
            messages.success(
                request,
                _("The person has been anonymised as “%(name)s” and no longer has any role.")
                % {"name": person.name},
            )
            return redirect("tenants:people", organisation.slug)
    return render(
        request,
        "tenants/person_anonymise.html",
        {"person": person, "memberships": memberships, "problem": problem},
        status=400 if request.method == "POST" and problem else 200,
    )


# Invitations --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: log in as the invited address, or create the account here."""
    try:
        invitation = services.find_invitation(token)
    except services.InvitationError as e:
        return render(
            request, "tenants/invitation_invalid.html", {"message": e.message}, status=400
        )
    organisation = invitation.organisation
    existing = User.objects.filter(email=invitation.email).first()
    user = request.user if isinstance(request.user, User) else None
    if user is not None and user.email != invitation.email:
        return render(
            request, "tenants/invitation.html", {"invitation": invitation, "wrong_person": True}
        )
    form = None
    if user is None and existing is None:
        form = AcceptInvitationForm(request.POST or None, email=invitation.email)
        form.initial["name"] = invitation.name
    if request.method == "POST":
        with scope(organisation):
            try:
                if user is None and existing is None and form is not None and form.is_valid():
                    with transaction.atomic():
                        user = User.objects.create_user(
                            email=invitation.email,
                            password=form.cleaned_data["password1"],
                            name=form.cleaned_data["name"],
                        )
                        services.accept_invitation(invitation, user, request)
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                elif user is not None:
                    services.accept_invitation(invitation, user, request)
                else:
                    user = None
            except services.InvitationError as e:
                return render(
                    request, "tenants/invitation_invalid.html", {"message": e.message}, status=400
                )
        if user is not None:
            messages.success(
                request, _("Welcome to %(organisation)s.") % {"organisation": organisation}
            )
            return redirect("dashboards:home", organisation.slug)
    return render(
        request,
        "tenants/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "needs_login": user is None and existing is not None,
            "login_url": f"{reverse('accounts:login')}?next={request.path}",
            "sso_url": f"{reverse('accounts:sso_login')}?next={request.path}"
            if oidc.enabled()
            else "",
        },
    )
