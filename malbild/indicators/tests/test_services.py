from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from malbild.indicators import services
from malbild.indicators.tests.builders import make_indicator, measurements
from malbild.tenants.scope import scope


@pytest.mark.django_db
def test_a_measurement_for_another_organisations_unit_is_refused(cast):
    indicator = make_indicator(cast.org, "BEH-LAR")
    with scope(cast.org), pytest.raises(ValidationError) as refused:
        services.save_measurement(indicator, cast.ekby_school, None, period="2024", value="12")
    assert "unit" in refused.value.message_dict
    assert measurements(indicator) == []


@pytest.mark.django_db
def test_the_service_checks_every_field_itself(cast):
    indicator = make_indicator(cast.org, "BEH-LAR")
    with scope(cast.org), pytest.raises(ValidationError) as refused:
        services.save_measurement(
            indicator, cast.school, None, period="2024-03", gender="X", value="tolv"
        )
    assert set(refused.value.message_dict) == {"period", "gender", "value"}
    assert measurements(indicator) == []


@pytest.mark.django_db
def test_an_import_run_is_kept_with_the_value(cast):
    indicator = make_indicator(cast.org, "BEH-LAR")
    with scope(cast.org):
        services.save_measurement(
            indicator, cast.school, None, period="2024", value=Decimal("12.5"), import_run="42"
        )
    [saved] = measurements(indicator)
    assert (saved.value, saved.import_run) == (Decimal("12.5"), "42")


@pytest.mark.parametrize(
    ("value", "written"),
    [("12.5000", "12.5"), ("70.0000", "70"), ("-3.2500", "-3.25"), ("100", "100")],
)
def test_numbers_are_written_without_trailing_zeros(value, written):
    assert services.number(Decimal(value)) == written
