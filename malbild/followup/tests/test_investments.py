"""What the målbild's investments spent and achieved, per period."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import audit_events
from malbild.followup.models import InvestmentFollowUp
from malbild.followup.tests.builders import follow_up_investment, investment, make_period, world
from malbild.goals.tests.builders import adopt
from malbild.tenants.scope import scope


def url(period, inv):
    return reverse("followup:investment_form", args=["mittkoping", period.pk, inv.pk])


def followups(org):
    with scope(org):
        return list(InvestmentFollowUp.objects.all())


@pytest.mark.django_db
def test_an_admin_records_what_an_investment_spent_and_achieved(client, cast):
    world(cast)
    period = make_period(cast.org)
    client.force_login(cast.admin)
    response = client.post(
        url(period, investment(cast.org)),
        {"spent": "350 000", "achieved": "Alla lärare har börjat.", "gains": "partly",
         "gains_note": "Lärarna väljer verktyg mer medvetet."},
    )  # fmt: skip
    assert response.status_code == 302
    [saved] = followups(cast.org)
    assert (saved.spent, saved.gains) == (350000, "partly")
    assert audit_events(action="followup.investment_saved")
    html = client.get(reverse("followup:period_detail", args=["mittkoping", period.pk])).content
    assert "Alla lärare har börjat." in html.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [({"spent": "-5"}, "spent"), ({"spent": "mycket"}, "spent"), ({"achieved": " "}, "achieved"),
     ({"gains": "kanske"}, "gains")],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_saved(client, cast, fields, field):
    world(cast)
    period = make_period(cast.org)
    client.force_login(cast.admin)
    payload = {"spent": "1000", "achieved": "Något", "gains": "yes", **fields}
    with translation.override("en"):
        response = client.post(url(period, investment(cast.org)), payload)
        assert response.status_code == 200
        assert field in response.context["form"].errors
    assert followups(cast.org) == []


@pytest.mark.django_db
def test_the_målbild_page_shows_the_follow_up_of_its_investments(client, cast):
    world(cast)
    follow_up_investment(make_period(cast.org, "Delår 2"), achieved="120 lärare har börjat.")
    client.force_login(cast.teacher)
    html = client.get(reverse("targets:detail", args=["mittkoping"])).content.decode()
    assert "120 lärare har börjat." in html
    assert "Delår 2" in html


@pytest.mark.django_db
def test_another_organisations_investment_answers_404(client, cast):
    world(cast)
    adopt(cast.ekby)
    period = make_period(cast.org)
    client.force_login(cast.admin)
    response = client.post(
        url(period, investment(cast.ekby)), {"spent": "1", "achieved": "x", "gains": "yes"}
    )
    assert response.status_code == 404
