import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from malbild.platforms.models import Decision, PlatformVersion, Value
from malbild.platforms.tests import builders
from malbild.tenants.scope import scope


def url(name, org, *args):
    return reverse(f"platform:{name}", args=[org.slug, *args])


def value_ids(org):
    with scope(org):
        return {v.key: v.pk for v in Value.objects.all()}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reader", "teacher", "rektor", "elected", "admin"])
def test_every_member_reads_the_platform_in_force_with_its_decision(client, cast, who):
    current = builders.in_force(cast.org, vision="Alla elever lyckas i Mittköping.")
    client.force_login(getattr(cast, who))
    response = client.get(url("detail", cast.org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alla elever lyckas i Mittköping." in html
    assert "Vi ger varje barn en god utbildning." in html
    assert current.decision is not None
    assert "Kommunfullmäktige" in html
    assert "§ 12" in html
    for key, pk in value_ids(cast.org).items():
        assert url("value", cast.org, pk) in html, key
    assert url("version", cast.org, current.number) in html
    assert url("decision_minutes", cast.org, current.decision.pk) not in html  # no minutes


@pytest.mark.django_db
def test_it_says_plainly_that_nothing_is_in_force_and_offers_admins_the_first_draft(client, cast):
    client.force_login(cast.teacher)
    html = client.get(url("detail", cast.org)).content.decode()
    assert url("draft_start", cast.org) not in html
    client.force_login(cast.admin)
    response = client.get(url("detail", cast.org))
    assert response.status_code == 200
    assert response.context["current"] is None
    assert f'action="{url("draft_start", cast.org)}"' in response.content.decode()


@pytest.mark.django_db
def test_an_admin_with_an_open_draft_gets_links_to_it_instead_of_a_start_button(client, cast):
    builders.in_force(cast.org)
    builders.draft(cast.org)
    client.force_login(cast.admin)
    html = client.get(url("detail", cast.org)).content.decode()
    assert url("draft_start", cast.org) not in html
    assert url("draft", cast.org) in html
    assert url("adopt", cast.org) in html


@pytest.mark.django_db
def test_every_version_is_kept_and_shown_as_it_was(client, cast):
    first = builders.in_force(cast.org, vision="Den första visionen.")
    second = builders.in_force(cast.org, vision="Den andra visionen.")
    client.force_login(cast.reader)
    html = client.get(url("detail", cast.org)).content.decode()
    assert url("version", cast.org, first.number) in html
    assert url("version", cast.org, second.number) in html
    old = client.get(url("version", cast.org, first.number))
    assert old.status_code == 200
    assert old.context["version"].status == PlatformVersion.Status.SUPERSEDED
    assert "Den första visionen." in old.content.decode()
    assert "Den andra visionen." not in old.content.decode()
    assert "§ 12" in old.content.decode()  # with the decision that put it in force


@pytest.mark.django_db
def test_a_draft_is_readable_by_every_member_but_only_admins_get_the_edit_links(client, cast):
    draft = builders.draft(cast.org, vision="Ett utkast till vision.")
    client.force_login(cast.teacher)
    response = client.get(url("version", cast.org, draft.number))
    assert response.status_code == 200
    assert "Ett utkast till vision." in response.content.decode()
    assert url("draft", cast.org) not in response.content.decode()
    client.force_login(cast.admin)
    assert (
        url("draft", cast.org)
        in client.get(url("version", cast.org, draft.number)).content.decode()
    )


@pytest.mark.django_db
def test_another_organisation_sees_nothing(client, cast):
    version = builders.in_force(cast.org)
    client.force_login(cast.ekby_admin)
    assert client.get(url("detail", cast.org)).status_code == 404
    assert client.get(url("version", cast.org, version.number)).status_code == 404
    # Ekby's own platform page does not show Mittköping's version either.
    client.force_login(cast.ekby_admin)
    assert client.get(url("version", cast.ekby, version.number)).status_code == 404
    assert client.get(url("detail", cast.ekby)).context["current"] is None


@pytest.mark.django_db
def test_a_version_that_does_not_exist_answers_404(client, cast):
    client.force_login(cast.reader)
    assert client.get(url("version", cast.org, 99)).status_code == 404


@pytest.mark.django_db
def test_html_in_the_texts_is_shown_as_text(client, cast):
    builders.in_force(
        cast.org,
        vision="<script>alert('vision')</script>",
        mission="<b onmouseover=x>fet</b>",
        core_values=[{"name": "<i>Mod</i>", "description": "<script>alert(1)</script>"}],
    )
    client.force_login(cast.reader)
    html = client.get(url("detail", cast.org)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;vision&#x27;)&lt;/script&gt;" in html
    assert "<b onmouseover" not in html
    assert "&lt;i&gt;Mod&lt;/i&gt;" in html


@pytest.mark.django_db
def test_the_page_uses_a_constant_number_of_queries(client, cast, django_assert_max_num_queries):
    def add_old_versions(count, start):
        with scope(cast.org):
            for number in range(start, start + count):
                decision = Decision.objects.create(
                    organisation=cast.org,
                    body="Kommunfullmäktige",
                    decided_on=timezone.localdate() - datetime.timedelta(days=number),
                )
                PlatformVersion.objects.create(
                    organisation=cast.org,
                    number=number,
                    status=PlatformVersion.Status.SUPERSEDED,
                    vision="v",
                    mission="m",
                    core_values=builders.VALUES,
                    decision=decision,
                )

    add_old_versions(2, 1)
    builders.in_force(cast.org)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(12):
        assert client.get(url("detail", cast.org)).status_code == 200
    add_old_versions(80, 100)
    with django_assert_max_num_queries(12):
        response = client.get(url("detail", cast.org))
    assert len(response.context["page"].object_list) == 50
    assert client.get(url("detail", cast.org), {"page": 2}).status_code == 200
