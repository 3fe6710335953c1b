"""The radar (grid and table of the same signals) and the weekly digest's signals."""

import pytest
from django.urls import reverse

from malbild.scanning import services
from malbild.scanning.models import Signal
from malbild.scanning.tests.builders import at, comment, make_areas, make_signal, rating
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def test_the_radar_places_signals_by_focus_area_and_horizon(client, cast):
    make_areas(cast.org, "Ledning", "Kompetens")
    make_signal(cast.org, "Nära kompetenssignal", by=cast.teacher, horizon="now",
                areas=("Kompetens",))  # fmt: skip
    make_signal(cast.org, "Signal utan område", by=cast.teacher, horizon="later")
    make_signal(cast.org, "Arkiverad", by=cast.teacher, state=Signal.State.ARCHIVED)
    client.force_login(cast.elected)
    response = client.get(reverse("scanning:radar", args=["mittkoping"]))
    rings = {value: dict(cells) for value, _label, cells in response.context["rings"]}
    assert [s.title for s in rings["now"]["Kompetens"]] == ["Nära kompetenssignal"]
    assert rings["now"]["Ledning"] == []
    assert [s.title for s in rings["later"]["No focus area"]] == ["Signal utan område"]
    html = response.content.decode()
    assert "Arkiverad" not in html
    assert "radar--cols-3" in html
    assert html.count('<th scope="row">') == 2  # the same two signals as a table


def test_the_radar_costs_the_same_for_many_signals(client, cast, django_assert_max_num_queries):
    make_areas(cast.org, "Ledning", "Kompetens")
    for i in range(60):
        make_signal(cast.org, f"Signal {i}", by=cast.teacher, areas=("Ledning", "Kompetens"))
    client.force_login(cast.reader)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("scanning:radar", args=["mittkoping"])).status_code == 200


def test_the_digest_has_the_new_and_the_hot_signals_of_the_week(cast):
    new = make_signal(cast.org, "Ny i veckan", by=cast.teacher)
    hot = make_signal(cast.org, "Het", by=cast.teacher)
    calm = make_signal(cast.org, "Lugn", by=cast.teacher)
    archived = make_signal(cast.org, "Arkiverad", by=cast.teacher, state="archived")
    make_signal(cast.ekby, "Ekbys", by=cast.ekby_admin)
    with scope(cast.org):
        Signal.objects.filter(pk__in=[hot.pk, calm.pk, archived.pk]).update(created_at=at(30))
    comment(hot, cast.elected)
    rating(hot, cast.rektor)
    comment(calm, cast.elected)  # one comment is not hot
    digest = services.digest(cast.org)
    assert [s.title for s in digest.new] == ["Ny i veckan"]
    assert [s.title for s in digest.hot] == ["Het"]
    assert digest.hot[0].week_comments == 1
    assert digest.hot[0].week_ratings == 1
    assert new in digest.new
    assert not services.digest(cast.org, now=at(60))
