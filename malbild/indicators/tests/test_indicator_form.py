from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals.models import Goal
from malbild.indicators.tests.builders import (
    fresh,
    indicators,
    make_goal_measured_by,
    make_indicator,
    make_measurement,
    make_target,
)


def create_url(org):
    return reverse("indicators:create", args=[org.slug])


def edit_url(org, indicator):
    return reverse("indicators:edit", args=[org.slug, indicator.pk])


def indicator_data(**overrides):
    return {
        "code": "DATOR",
        "name": "Elever per dator",
        "description": "Antal elever per **skoldator**.",
        "unit_of_measure": "antal",
        "direction": "lower",
        "periodicity": "year",
        "source": "Egen inventering",
        "baseline_value": "2,5",
        "baseline_period": "2023",
        **overrides,
    }


@pytest.mark.django_db
def test_an_admin_adds_an_indicator_and_it_is_audited(client, cast):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), indicator_data(name="  Elever   per dator "))
    [indicator] = indicators(cast.org)
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:detail", args=[cast.org.slug, indicator.pk])
    assert indicator.organisation == cast.org
    assert indicator.name == "Elever per dator"
    assert indicator.baseline_value == Decimal("2.5")
    assert indicator.direction == "lower"
    [event] = audit_events(action="indicators.indicator_saved", target_id=str(indicator.pk))
    assert event.actor == cast.admin
    assert event.organisation == cast.org
    assert event.before is None
    assert event.after["baseline_value"] == "2.5"


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["12,5", "12.5", " 12,5 "])
def test_the_baseline_takes_a_decimal_comma_or_point(client, cast, written):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), indicator_data(baseline_value=written))
    assert response.status_code == 302
    [indicator] = indicators(cast.org)
    assert indicator.baseline_value == Decimal("12.5")


@pytest.mark.django_db
def test_the_form_is_shown_to_an_admin_with_a_label_on_every_field(client, cast):
    client.force_login(cast.admin)
    response = client.get(create_url(cast.org))
    assert response.status_code == 200
    html = response.content.decode()
    for name in indicator_data():
        assert f'for="id_{name}"' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "rektor", "elected", "reader"])
def test_only_admins_may_create_indicators(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(create_url(cast.org)).status_code == 403
    assert client.post(create_url(cast.org), indicator_data()).status_code == 403
    assert indicators(cast.org) == []


@pytest.mark.django_db
def test_another_organisations_admin_gets_404_and_nothing_is_created(client, cast):
    client.force_login(cast.ekby_admin)
    assert client.post(create_url(cast.org), indicator_data()).status_code == 404
    assert indicators(cast.org) == []
    assert indicators(cast.ekby) == []


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["dator", "DATOR", "Dator"])
def test_a_code_that_is_taken_whatever_its_case_is_refused(client, cast, code):
    make_indicator(cast.org, "Dator", name="Elever per dator")
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), indicator_data(code=code, name="Annan"))
    assert response.status_code == 200
    assert "Dator" in " ".join(response.context["form"].errors["code"])
    assert [i.name for i in indicators(cast.org)] == ["Elever per dator"]
    assert audit_events(action="indicators.indicator_saved") == []


@pytest.mark.django_db
def test_the_same_code_may_be_used_in_another_organisation(client, cast):
    make_indicator(cast.ekby, "DATOR")
    client.force_login(cast.admin)
    assert client.post(create_url(cast.org), indicator_data()).status_code == 302
    assert [i.code for i in indicators(cast.org)] == ["DATOR"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("periodicity", "period", "example"),
    [("year", "2025-03", "2025"), ("term", "2025", "2025-HT"), ("month", "2025-VT", "2025-03")],
)
def test_a_baseline_period_that_does_not_fit_the_periodicity_is_refused(
    client, cast, periodicity, period, example
):
    client.force_login(cast.admin)
    response = client.post(
        create_url(cast.org), indicator_data(periodicity=periodicity, baseline_period=period)
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["baseline_period"]
    assert example in message
    assert period in message
    assert indicators(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["tolv", "12,5,3", "1.2.3", ""])
def test_a_baseline_that_is_not_a_number_is_refused(client, cast, value):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), indicator_data(baseline_value=value))
    assert response.status_code == 200
    assert response.context["form"].errors["baseline_value"]
    assert indicators(cast.org) == []


@pytest.mark.django_db
def test_a_malformed_code_is_refused(client, cast):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), indicator_data(code="<b>x</b>"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert indicators(cast.org) == []


@pytest.mark.django_db
def test_an_admin_edits_an_indicator_and_it_is_audited_with_before_and_after(client, cast):
    indicator = make_indicator(cast.org, "BEH-LAR", name="Behöriga lärare")
    client.force_login(cast.admin)
    form = client.get(edit_url(cast.org, indicator))
    assert form.status_code == 200
    assert 'value="Behöriga lärare"' in form.content.decode()
    assert 'value="50"' in form.content.decode()
    response = client.post(
        edit_url(cast.org, indicator),
        indicator_data(code="BEH-LAR", name="Andel behöriga lärare", unit_of_measure="%",
                       direction="higher", baseline_value="50", baseline_period="2022"),
    )  # fmt: skip
    assert response.status_code == 302
    assert fresh(indicator).name == "Andel behöriga lärare"
    [event] = audit_events(action="indicators.indicator_saved", target_id=str(indicator.pk))
    assert event.before["name"] == "Behöriga lärare"
    assert event.after["name"] == "Andel behöriga lärare"


@pytest.mark.django_db
def test_an_indicator_keeps_its_own_code_when_edited(client, cast):
    indicator = make_indicator(cast.org, "BEH-LAR")
    client.force_login(cast.admin)
    response = client.post(
        edit_url(cast.org, indicator),
        indicator_data(code="beh-lar", direction="higher", baseline_value="50",
                       baseline_period="2022"),
    )  # fmt: skip
    assert response.status_code == 302
    assert fresh(indicator).code == "beh-lar"


@pytest.mark.django_db
def test_saving_an_indicator_unchanged_writes_nothing(client, cast):
    indicator = make_indicator(cast.org, "BEH-LAR", description="", source="")
    client.force_login(cast.admin)
    data = indicator_data(code="BEH-LAR", name=indicator.name, description="",
                          unit_of_measure="%", direction="higher", source="",
                          baseline_value="50,0", baseline_period="2022")  # fmt: skip
    assert client.post(edit_url(cast.org, indicator), data).status_code == 302
    assert audit_events(action="indicators.indicator_saved") == []


@pytest.mark.django_db
def test_the_periodicity_cannot_change_once_there_are_measurements(client, cast):
    indicator = make_indicator(cast.org, "BEH-LAR")
    make_measurement(indicator, cast.school, "2023", "55")
    client.force_login(cast.admin)
    response = client.post(
        edit_url(cast.org, indicator),
        indicator_data(code="BEH-LAR", direction="higher", periodicity="term",
                       baseline_value="50", baseline_period="2022-HT"),
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["periodicity"]
    after = fresh(indicator)
    assert (after.periodicity, after.baseline_period) == ("year", "2022")


@pytest.mark.django_db
def test_a_new_baseline_that_would_make_a_target_wrong_is_refused(client, cast):
    indicator = make_indicator(cast.org, "BEH-LAR", baseline="50")
    make_target(indicator, "2026", "70")
    client.force_login(cast.admin)
    response = client.post(
        edit_url(cast.org, indicator),
        indicator_data(code="BEH-LAR", direction="higher", baseline_value="70",
                       baseline_period="2022"),
    )  # fmt: skip
    assert response.status_code == 200
    assert "2026" in " ".join(response.context["form"].non_field_errors())
    assert fresh(indicator).baseline_value == Decimal(50)


@pytest.mark.django_db
def test_a_new_baseline_moves_the_progress_of_the_goals_it_measures(client, cast):
    indicator = make_indicator(cast.org, "BEH-LAR", baseline="50")
    make_target(indicator, "2026", "70")
    make_measurement(indicator, cast.school, "2024", "60")
    goal = make_goal_measured_by(indicator, cast.school)
    client.force_login(cast.admin)
    response = client.post(
        edit_url(cast.org, indicator),
        indicator_data(code="BEH-LAR", direction="higher", baseline_value="40",
                       baseline_period="2022"),
    )  # fmt: skip
    assert response.status_code == 302
    # (60 - 40) / (70 - 40): two thirds of the way.
    assert fresh(goal).progress == Decimal("66.7")
    assert fresh(goal).light == Goal.Light.ON_TRACK


@pytest.mark.django_db
def test_another_organisations_indicator_is_404(client, cast):
    theirs = make_indicator(cast.ekby, "EKBY-1")
    client.force_login(cast.admin)
    assert client.get(edit_url(cast.org, theirs)).status_code == 404
    assert client.post(edit_url(cast.org, theirs), indicator_data()).status_code == 404
    assert fresh(theirs).code == "EKBY-1"
