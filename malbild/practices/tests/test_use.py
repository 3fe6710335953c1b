"""Using a practice: its tips become suggested activities in the own action plan, or a note in
the målbild discussion, each with a line back to the practice."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from malbild.plans.models import Activity
from malbild.practices.models import Practice, PracticeUse
from malbild.practices.tests.builders import make_practice
from malbild.targets.models import Comment, TargetVision
from malbild.targets.tests.builders import make_version
from malbild.tenants.scope import scope


def data(unit_id, **extra):
    today = timezone.localdate()
    return {
        "how": "plan",
        "tips": ["0", "1"],
        "unit": unit_id,
        "starts_on": (today + timedelta(days=7)).isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        **extra,
    }


@pytest.fixture
def mittkoping_practice(cast):
    return make_practice(cast.org, cast.school, "Ledarskapsutveckling", state="shared")


@pytest.mark.django_db
def test_ekby_turns_the_tips_into_activities_of_its_own_plan(client, cast, mittkoping_practice):
    client.force_login(cast.ekby_admin)
    url = reverse("practices:use", args=["ekby", mittkoping_practice.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, data(cast.ekby_school.pk))
    assert response["Location"] == reverse("plans:unit_plan", args=["ekby", cast.ekby_school.pk])
    with scope(cast.ekby):
        activities = list(Activity.objects.order_by("id"))
        uses = list(PracticeUse.objects.all())
    assert [a.title for a in activities] == ["Börja i ledningsgruppen", "Avsätt tid varje vecka"]
    assert all(a.organisation == cast.ekby for a in activities)
    assert all(a.unit == cast.ekby_school for a in activities)
    link = reverse("practices_shared:detail", args=[mittkoping_practice.pk])
    assert all(link in a.description for a in activities)
    assert all("Mittköping" in a.description for a in activities)
    assert {u.activity_id for u in uses} == {a.pk for a in activities}
    with scope(cast.org):  # nothing written in Mittköping
        assert not Activity.objects.exists()


@pytest.mark.django_db
def test_a_unit_outside_ones_subtree_is_refused(client, cast):
    practice = make_practice(cast.ekby, cast.ekby_root, "Ekbys praxis", state="shared")
    client.force_login(cast.rektor)
    url = reverse("practices:use", args=["mittkoping", practice.pk])
    response = client.post(url, data(cast.other_school.pk))
    assert response.status_code == 404  # not offered to the rektor, so a tampered id
    with scope(cast.org):
        assert not Activity.objects.exists()


@pytest.mark.django_db
def test_missing_dates_and_tips_give_messages_and_change_nothing(client, cast, mittkoping_practice):
    client.force_login(cast.ekby_admin)
    url = reverse("practices:use", args=["ekby", mittkoping_practice.pk])
    response = client.post(url, data(cast.ekby_school.pk, tips=[], starts_on=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one tip" in html
    assert "Choose a start date" in html
    response = client.post(url, data(cast.ekby_school.pk, ends_on=timezone.localdate().isoformat()))
    assert "ends before it starts" in response.content.decode()
    with scope(cast.ekby):
        assert not Activity.objects.exists()
        assert not PracticeUse.objects.exists()


@pytest.mark.django_db
def test_a_draft_of_another_organisation_cannot_be_used(client, cast):
    draft = make_practice(cast.org, cast.school, "Utkast")
    client.force_login(cast.ekby_admin)
    assert client.get(reverse("practices:use", args=["ekby", draft.pk])).status_code == 404


@pytest.mark.django_db
def test_the_tips_become_a_note_in_the_discussion_of_a_proposed_malbild(
    client, cast, mittkoping_practice
):
    version = make_version(cast.ekby, 1, TargetVision.Status.PROPOSED)
    client.force_login(cast.ekby_admin)
    url = reverse("practices:use", args=["ekby", mittkoping_practice.pk])
    response = client.post(url, {"how": "note", "tips": ["1"]})
    assert response.status_code == 302
    with scope(cast.ekby):
        note = Comment.objects.get(target_vision=version)
        assert PracticeUse.objects.get().note == note
    assert "Avsätt tid varje vecka" in note.body
    assert reverse("practices_shared:detail", args=[mittkoping_practice.pk]) in note.body


@pytest.mark.django_db
def test_the_publisher_sees_nothing_of_what_others_did_with_it(client, cast, mittkoping_practice):
    client.force_login(cast.ekby_admin)
    url = reverse("practices:use", args=["ekby", mittkoping_practice.pk])
    client.post(url, data(cast.ekby_school.pk))
    client = Client()  # a fresh session: the message of Ekby's own use stays with Ekby
    client.force_login(cast.admin)
    html = client.get(reverse("practices:list", args=["mittkoping"])).content.decode()
    assert "Ekby skola" not in html
    with scope(cast.org):
        assert Practice.objects.get().uses.count() == 0  # Ekby's rows stay Ekby's


@pytest.mark.django_db
def test_the_shared_page_offers_use_only_where_it_leads_somewhere(client, cast):
    practice = make_practice(cast.ekby, cast.ekby_root, "Ekbys praxis", state="shared")
    url = reverse("practices_shared:detail", args=[practice.pk])
    use_url = reverse("practices:use", args=["mittkoping", practice.pk])
    client.force_login(cast.rektor)  # plans activities
    assert use_url in client.get(url).content.decode()
    client.force_login(cast.teacher)  # plans nothing, and no målbild is being drafted
    assert use_url not in client.get(url).content.decode()
    assert client.get(use_url).status_code == 403
    make_version(cast.org, 1, TargetVision.Status.DRAFT)
    assert use_url in client.get(url).content.decode()  # a note in the discussion
    response = client.get(use_url)
    assert response.status_code == 200
    assert [v for v, _label in response.context["form"].fields["how"].choices] == ["note"]
