import pytest
from django.urls import reverse
from django.utils import translation

from conftest import audit_events
from malbild.announcements import services
from malbild.announcements.access import concerning
from malbild.announcements.models import Announcement
from malbild.announcements.tests.builders import make_announcement
from malbild.goals.tests.builders import add_research, adopt, make_goal
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def news(client, who, query=""):
    client.force_login(who)
    return client.get(reverse("announcements:news", args=["mittkoping"]) + query)


def test_each_person_sees_what_concerns_them(client, cast):
    make_announcement(cast.org, "Till all personal", audiences=("staff",))
    make_announcement(
        cast.org, "Till Bergas personal", audiences=("staff",), unit=cast.other_school
    )
    make_announcement(cast.org, "Till politikerna", audiences=("elected",))
    make_announcement(cast.org, "Till vårdnadshavare", audiences=("guardians",))
    make_announcement(cast.org, "Till allmänheten", audiences=("public",))
    teacher = news(client, cast.teacher).content.decode()
    assert "Till all personal" in teacher
    assert "Till allmänheten" in teacher
    assert "Till Bergas personal" not in teacher
    assert "Till politikerna" not in teacher
    assert "Till vårdnadshavare" not in teacher
    elected = news(client, cast.elected).content.decode()
    assert "Till politikerna" in elected
    assert "Till all personal" not in elected
    everything = news(client, cast.teacher, "?visa=alla").content.decode()
    assert "Till politikerna" in everything


def test_an_announcement_to_a_school_reaches_the_areas_lead_above_it(cast):
    make_announcement(cast.org, "Åsens rektorer", audiences=("unit_leads",), unit=cast.team)
    with scope(cast.org):
        from malbild.tenants.models import Membership

        rektor = list(Membership.objects.filter(user=cast.rektor).select_related("unit"))
        found = services.published().filter(concerning(rektor))
        assert [a.title for a in found] == ["Åsens rektorer"]


def test_drafts_stay_out_of_feeds_until_published(client, cast):
    draft = make_announcement(cast.org, "Utkast", audiences=("staff",), published=False)
    assert "Utkast" not in news(client, cast.teacher).content.decode()
    client.force_login(cast.admin)
    response = client.post(
        reverse("announcements:announcement_publish", args=["mittkoping", draft.pk])
    )
    assert response.status_code == 302
    assert "Utkast" in news(client, cast.teacher).content.decode()


def test_writing_an_announcement_saves_a_draft(client, cast):
    client.force_login(cast.rektor)
    response = client.post(
        reverse("announcements:announcement_create", args=["mittkoping"]),
        {"kind": "change", "title": "  Ny schemaläggning  ", "body": "Från vecka 34.",
         "audiences": ["staff", "guardians"], "unit": cast.school.pk},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(cast.org):
        found = Announcement.objects.get()
    assert found.title == "Ny schemaläggning"
    assert found.status == "draft"
    assert found.audiences == ["staff", "guardians"]
    assert audit_events(action="communication.announcement_created")


def test_an_announcement_without_audience_is_refused(client, cast):
    client.force_login(cast.admin)
    with translation.override("en"):
        response = client.post(
            reverse("announcements:announcement_create", args=["mittkoping"]),
            {"kind": "news", "title": "Ingen mottagare", "body": "Text", "unit": ""},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "Choose at least one audience" in response.content.decode()
    with scope(cast.org):
        assert not Announcement.objects.exists()


def test_a_rektor_writes_only_to_their_own_subtree(client, cast):
    client.force_login(cast.rektor)
    response = client.post(
        reverse("announcements:announcement_create", args=["mittkoping"]),
        {"kind": "news", "title": "Hej", "body": "Text", "audiences": ["staff"],
         "unit": cast.other_school.pk},
    )  # fmt: skip
    assert response.status_code == 404  # Berga is never offered: a tampered id
    with scope(cast.org):
        assert not Announcement.objects.exists()


def test_html_and_scripts_in_an_announcement_are_sanitised(client, cast):
    make_announcement(
        cast.org, "Farlig", audiences=("public",),
        body='Hej <script>alert(1)</script> <img src=x onerror="alert(2)"> '
             "[a](javascript:alert(3))",
    )  # fmt: skip
    with scope(cast.org):
        found = Announcement.objects.get()
    client.force_login(cast.teacher)
    page = client.get(
        reverse("announcements:announcement_detail", args=["mittkoping", found.pk])
    ).content.decode()
    public = client.get(
        reverse("announcements_public:news_detail", args=["mittkoping", found.pk])
    ).content.decode()
    for html in (page, public):
        assert "<script>alert" not in html
        assert "<img" not in html  # shown as text, never as a tag
        assert 'href="javascript' not in html


def test_adopting_a_target_vision_drafts_an_announcement(cast, rf):
    from datetime import timedelta

    from django.utils import timezone

    from malbild.targets import services as target_services
    from malbild.targets.models import TargetVision
    from malbild.targets.tests.builders import make_version
    from malbild.tenants.models import Membership
    from malbild.tenants.permissions import Access

    version = make_version(cast.org, 1, TargetVision.Status.PROPOSED)
    request = rf.post("/")
    request.user = cast.elected
    with scope(cast.org):
        access = Access(cast.org, list(Membership.objects.filter(user=cast.elected)))
        target_services.adopt(
            version, access, request,
            review_date=timezone.localdate() + timedelta(days=365),
            decision_fields={"body": "Barn- och utbildningsnämnden",
                             "decided_on": timezone.localdate(), "reference": "§ 12"},
        )  # fmt: skip
        draft = Announcement.objects.get()
    assert draft.status == "draft"
    assert draft.origin == "target_adopted"
    assert draft.to_public
    assert draft.to_staff


def test_activating_a_goal_drafts_an_announcement_for_its_unit(cast, rf):
    from malbild.goals import services as goal_services

    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, "Alla elever programmerar")
    add_research(goal)
    request = rf.post("/")
    request.user = cast.rektor
    with scope(cast.org):
        goal_services.activate(goal, request)
        draft = Announcement.objects.get()
    assert draft.origin == "goal_status"
    assert draft.unit == cast.school
    assert draft.status == "draft"


def test_the_news_list_keeps_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    for i in range(60):
        make_announcement(cast.org, f"Nyhet {i}", audiences=("staff",), unit=cast.school)
    client.force_login(cast.teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("announcements:news", args=["mittkoping"]))
    assert response.status_code == 200


def test_another_organisations_announcement_answers_404(client, cast):
    theirs = make_announcement(cast.ekby, "Ekbys nyhet", audiences=("public",))
    client.force_login(cast.teacher)
    url = reverse("announcements:announcement_detail", args=["mittkoping", theirs.pk])
    assert client.get(url).status_code == 404
    public = reverse("announcements_public:news_detail", args=["mittkoping", theirs.pk])
    assert client.get(public).status_code == 404
