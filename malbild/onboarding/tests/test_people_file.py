"""People from a file: every problem named with its row, then invitations all or nothing, sent
by the worker; or, with single sign-on, roles given at the person's next login."""

import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import audit_events, give_role, make_unit, make_user
from malbild.accounts.models import User
from malbild.onboarding.models import FileBatch, LoginGrant
from malbild.onboarding.tests.conftest import url
from malbild.tenants.models import Invitation, Membership
from malbild.tenants.scope import scope, unscoped

HEADER = "namn;e-post;roll;enhet_kod\n"


def upload(client, text: str, org: str = "alvsta", delivery: str = "email"):
    return client.post(
        url("onboarding:people", org),
        {"file": SimpleUploadedFile("personer.csv", text.encode()), "delivery": delivery},
    )


def latest(org) -> FileBatch:
    with scope(org):
        batch = FileBatch.objects.order_by("-id").first()
    assert batch is not None
    return batch


def invitations(org) -> list[Invitation]:
    with scope(org):
        return list(Invitation.objects.select_related("unit").order_by("email"))


@pytest.fixture
def school(fresh):
    return make_unit(fresh.org, "Älvsta centralskola", fresh.top, code="CENT")


@pytest.mark.django_db
def test_the_people_are_invited_and_the_worker_sends_the_emails(
    client, fresh, school, django_capture_on_commit_callbacks
):
    client.force_login(fresh.admin)
    upload(
        client,
        HEADER
        + "Rut Rektor;Rut.Rektor@Alvsta.test;rektor;CENT\n"
        + "Lars Lärare;lars@alvsta.test;lärare;cent\n"
        + "Per Politiker;per@alvsta.test;förtroendevald;\n",
    )
    batch = latest(fresh.org)
    assert batch.state == FileBatch.State.CHECKED, batch.errors
    assert batch.counts["by_email"] == 3
    page = client.get(url("onboarding:people")).content.decode()
    assert "3 people are invited by e-mail." in page
    assert invitations(fresh.org) == []
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("onboarding:people_import", "alvsta", batch.pk))
    assert response["Location"].endswith("/kom-igang/#people")
    found = invitations(fresh.org)
    assert [(i.email, i.role, i.unit) for i in found] == [
        ("lars@alvsta.test", "staff", school),
        ("per@alvsta.test", "elected", None),
        ("rut.rektor@alvsta.test", "unit_lead", school),
    ]
    assert all(i.invited_by == fresh.admin for i in found)
    assert sorted(m.to[0] for m in mail.outbox) == [i.email for i in found]
    assert "/inbjudan/" in mail.outbox[0].body
    (event,) = audit_events(action="tenants.people_invited")
    assert event.target_id == str(batch.pk)
    assert event.after["count"] == 3


@pytest.mark.django_db
def test_every_problem_is_named_and_nobody_is_invited(client, fresh, school):
    client.force_login(fresh.admin)
    upload(
        client,
        HEADER
        + "A;a@alvsta.test;lärare;CENT\n"  # 2
        + "A igen;A@alvsta.test;läsare;\n"  # 3: the address twice
        + "B;b@alvsta.test;lärare;SAKNAS\n"  # 4: no such unit
        + "C;inte-en-adress;lärare;CENT\n"  # 5
        + "D;d@alvsta.test;kung;CENT\n"  # 6: no such role
        + "E;;lärare;CENT\n",  # 7
    )
    batch = latest(fresh.org)
    assert batch.state == FileBatch.State.REJECTED
    errors = dict(batch.errors)
    assert errors == {
        3: "The address a@alvsta.test appears also on row 2: one row per person. Give further "
           "roles on the person's page afterwards.",
        4: "There is no unit with the code SAKNAS.",
        5: "“inte-en-adress” is not an e-mail address.",
        6: "The role “kung” is unknown: write förtroendevald, förvaltningsledning, rektor, "
           "lärare or läsare.",
        7: "The e-mail address is missing.",
    }  # fmt: skip
    client.post(url("onboarding:people_import", "alvsta", batch.pk))
    assert invitations(fresh.org) == []


@pytest.mark.django_db
def test_a_role_above_the_uploaders_own_is_refused(client, cast):
    """A rektor may give staff and reader roles in their own school, nothing more."""
    client.force_login(cast.rektor)
    response = upload(
        client,
        HEADER
        + "Ny lärare;ny@mittkoping.test;lärare;ASEN\n"
        + "Ny chef;chef@mittkoping.test;förvaltningsledning;ASEN\n"
        + "Ny granne;granne@mittkoping.test;lärare;BERGA\n"
        + "Ny läsare;lasare2@mittkoping.test;läsare;\n",
        org="mittkoping",
    )
    assert response.status_code == 302
    batch = latest(cast.org)
    assert batch.errors == [
        [3, "You may not give the role administration (förvaltningsledning) for Åsens skola."],
        [4, "You may not give the role staff (lärare, medarbetare) for Berga skola."],
        [5, "You may not give the role reader for the whole organisation."],
    ]
    client.post(url("onboarding:people_import", "mittkoping", batch.pk))
    assert invitations(cast.org) == []


@pytest.mark.django_db
def test_an_area_administrator_may_not_give_roles_above_their_own(client, cast):
    """An administrator of one area gives any role inside it, but not the administration's or
    an elected member's role for the whole organisation, which reaches above their own."""
    area_admin = make_user("omrade@mittkoping.test", "Olle Områdeschef", language="en")
    give_role(area_admin, cast.org, "admin", cast.area)
    client.force_login(area_admin)
    upload(
        client,
        HEADER
        + "Ny rektor;ny.rektor@mittkoping.test;rektor;ASEN\n"
        + "Ny chef;chef@mittkoping.test;förvaltningsledning;\n"
        + "Ny politiker;politiker2@mittkoping.test;förtroendevald;\n",
        org="mittkoping",
    )
    batch = latest(cast.org)
    assert batch.state == FileBatch.State.REJECTED
    assert batch.errors == [
        [3, "You may not give the role administration (förvaltningsledning) for the whole "
            "organisation."],
        [4, "You may not give the role elected representative (förtroendevald) for the whole "
            "organisation."],
    ]  # fmt: skip
    client.post(url("onboarding:people_import", "mittkoping", batch.pk))
    assert invitations(cast.org) == []


@pytest.mark.django_db(transaction=True)
def test_the_invitations_wait_in_the_queue_until_the_worker_sends_them(
    client, fresh, school, settings
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(fresh.admin)
    upload(client, HEADER + "Rut;rut@alvsta.test;rektor;CENT\nLars;lars@alvsta.test;lärare;CENT\n")
    response = client.post(url("onboarding:people_import", "alvsta", latest(fresh.org).pk))
    assert response.status_code == 302
    assert len(invitations(fresh.org)) == 2
    assert not mail.outbox  # the page answered without waiting for the mail server
    (task,) = DBTaskResult.objects.filter(task_path__endswith="send_invitations")
    assert task.status == "READY"
    call_command("worker", "--batch", "--interval", "0")
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert sorted(m.to[0] for m in mail.outbox) == ["lars@alvsta.test", "rut@alvsta.test"]


@pytest.mark.django_db
def test_a_member_of_another_organisation_is_invited_not_moved(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.admin)
    upload(client, HEADER + "Eva;admin@ekby.test;lärare;ASEN\n", org="mittkoping")
    batch = latest(cast.org)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("onboarding:people_import", "mittkoping", batch.pk))
    (invitation,) = invitations(cast.org)
    assert invitation.email == "admin@ekby.test"
    assert [m.to for m in mail.outbox] == [["admin@ekby.test"]]
    with unscoped():
        roles = list(
            Membership.objects.filter(user=cast.ekby_admin).values_list(
                "organisation__slug", "role"
            )
        )
    assert roles == [("ekby", "admin")]


@pytest.mark.django_db
def test_someone_with_the_role_or_an_invitation_is_left_out(client, cast):
    client.force_login(cast.admin)
    with scope(cast.org):
        Invitation.objects.create(
            organisation=cast.org,
            email="vantar@mittkoping.test",
            role="staff",
            unit=cast.school,
            invited_by=cast.admin,
        )
    upload(
        client,
        HEADER
        + "Lars;larare@mittkoping.test;lärare;ASEN\n"
        + "Väntar;vantar@mittkoping.test;lärare;ASEN\n"
        + "Ny;ny@mittkoping.test;lärare;ASEN\n",
        org="mittkoping",
    )
    batch = latest(cast.org)
    assert batch.counts["present"] == 2
    assert batch.counts["by_email"] == 1
    client.post(url("onboarding:people_import", "mittkoping", batch.pk))
    assert sorted(i.email for i in invitations(cast.org)) == [
        "ny@mittkoping.test",
        "vantar@mittkoping.test",
    ]


@pytest.mark.django_db
def test_10000_people_are_checked_and_invited_in_batches(
    client, fresh, school, django_capture_on_commit_callbacks
):
    lines = [HEADER] + [f"Person {n};person{n}@alvsta.test;lärare;CENT\n" for n in range(10000)]
    client.force_login(fresh.admin)
    started = time.perf_counter()
    upload(client, "".join(lines))
    batch = latest(fresh.org)
    checked = time.perf_counter() - started
    assert batch.state == FileBatch.State.CHECKED, batch.errors[:3]
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        client.post(url("onboarding:people_import", "alvsta", batch.pk))
    imported = time.perf_counter() - started - checked
    assert len(invitations(fresh.org)) == 10000
    assert len(queries) < 10000 / 50, len(queries)
    print(f"10000 people checked in {checked:.2f} s, invited in {imported:.2f} s")


@pytest.mark.django_db
def test_without_single_sign_on_roles_at_login_are_not_offered(client, fresh, school):
    client.force_login(fresh.admin)
    page = client.get(url("onboarding:people")).content.decode()
    assert 'value="login"' not in page
    response = upload(client, HEADER + "A;a@alvsta.test;lärare;CENT\n", delivery="login")
    assert response.status_code == 400
    with scope(fresh.org):
        assert not FileBatch.objects.exists()


@pytest.mark.django_db
def test_with_single_sign_on_the_roles_wait_for_the_next_login(
    client, fresh, school, settings, django_capture_on_commit_callbacks
):
    settings.OIDC_ISSUER = "https://login.alvsta.test"
    existing = make_user("lars@alvsta.test", "Lars Lärare")
    other_org = make_user("eva@ekby.test", "Eva")
    from conftest import make_org

    give_role(other_org, make_org("Ekby", "ekby"), "admin")
    client.force_login(fresh.admin)
    upload(
        client,
        HEADER
        + "Rut Rektor;rut@alvsta.test;rektor;CENT\n"
        + "Lars Lärare;lars@alvsta.test;lärare;CENT\n"
        + "Eva;eva@ekby.test;läsare;\n",
        delivery="login",
    )
    batch = latest(fresh.org)
    assert batch.counts == {"by_email": 1, "at_login": 2, "present": 0, "moved_to_email": 1,
                            "new_accounts": 1}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("onboarding:people_import", "alvsta", batch.pk))
    assert [m.to for m in mail.outbox] == [["eva@ekby.test"]]  # invited, not moved
    rut = User.objects.get(email="rut@alvsta.test")
    assert rut.name == "Rut Rektor"
    assert not rut.has_usable_password()
    with scope(fresh.org):
        assert LoginGrant.objects.count() == 2
        assert not Membership.objects.filter(user__in=[rut, existing]).exists()
    # Lars logs in (here with a password; through the login service it is the same signal).
    client.logout()
    client.post("/konto/logga-in/", {"username": "lars@alvsta.test",
                                     "password": "correct horse battery staple"})  # fmt: skip
    with scope(fresh.org):
        (membership,) = Membership.objects.filter(user=existing)
        assert (membership.role, membership.unit) == ("staff", school)
        assert membership.created_by == fresh.admin
        assert not Membership.objects.filter(user=rut).exists()
    (event,) = audit_events(action="tenants.invitation_accepted")
    assert event.actor == existing
    # Logging in again gives nothing twice.
    client.logout()
    client.post("/konto/logga-in/", {"username": "lars@alvsta.test",
                                     "password": "correct horse battery staple"})  # fmt: skip
    assert len(audit_events(action="tenants.invitation_accepted")) == 1


@pytest.mark.django_db
def test_a_grant_whose_giver_lost_the_right_waits(client, cast, settings):
    settings.OIDC_ISSUER = "https://login.mittkoping.test"
    client.force_login(cast.rektor)
    upload(client, HEADER + "Ny;ny@mittkoping.test;lärare;ASEN\n", org="mittkoping",
           delivery="login")  # fmt: skip
    client.post(url("onboarding:people_import", "mittkoping", latest(cast.org).pk))
    with scope(cast.org):
        Membership.objects.filter(user=cast.rektor).delete()
    newcomer = User.objects.get(email="ny@mittkoping.test")
    newcomer.set_password("ett långt lösenord 2026")
    newcomer.save()
    client.logout()
    client.post("/konto/logga-in/", {"username": "ny@mittkoping.test",
                                     "password": "ett långt lösenord 2026"})  # fmt: skip
    with scope(cast.org):
        assert not Membership.objects.filter(user=newcomer).exists()
        assert LoginGrant.objects.filter(invitation__accepted_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_teacher_may_not_upload_people(client, cast):
    client.force_login(cast.teacher)
    assert upload(client, HEADER, org="mittkoping").status_code == 403


@pytest.mark.django_db
def test_a_role_from_the_file_is_given_at_the_first_login_with_the_municipalitys_account(
    client, fresh, school, settings
):
    """Through the real single sign-on flow, against a provider on loopback: the account made
    for the file is found by the provider's verified address, linked, and given the role."""
    from malbild.accounts.models import SsoIdentity
    from malbild.accounts.tests import oidc_provider
    from malbild.accounts.tests.test_sso import log_in as sso_log_in

    with oidc_provider.serving() as provider:
        settings.OIDC_ISSUER = provider.url
        settings.OIDC_CLIENT_ID = oidc_provider.CLIENT_ID
        settings.OIDC_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
        settings.OIDC_CREATE_USERS = False  # only people with an account may log in
        client.force_login(fresh.admin)
        upload(client, HEADER + "Anna Andersson;anna.andersson@kommun.test;rektor;CENT\n",
               delivery="login")  # fmt: skip
        client.post(url("onboarding:people_import", "alvsta", latest(fresh.org).pk))
        client.logout()
        response = sso_log_in(client, provider)
    assert response.status_code == 302
    anna = User.objects.get(email="anna.andersson@kommun.test")
    assert SsoIdentity.objects.filter(user=anna, subject="anna-123").exists()
    with scope(fresh.org):
        (membership,) = Membership.objects.filter(user=anna)
    assert (membership.role, membership.unit) == ("unit_lead", school)
