"""Adopting a proposal: who may, and the bad input the issue lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import give_role, stored_files
from malbild.platforms.models import Decision
from malbild.targets.models import TargetVision
from malbild.targets.tests.builders import fresh, make_version
from malbild.targets.tests.matrix import adopt_data, in_days
from malbild.tenants.scope import scope

Status = TargetVision.Status


def url(name, *args, org="mittkoping"):
    return reverse(f"targets:{name}", args=[org, *args])


def decisions(org):
    with scope(org):
        return list(Decision.objects.all())


@pytest.mark.django_db
def test_adopting_what_was_never_proposed_is_refused_and_changes_nothing(client, cast):
    draft = make_version(cast.org, 1, Status.DRAFT)
    client.force_login(cast.elected)
    page = client.get(url("adopt", 1))
    assert page.status_code == 400
    assert page.context["problem"]
    response = client.post(url("adopt", 1), adopt_data(cast))
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert fresh(draft).status == Status.DRAFT
    assert decisions(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "rektor", "reader"])
def test_a_member_who_is_neither_elected_nor_admin_may_not_adopt(client, cast, who):
    version = make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(getattr(cast, who))
    assert client.get(url("adopt", 1)).status_code == 403
    response = client.post(url("adopt", 1), adopt_data(cast))
    assert response.status_code == 403
    assert "förtroendevald" in response.content.decode()  # the explanation, not a bare 403
    assert fresh(version).status == Status.PROPOSED
    assert decisions(cast.org) == []


@pytest.mark.django_db
def test_the_adopt_link_shows_only_to_those_who_may_adopt(client, cast):
    make_version(cast.org, 1, Status.PROPOSED)
    for who, shown in [("elected", True), ("admin", True), ("teacher", False)]:
        client.force_login(getattr(cast, who))
        html = client.get(url("version", 1)).content.decode()
        assert (url("adopt", 1) in html) is shown, who


@pytest.mark.django_db
def test_an_elected_member_of_another_organisation_gets_404(client, cast):
    version = make_version(cast.org, 1, Status.PROPOSED)
    give_role(cast.ekby_admin, cast.ekby, "elected")
    client.force_login(cast.ekby_admin)
    assert client.get(url("adopt", 1)).status_code == 404
    assert client.post(url("adopt", 1), adopt_data(cast)).status_code == 404
    assert fresh(version).status == Status.PROPOSED
    assert decisions(cast.org) == []


@pytest.mark.django_db
def test_another_organisations_version_number_is_not_found_here(client, cast):
    make_version(cast.ekby, 7, Status.PROPOSED)
    client.force_login(cast.elected)
    assert client.get(url("adopt", 7)).status_code == 404
    assert client.get(url("version", 7)).status_code == 404


@pytest.mark.django_db
def test_adopting_twice_is_refused_with_a_message(client, cast):
    version = make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.elected)
    assert client.post(url("adopt", 1), adopt_data(cast)).status_code == 302
    response = client.post(url("adopt", 1), {**adopt_data(cast), "reference": "§ 43"})
    assert response.status_code == 400
    assert response.context["problem"]
    assert [d.reference for d in decisions(cast.org)] == ["§ 42"]
    assert fresh(version).status == Status.ADOPTED


@pytest.mark.django_db
@pytest.mark.parametrize("days", [-1, 0])
def test_a_review_date_that_is_not_in_the_future_is_refused(client, cast, days):
    version = make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.elected)
    response = client.post(url("adopt", 1), {**adopt_data(cast), "review_date": in_days(days)})
    assert response.status_code == 200
    assert "review_date" in response.context["form"].errors
    assert fresh(version).status == Status.PROPOSED
    assert decisions(cast.org) == []


@pytest.mark.django_db
def test_a_decision_dated_in_the_future_is_refused(client, cast):
    version = make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.admin)
    response = client.post(url("adopt", 1), {**adopt_data(cast), "decided_on": in_days(1)})
    assert "decided_on" in response.context["form"].errors
    assert fresh(version).status == Status.PROPOSED


@pytest.mark.django_db
def test_the_body_defaults_to_the_education_committee(client, cast):
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.elected)
    html = client.get(url("adopt", 1)).content.decode()
    assert 'value="Barn- och utbildningsnämnden"' in html


@pytest.mark.django_db
def test_the_minutes_must_be_a_pdf(client, cast):
    version = make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.admin)
    fake = SimpleUploadedFile("protokoll.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client.post(url("adopt", 1), {**adopt_data(cast), "minutes": fake})
    assert "minutes" in response.context["form"].errors
    assert fresh(version).status == Status.PROPOSED
    assert stored_files() == []


@pytest.mark.django_db
def test_minutes_larger_than_the_limit_are_refused(client, cast, settings):
    settings.MAX_UPLOAD_MB = 1
    version = make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.admin)
    big = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024))
    response = client.post(url("adopt", 1), {**adopt_data(cast), "minutes": big})
    assert "minutes" in response.context["form"].errors
    assert fresh(version).status == Status.PROPOSED


@pytest.mark.django_db
def test_the_minutes_are_kept_and_linked_from_the_decision(client, cast):
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.admin)
    pdf = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(url("adopt", 1), {**adopt_data(cast), "minutes": pdf})
    assert response.status_code == 302
    (decision,) = decisions(cast.org)
    assert decision.minutes.name.endswith(".pdf")
    minutes_url = reverse("platform:decision_minutes", args=["mittkoping", decision.pk])
    client.force_login(cast.teacher)
    assert minutes_url in client.get(url("detail")).content.decode()


@pytest.mark.django_db
def test_an_admin_who_is_also_elected_adopts_as_elected(client, cast):
    give_role(cast.admin, cast.org, "elected")
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.admin)
    assert client.get(url("adopt", 1)).context["on_behalf"] is False
    client.post(url("adopt", 1), adopt_data(cast))
    (decision,) = decisions(cast.org)
    assert decision.recorded_on_behalf is False
    assert decision.decided_on == timezone.localdate()
