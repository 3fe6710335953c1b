from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals.models import Goal
from malbild.indicators.tests.builders import (
    fresh,
    make_goal_measured_by,
    make_indicator,
    make_target,
    measurements,
)


def entry_url(org, indicator):
    return reverse("indicators:measurement", args=[org.slug, indicator.pk])


@pytest.fixture
def indicator(cast):
    indicator = make_indicator(cast.org, "BEH-LAR", baseline="50", baseline_period="2022")
    make_target(indicator, "2026", "70")
    return indicator


def entry(cast, **overrides):
    return {"unit": cast.school.pk, "period": "2024", "gender": "T", "value": "61,5", **overrides}


def nothing_saved(indicator):
    assert measurements(indicator) == []
    assert audit_events(action="indicators.measurement_saved") == []


@pytest.mark.django_db
def test_a_rektor_enters_a_value_for_the_school_and_it_is_audited(client, cast, indicator):
    client.force_login(cast.rektor)
    response = client.post(entry_url(cast.org, indicator), entry(cast))
    assert response.status_code == 302
    detail = reverse("indicators:detail", args=[cast.org.slug, indicator.pk])
    assert response["Location"] == f"{detail}?enhet={cast.school.pk}#trend"
    [saved] = measurements(indicator)
    assert saved.organisation == cast.org
    assert saved.org_unit == cast.school
    assert (saved.period, saved.position, saved.gender) == ("2024", 2024.0, "T")
    assert saved.value == Decimal("61.5")
    assert saved.status == ""
    [event] = audit_events(action="indicators.measurement_saved", target_id=str(saved.pk))
    assert event.actor == cast.rektor
    assert event.before is None
    assert event.after["value"] == "61.5"
    assert event.after["unit"] == "ASEN"


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["12,5", "12.5", "12,50", " 12,5 "])
def test_a_value_takes_a_decimal_comma_or_point(client, cast, indicator, written):
    client.force_login(cast.admin)
    assert (
        client.post(entry_url(cast.org, indicator), entry(cast, value=written)).status_code == 302
    )
    [saved] = measurements(indicator)
    assert saved.value == Decimal("12.5")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("written", "value"), [("-3", "-3"), ("−2,25", "-2.25"), ("1 250,5", "1250.5")]
)
def test_negative_values_and_spaced_thousands_are_accepted(client, cast, indicator, written, value):
    client.force_login(cast.admin)
    assert (
        client.post(entry_url(cast.org, indicator), entry(cast, value=written)).status_code == 302
    )
    [saved] = measurements(indicator)
    assert saved.value == Decimal(value)


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["tolv", "12,5,3", "12.5.3", "1,2.3", "12,5 %", "1e400"])
def test_a_value_that_is_not_a_number_is_refused(client, cast, indicator, written):
    client.force_login(cast.admin)
    response = client.post(entry_url(cast.org, indicator), entry(cast, value=written))
    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    assert 'class="error-summary"' in response.content.decode()
    nothing_saved(indicator)


@pytest.mark.django_db
def test_a_value_with_too_many_decimals_is_refused(client, cast, indicator):
    client.force_login(cast.admin)
    response = client.post(entry_url(cast.org, indicator), entry(cast, value="1,23456"))
    assert response.context["form"].errors["value"]
    nothing_saved(indicator)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("periodicity", "period", "example"),
    [("year", "2025-03", "2025"), ("year", "2025-HT", "2025"), ("term", "2025-03", "2025-HT"),
     ("month", "2025", "2025-03"), ("year", "tjugotjugofem", "2025")],
)  # fmt: skip
def test_a_period_that_does_not_fit_the_periodicity_is_refused_naming_the_form(
    client, cast, periodicity, period, example
):
    indicator = make_indicator(cast.org, "IND", periodicity=periodicity,
                               baseline_period={"year": "2022", "term": "2022-HT",
                                                "month": "2022-01"}[periodicity])  # fmt: skip
    client.force_login(cast.admin)
    response = client.post(entry_url(cast.org, indicator), entry(cast, period=period))
    assert response.status_code == 200
    [message] = response.context["form"].errors["period"]
    assert example in message
    assert period in message
    nothing_saved(indicator)


@pytest.mark.django_db
def test_entering_the_same_key_again_replaces_the_value(client, cast, indicator):
    client.force_login(cast.rektor)
    client.post(entry_url(cast.org, indicator), entry(cast, value="60"))
    client.post(entry_url(cast.org, indicator), entry(cast, period="2024", value="62,5"))
    [saved] = measurements(indicator)
    assert saved.value == Decimal("62.5")
    first, second = sorted(
        audit_events(action="indicators.measurement_saved"), key=lambda e: e.created_at
    )
    assert first.before is None
    assert second.before["value"] == "60.0000"
    assert second.after["value"] == "62.5"


@pytest.mark.django_db
def test_each_gender_is_its_own_value(client, cast, indicator):
    client.force_login(cast.rektor)
    for gender, value in (("T", "60"), ("K", "64"), ("M", "56")):
        client.post(entry_url(cast.org, indicator), entry(cast, gender=gender, value=value))
    values = {m.gender: m.value for m in measurements(indicator)}
    assert values == {"T": Decimal(60), "K": Decimal(64), "M": Decimal(56)}


@pytest.mark.django_db
def test_a_gender_outside_t_k_m_is_refused(client, cast, indicator):
    client.force_login(cast.rektor)
    response = client.post(entry_url(cast.org, indicator), entry(cast, gender="X"))
    assert response.context["form"].errors["gender"]
    nothing_saved(indicator)


@pytest.mark.django_db
def test_a_missing_value_is_stored_as_missing(client, cast, indicator):
    client.force_login(cast.rektor)
    response = client.post(entry_url(cast.org, indicator), entry(cast, value="", missing="on"))
    assert response.status_code == 302
    [saved] = measurements(indicator)
    assert saved.value is None
    assert saved.status == "saknas"


@pytest.mark.django_db
def test_a_value_is_required_unless_it_is_missing(client, cast, indicator):
    client.force_login(cast.rektor)
    response = client.post(entry_url(cast.org, indicator), entry(cast, value=""))
    assert response.context["form"].errors["value"]
    both = client.post(entry_url(cast.org, indicator), entry(cast, value="12", missing="on"))
    assert both.context["form"].errors["value"]
    nothing_saved(indicator)


@pytest.mark.django_db
def test_a_value_updates_the_progress_of_the_goal_in_the_same_request(client, cast, indicator):
    goal = make_goal_measured_by(indicator, cast.school)
    assert fresh(goal).light == Goal.Light.NO_DATA
    client.force_login(cast.rektor)
    client.post(entry_url(cast.org, indicator), entry(cast, period="2024", value="60"))
    # Half-way from 50 (2022) to 70 (2026), as planned for 2024.
    assert fresh(goal).progress == Decimal("50.0")
    assert fresh(goal).expected == Decimal("50.0")
    assert fresh(goal).light == Goal.Light.ON_TRACK
    assert fresh(cast.school).progress == Decimal("50.0")
    client.post(entry_url(cast.org, indicator), entry(cast, period="2024", value="55"))
    assert fresh(goal).progress == Decimal("25.0")
    assert fresh(goal).light == Goal.Light.OFF_TRACK


@pytest.mark.django_db
def test_a_value_for_another_unit_does_not_move_the_goal(client, cast, indicator):
    goal = make_goal_measured_by(indicator, cast.school)
    client.force_login(cast.admin)
    client.post(entry_url(cast.org, indicator), entry(cast, unit=cast.other_school.pk))
    assert fresh(goal).progress is None


@pytest.mark.django_db
def test_a_rektor_is_offered_only_the_units_of_the_school(client, cast, indicator):
    client.force_login(cast.rektor)
    response = client.get(entry_url(cast.org, indicator))
    assert response.status_code == 200
    offered = list(response.context["form"].fields["unit"].queryset)
    assert offered == [cast.school, cast.team]
    html = response.content.decode()
    assert 'for="id_unit"' in html
    assert 'for="id_missing"' in html


@pytest.mark.django_db
def test_an_admin_is_offered_every_unit(client, cast, indicator):
    client.force_login(cast.admin)
    response = client.get(entry_url(cast.org, indicator), {"enhet": cast.other_school.pk})
    offered = set(response.context["form"].fields["unit"].queryset)
    assert offered == {cast.root, cast.area, cast.school, cast.team, cast.other_school}
    assert f'<option value="{cast.other_school.pk}" selected>' in response.content.decode()


@pytest.mark.django_db
def test_a_rektor_may_not_enter_values_for_another_school(client, cast, indicator):
    client.force_login(cast.rektor)
    url = entry_url(cast.org, indicator)
    assert client.get(url, {"enhet": cast.other_school.pk}).status_code == 403
    response = client.post(entry_url(cast.org, indicator), entry(cast, unit=cast.other_school.pk))
    assert response.status_code == 403
    nothing_saved(indicator)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "reader", "elected"])
def test_people_without_the_role_may_not_enter_values(client, cast, indicator, who):
    client.force_login(getattr(cast, who))
    assert client.get(entry_url(cast.org, indicator)).status_code == 403
    assert client.post(entry_url(cast.org, indicator), entry(cast)).status_code == 403
    nothing_saved(indicator)


@pytest.mark.django_db
def test_another_organisations_unit_in_the_form_or_url_is_404(client, cast, indicator):
    client.force_login(cast.admin)
    response = client.post(entry_url(cast.org, indicator), entry(cast, unit=cast.ekby_school.pk))
    assert response.status_code == 404
    url = entry_url(cast.org, indicator)
    assert client.get(url, {"enhet": cast.ekby_school.pk}).status_code == 404
    nothing_saved(indicator)


@pytest.mark.django_db
def test_a_unit_id_that_is_not_a_number_is_404(client, cast, indicator):
    client.force_login(cast.admin)
    assert client.post(entry_url(cast.org, indicator), entry(cast, unit="ett")).status_code == 404
    nothing_saved(indicator)


@pytest.mark.django_db
def test_another_organisations_indicator_is_404(client, cast):
    theirs = make_indicator(cast.ekby, "EKBY-1")
    client.force_login(cast.admin)
    assert client.get(entry_url(cast.org, theirs)).status_code == 404
    assert client.post(entry_url(cast.org, theirs), entry(cast)).status_code == 404
    assert measurements(theirs) == []
    client.force_login(cast.ekby_admin)
    mine = make_indicator(cast.org, "MIN")
    response = client.post(entry_url(cast.org, mine), entry(cast, unit=cast.ekby_school.pk))
    assert response.status_code == 404
    assert measurements(mine) == []


@pytest.mark.django_db
def test_an_archived_unit_is_not_offered_and_is_refused(client, cast, indicator):
    from malbild.tenants import services
    from malbild.tenants.scope import scope

    with scope(cast.org):
        services.archive_unit(cast.team)
    client.force_login(cast.admin)
    response = client.post(entry_url(cast.org, indicator), entry(cast, unit=cast.team.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert cast.team not in list(response.context["form"].fields["unit"].queryset)
    nothing_saved(indicator)


@pytest.mark.django_db
def test_a_value_replaced_moves_the_goal_in_few_queries(
    client, cast, indicator, django_assert_max_num_queries
):
    goal = make_goal_measured_by(indicator, cast.school)
    client.force_login(cast.rektor)
    client.post(entry_url(cast.org, indicator), entry(cast, period="2024", value="60"))
    # The unit is read once; the goals measured with their parents and contributions; the
    # goal, its children and contributors in one query; the unit's progress with its goals;
    # writes to the goal, its link and its unit. (24 before.)
    with django_assert_max_num_queries(19):
        client.post(entry_url(cast.org, indicator), entry(cast, period="2024", value="55"))
    assert fresh(goal).progress == Decimal("25.0")
    assert fresh(cast.school).progress == Decimal("25.0")
