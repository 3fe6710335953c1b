"""The measurement table's keys (migration 0003): the organisation column carries no database
constraint (an organisation with units, and so with measurements, cannot be deleted anyway:
its units protect it), while the indicator and unit keys still hold."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from malbild.indicators.models import Measurement
from malbild.indicators.tests.builders import make_indicator, make_measurement
from malbild.tenants.scope import unscoped


@pytest.mark.django_db
def test_an_organisation_with_measurements_cannot_be_deleted(cast):
    make_measurement(make_indicator(cast.org), cast.school, "2024", "1")
    with unscoped(), pytest.raises(ProtectedError):
        cast.org.delete()


def write_checked(**fields: object) -> None:
    """Insert one measurement and check its keys at once, as a commit would."""
    with transaction.atomic(), unscoped():
        Measurement.objects.create(period="2024", position=2024.0, value=1, **fields)
        connection.check_constraints()


@pytest.mark.django_db
def test_the_indicator_and_unit_keys_still_hold(cast):
    indicator = make_indicator(cast.org)
    with pytest.raises(IntegrityError):
        write_checked(organisation=cast.org, indicator_id=indicator.pk + 1000, org_unit=cast.school)
    with pytest.raises(IntegrityError):
        write_checked(organisation=cast.org, indicator=indicator, org_unit_id=cast.school.pk + 1000)
    write_checked(organisation=cast.org, indicator=indicator, org_unit=cast.school)
