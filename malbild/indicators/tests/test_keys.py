"""The measurement table's keys (migrations 0003 and 0004): the organisation column carries no
database constraint (an organisation with units, and so with measurements, cannot be deleted
anyway: its units protect it), while the indicator and unit keys hold on both databases; on
PostgreSQL they are checked per statement by triggers, which also refuse an indicator or a unit
of another organisation, and lock what they found as a foreign key would."""

import threading
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from malbild.imports.measurements import Row, _upsert_postgres, bulk_writing, upsert
from malbild.indicators.models import Indicator, Measurement
from malbild.indicators.tests.builders import make_indicator, make_measurement
from malbild.tenants.scope import scope, unscoped

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the key triggers are PostgreSQL's"
)


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


def upsert_checked(organisation_id: int, rows: list[Row]) -> None:
    """The importer's bulk write, its keys checked at once, as a commit would."""
    with transaction.atomic():
        upsert(organisation_id, rows, "1")
        connection.check_constraints()


@pytest.mark.django_db
def test_a_bulk_write_with_a_missing_unit_is_refused_whole(cast):
    indicator = make_indicator(cast.org)
    rows: list[Row] = [
        (indicator.pk, cast.school.pk, "2023", 2023.0, "T", Decimal(1), ""),
        (indicator.pk, cast.school.pk + 1000, "2024", 2024.0, "T", Decimal(2), ""),
    ]
    with pytest.raises(IntegrityError):
        upsert_checked(cast.org.pk, rows)
    with scope(cast.org):
        assert not Measurement.objects.exists()


@postgres_only
@pytest.mark.django_db
def test_postgresql_checks_the_keys_by_triggers_not_foreign_keys():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'indicators_measurement'::regclass "
            "AND contype = 'f'"
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
            "('indicators_measurement'::regclass, 'indicators_indicator'::regclass, "
            "'tenants_orgunit'::regclass) ORDER BY tgname"
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "indicators_indicator_keep_key",
            "indicators_indicator_keep_measurements",
            "indicators_measurement_keys_insert",
            "indicators_measurement_keys_update",
            "tenants_orgunit_keep_key",
            "tenants_orgunit_keep_measurements",
        ]


@postgres_only
@pytest.mark.django_db
def test_an_indicator_or_unit_of_another_organisation_is_refused(cast):
    ours, theirs = make_indicator(cast.org), make_indicator(cast.ekby, "EKBY")
    with pytest.raises(IntegrityError, match="indicator is missing or of another organisation"):
        write_checked(organisation=cast.org, indicator=theirs, org_unit=cast.school)
    with pytest.raises(IntegrityError, match="unit is missing or of another organisation"):
        write_checked(organisation=cast.org, indicator=ours, org_unit=cast.ekby_school)
    measurement = make_measurement(ours, cast.school, "2024", "1")
    with pytest.raises(IntegrityError), transaction.atomic(), unscoped():
        Measurement.objects.filter(pk=measurement.pk).update(org_unit=cast.ekby_school)


@postgres_only
@pytest.mark.django_db
def test_what_measurements_point_at_is_neither_deleted_nor_moved(cast):
    indicator = make_indicator(cast.org)
    make_measurement(indicator, cast.school, "2024", "1")
    for statement, key in [
        ("DELETE FROM indicators_indicator WHERE id = %s", indicator.pk),
        ("DELETE FROM tenants_orgunit WHERE id = %s", cast.school.pk),
        ("UPDATE indicators_indicator SET organisation_id = %s WHERE id = %s", indicator.pk),
        ("UPDATE tenants_orgunit SET organisation_id = %s WHERE id = %s", cast.school.pk),
    ]:
        params = [key] if statement.startswith("DELETE") else [cast.ekby.pk, key]
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    with scope(cast.org):
        indicator.delete()  # Django's collector takes the measurements first
        assert not Measurement.objects.exists()


@postgres_only
@pytest.mark.django_db
def test_a_value_written_meanwhile_turns_a_fresh_copy_into_an_upsert(cast):
    indicator = make_indicator(cast.org)
    make_measurement(indicator, cast.school, "2024", "1")
    rows: list[Row] = [
        (indicator.pk, cast.school.pk, "2023", 2023.0, "T", Decimal(5), ""),
        (indicator.pk, cast.school.pk, "2024", 2024.0, "T", Decimal(7), ""),
    ]
    with transaction.atomic(), bulk_writing() as cursor:
        _upsert_postgres(cursor, cast.org.pk, rows, "9", timezone.now(), fresh=True)
    with scope(cast.org):
        assert dict(Measurement.objects.values_list("period", "value")) == {
            "2023": Decimal(5),
            "2024": Decimal(7),
        }


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_written_key_is_locked_until_the_writer_commits(cast):
    """The trigger locks the indicator FOR KEY SHARE, as a foreign key would: a delete in
    another connection waits for the writing transaction, and once that has committed, finds
    the measurement and is refused."""
    indicator = make_indicator(cast.org)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    outcome: list[str] = []

    def delete_elsewhere(wait: str) -> None:
        with psycopg.connect(**params) as other:
            other.execute(f"SET lock_timeout = '{wait}'")
            try:
                other.execute("DELETE FROM indicators_indicator WHERE id = %s", [indicator.pk])
            except psycopg.errors.LockNotAvailable:
                outcome.append("waited")
            except psycopg.errors.ForeignKeyViolation:
                outcome.append("refused")
            else:
                outcome.append("deleted")

    with transaction.atomic():
        make_measurement(indicator, cast.school, "2024", "1")
        waiting = threading.Thread(target=delete_elsewhere, args=["300ms"])
        waiting.start()
        waiting.join()
    after = threading.Thread(target=delete_elsewhere, args=["5s"])
    after.start()
    after.join()
    assert outcome == ["waited", "refused"]
    with scope(cast.org):
        assert Indicator.objects.filter(pk=indicator.pk).exists()
