import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from malbild.indicators.tests.builders import make_indicator, make_target
from malbild.lib.tests.htmx import htmx


def list_url(org):
    return reverse("indicators:list", args=[org.slug])


def fill(org, start, stop):
    for number in range(start, stop):
        indicator = make_indicator(org, f"IND-{number:03d}", name=f"Indikator {number}")
        make_target(indicator, "2026", "70")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "reader", "elected", "rektor", "admin"])
def test_every_member_reads_the_indicators(client, cast, who):
    indicator = make_indicator(cast.org, "BEH-LAR", name="Andel behöriga lärare")
    make_target(indicator, "2026", "72.5")
    client.force_login(getattr(cast, who))
    response = client.get(list_url(cast.org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "BEH-LAR" in html
    assert "Andel behöriga lärare" in html
    assert reverse("indicators:detail", args=[cast.org.slug, indicator.pk]) in html
    assert "72,5 % (2026)" in html  # the final target, with a decimal comma


@pytest.mark.django_db
def test_only_admins_see_the_link_to_a_new_indicator(client, cast):
    new = reverse("indicators:create", args=[cast.org.slug])
    client.force_login(cast.admin)
    assert new in client.get(list_url(cast.org)).content.decode()
    for who in (cast.rektor, cast.teacher, cast.elected):
        client.force_login(who)
        assert new not in client.get(list_url(cast.org)).content.decode()


@pytest.mark.django_db
def test_the_list_does_not_show_another_organisations_indicators(client, cast):
    make_indicator(cast.ekby, "EKBY-1", name="Ekbys egen indikator")
    client.force_login(cast.teacher)
    response = client.get(list_url(cast.org))
    assert "EKBY-1" not in response.content.decode()
    assert response.context["page"].paginator.count == 0


@pytest.mark.django_db
def test_another_organisation_gets_404(client, cast):
    client.force_login(cast.ekby_admin)
    assert client.get(list_url(cast.org)).status_code == 404


@pytest.mark.django_db
def test_the_search_finds_by_code_or_name(client, cast):
    make_indicator(cast.org, "BEH-LAR", name="Andel behöriga lärare")
    make_indicator(cast.org, "DATOR", name="Elever per dator")
    client.force_login(cast.reader)
    by_code = client.get(list_url(cast.org), {"q": "beh"}).context["page"].object_list
    assert [i.code for i in by_code] == ["BEH-LAR"]
    by_name = client.get(list_url(cast.org), {"q": "per dator"}).context["page"].object_list
    assert [i.code for i in by_name] == ["DATOR"]
    nothing = client.get(list_url(cast.org), {"q": "saknas"})
    assert nothing.context["page"].paginator.count == 0
    assert "<table" not in nothing.content.decode()


@pytest.mark.django_db
def test_the_list_is_paged_by_fifty(client, cast):
    fill(cast.org, 0, 55)
    client.force_login(cast.reader)
    first = client.get(list_url(cast.org))
    assert len(first.context["page"].object_list) == 50
    assert '<nav class="pagination"' in first.content.decode()
    second = client.get(list_url(cast.org), {"page": 2})
    assert [i.code for i in second.context["page"].object_list] == [
        f"IND-{n:03d}" for n in range(50, 55)
    ]


@pytest.mark.django_db
def test_the_list_uses_as_many_queries_for_80_indicators_as_for_3(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.teacher)
    fill(cast.org, 0, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(list_url(cast.org)).status_code == 200
    fill(cast.org, 3, 80)
    # One COUNT more once the list fills more than its page (lib.paging: a list that fits on
    # its first page needs none), whatever its length.
    with django_assert_max_num_queries(len(small.captured_queries) + 1):
        response = client.get(list_url(cast.org))
    assert len(response.context["page"].object_list) == 50
    assert len(small.captured_queries) <= 10


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_the_search_with_htmx_answers_the_results_and_counts_them(client, cast):
    make_indicator(cast.org, "BEH-LAR", name="Andel behöriga lärare")
    make_indicator(cast.org, "DATOR", name="Elever per dator")
    client.force_login(cast.reader)
    response = client.get(
        list_url(cast.org),
        {"q": "beh"},
        **htmx("indicator-results"),
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="indicator-results">')
    assert "BEH-LAR" in html
    assert "DATOR" not in html
    assert "<form" not in html
    assert "1 indicator shown.</div>" in html
    assert "HX-Request" in response["Vary"]
    page = client.get(list_url(cast.org), {"q": "beh"}).content.decode()
    assert 'hx-target="#indicator-results"' in page
    assert "<main" in page
