"""Pending invitations: those who may give the role see and withdraw them (audited), and an
invitation works only while the person who sent it may still give that role there."""

import pytest
from django.core import mail

from conftest import audit_events, give_role, make_user
from malbild.accounts.models import User
from malbild.tenants.models import Invitation, Membership
from malbild.tenants.scope import scope, unscoped
from malbild.tenants.tests.test_people import invite, link_from, roles_of, url

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ett långt lösen 2026"
ACCEPT = {"name": "Nina Ny", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def pending(cast) -> Invitation:
    with scope(cast.org):
        return Invitation.objects.get(email="ny@mittkoping.test")


def withdraw(client, cast, invitation, org=None):
    return client.post(url("invitation_withdraw", org or cast.org, invitation.pk))


def test_the_people_page_lists_pending_invitations_with_a_withdraw_button(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    invitation = pending(cast)
    page = client.get(url("people", cast.org)).content.decode()
    assert "ny@mittkoping.test" in page
    assert f'action="{url("invitation_withdraw", cast.org, invitation.pk)}"' in page
    assert "Rut Rektor" in page  # who sent it


def test_a_withdrawn_invitation_no_longer_works_and_it_is_audited(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    invitation = pending(cast)
    response = withdraw(client, cast, invitation)
    assert response.status_code == 302
    assert response["Location"] == url("people", cast.org)
    with scope(cast.org):
        assert not Invitation.objects.filter(pk=invitation.pk).exists()
    event = audit_events(action="tenants.invitation_withdrawn")[0]
    assert event.actor == cast.rektor
    assert event.organisation_id == cast.org.pk
    assert event.before == {"email": "ny@mittkoping.test", "role": "staff",
                            "unit": cast.school.pk}  # fmt: skip
    client.logout()
    page = client.get(link)
    assert page.status_code == 400
    assert client.post(link, ACCEPT).status_code == 400
    assert not User.objects.filter(email="ny@mittkoping.test").exists()


def test_a_role_one_may_not_give_cannot_be_withdrawn_either(client, cast):
    client.force_login(cast.admin)
    invite(client, cast, role="admin", unit="")
    client.force_login(cast.rektor)
    assert withdraw(client, cast, pending(cast)).status_code == 403
    assert pending(cast)
    assert "ny@mittkoping.test" not in client.get(url("people", cast.org)).content.decode()


def test_a_teacher_may_not_withdraw(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    client.force_login(cast.teacher)
    assert withdraw(client, cast, pending(cast)).status_code == 403
    assert pending(cast)


def test_another_organisations_invitation_answers_404(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    client.force_login(cast.ekby_admin)
    assert withdraw(client, cast, pending(cast)).status_code == 404
    assert withdraw(client, cast, pending(cast), org=cast.ekby).status_code == 404
    assert pending(cast)


def test_an_accepted_invitation_is_not_withdrawn(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    invitation = pending(cast)
    link = link_from(mail.outbox[0])
    client.logout()
    client.post(link, ACCEPT)
    client.force_login(cast.rektor)
    assert withdraw(client, cast, invitation).status_code == 404
    assert not audit_events(action="tenants.invitation_withdrawn")


def test_withdrawing_takes_a_post(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    assert client.get(url("invitation_withdraw", cast.org, pending(cast).pk)).status_code == 405


# The inviter's right, checked again at acceptance -----------------------------------------------


def test_an_invitation_stops_working_when_the_inviter_loses_the_right(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    with scope(cast.org):
        Membership.objects.filter(user=cast.rektor).delete()  # no longer rektor here
    client.logout()
    page = client.get(link)
    assert page.status_code == 400
    assert "får inte längre ge den här rollen" in page.content.decode()
    assert client.post(link, ACCEPT).status_code == 400
    assert not User.objects.filter(email="ny@mittkoping.test").exists()
    assert not audit_events(action="tenants.invitation_accepted")


def test_a_rektor_moved_to_another_school_no_longer_invites_to_the_first(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    with scope(cast.org):
        Membership.objects.filter(user=cast.rektor).update(unit=cast.other_school)
    nina = make_user("ny@mittkoping.test")
    client.force_login(nina)
    assert client.post(link).status_code == 400
    assert roles_of(nina, cast.org) == []


def test_a_deactivated_inviter_invites_nobody(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    User.objects.filter(pk=cast.rektor.pk).update(is_active=False)
    client.logout()
    assert client.post(link, ACCEPT).status_code == 400


def test_an_inviter_who_still_has_the_right_through_another_role_is_enough(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    give_role(cast.rektor, cast.org, "admin")
    with scope(cast.org):
        Membership.objects.filter(user=cast.rektor, role="unit_lead").delete()
    client.logout()
    assert client.post(link, ACCEPT).status_code == 302
    nina = User.objects.get(email="ny@mittkoping.test")
    assert roles_of(nina, cast.org) == [("staff", cast.school.pk)]


def test_an_invitation_without_an_inviter_works_no_more(client, cast):
    client.force_login(cast.rektor)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    with unscoped():
        Invitation.objects.update(invited_by=None)  # the inviter's account was removed
    client.logout()
    assert client.post(link, ACCEPT).status_code == 400
