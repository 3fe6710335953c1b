"""The measurement table's keys (migration 0003): on PostgreSQL a measurement can point only at
an indicator and a unit of its own organisation; the database refuses anything else."""

import pytest
from django.db import IntegrityError, connection, transaction

from malbild.indicators.models import Measurement
from malbild.indicators.tests.builders import make_indicator, make_measurement
from malbild.tenants.scope import unscoped

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps plain foreign keys"
)


def write_checked(**fields: object) -> None:
    """Insert one measurement and check the keys at once, as a commit would (SQLite checks
    them row by row anyway)."""
    with transaction.atomic(), unscoped():
        Measurement.objects.create(period="2024", position=2024.0, value=1, **fields)
        connection.check_constraints()


@on_postgres
@pytest.mark.django_db
def test_a_measurement_cannot_point_at_another_organisations_indicator(cast):
    ekby_indicator = make_indicator(cast.ekby, "EKBY-1")
    with pytest.raises(IntegrityError):
        write_checked(organisation=cast.org, indicator=ekby_indicator, org_unit=cast.school)


@on_postgres
@pytest.mark.django_db
def test_a_measurement_cannot_point_at_another_organisations_unit(cast):
    indicator = make_indicator(cast.org)
    with pytest.raises(IntegrityError):
        write_checked(organisation=cast.org, indicator=indicator, org_unit=cast.ekby_school)


@pytest.mark.django_db
def test_a_measurement_of_its_own_organisation_is_written(cast):
    indicator = make_indicator(cast.org)
    write_checked(organisation=cast.org, indicator=indicator, org_unit=cast.school)
    make_measurement(indicator, cast.other_school, "2024", "2")
    with unscoped():
        assert Measurement.objects.filter(indicator=indicator).count() == 2
