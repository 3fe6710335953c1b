"""The API's reads and writes, its tenancy, its errors and its paging (docs/api.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import audit_events
from malbild.api import tokens
from malbild.api.endpoints import api
from malbild.api.models import ApiToken
from malbild.api.tests.builders import BASE, call, fresh_activity, key, world
from malbild.imports.tests.builders import measurements_of
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db

ROW = {"indicator": "DIGKOMP", "unit": "ASEN", "period": "2025", "gender": "T", "value": 58.5}


def error_shape(response) -> dict:
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def test_the_openapi_document_is_public_and_documents_every_error():
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == 11
    for operation in operations:
        for status in ("401", "403", "404", "422", "429"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}
    assert api.docs_url is None


def test_a_missing_key_answers_401(client, cast):
    response = call(client, "get", f"{BASE}/units")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in error_shape(response)["detail"]


def test_an_unknown_key_answers_401(client, cast):
    assert call(client, "get", f"{BASE}/units", "mb_notakey").status_code == 401
    assert call(client, "get", f"{BASE}/units", "something").status_code == 401


def test_a_revoked_key_answers_401(client, cast):
    secret = key(cast, "admin")
    assert call(client, "get", f"{BASE}/units", secret).status_code == 200
    with scope(cast.org):
        tokens.revoke(ApiToken.objects.get(), None)
    response = call(client, "get", f"{BASE}/units", secret)
    assert response.status_code == 401
    error_shape(response)


def test_a_key_of_a_deactivated_person_answers_401(client, cast):
    secret = key(cast, "admin")
    cast.admin.is_active = False
    cast.admin.save()
    assert call(client, "get", f"{BASE}/units", secret).status_code == 401


def test_a_key_of_another_organisation_answers_404(client, cast):
    ekby = key(cast, "ekby_admin", org=cast.ekby)
    response = call(client, "get", f"{BASE}/units", ekby)
    assert response.status_code == 404
    error_shape(response)
    mittkoping = key(cast, "admin")
    assert call(client, "get", "/api/v1/o/ekby/units", mittkoping).status_code == 404
    assert call(client, "get", "/api/v1/o/finns-inte/units", mittkoping).status_code == 404


def test_a_person_without_a_role_any_more_gets_404(client, cast):
    secret = key(cast, "reader")
    with scope(cast.org):
        cast.reader.memberships.all().delete() if hasattr(cast.reader, "memberships") else None
        from malbild.tenants.models import Membership

        Membership.objects.filter(user=cast.reader).delete()
    assert call(client, "get", f"{BASE}/units", secret).status_code == 404


def test_the_key_records_when_it_was_last_used(client, cast):
    secret = key(cast, "reader")
    call(client, "get", f"{BASE}/units", secret)
    with scope(cast.org):
        used = ApiToken.objects.get().last_used_at
    assert used is not None
    assert timezone.now() - used < timedelta(minutes=1)


def test_every_list_reads_with_a_key(client, cast):
    data = world(cast)
    secret = key(cast, "admin")
    counts = {}
    for name in ("units", "goals", "indicators", "measurements", "activities", "reports",
                 "announcements"):  # fmt: skip
        response = call(client, "get", f"{BASE}/{name}", secret)
        assert response.status_code == 200, (name, response.content)
        counts[name] = response.json()["count"]
    assert counts == {"units": 5, "goals": 3, "indicators": 1, "measurements": 2,
                      "activities": 1, "reports": 2, "announcements": 1}  # fmt: skip
    activity = call(client, "get", f"{BASE}/activities", secret).json()["results"][0]
    assert activity["goal_ids"] == [data["goals"]["asen"].pk]
    platform = call(client, "get", f"{BASE}/platform", secret)
    assert platform.status_code == 200
    assert platform.json()["vision"]
    vision = call(client, "get", f"{BASE}/target-vision", secret)
    assert vision.status_code == 200
    assert len(vision.json()["focus_areas"]) == 4


def test_no_platform_or_målbild_yet_answers_404(client, cast):
    secret = key(cast, "reader")
    assert call(client, "get", f"{BASE}/platform", secret).status_code == 404
    assert call(client, "get", f"{BASE}/target-vision", secret).status_code == 404


def test_a_draft_report_is_read_only_inside_its_subtree(client, cast):
    data = world(cast)
    rektor = call(client, "get", f"{BASE}/reports", key(cast, "rektor")).json()
    assert {r["id"] for r in rektor["results"]} == {data["draft"].pk, data["ready"].pk}
    elected = call(client, "get", f"{BASE}/reports", key(cast, "elected")).json()
    assert [r["id"] for r in elected["results"]] == [data["ready"].pk]


def test_measurements_filter_by_indicator_unit_and_period(client, cast):
    world(cast)
    secret = key(cast, "reader")
    found = call(client, "get", f"{BASE}/measurements", secret, unit="asen", period="2024")
    assert [(m["unit"], m["value"]) for m in found.json()["results"]] == [("ASEN", 55.0)]
    none = call(client, "get", f"{BASE}/measurements", secret, indicator="OKAND")
    assert none.json()["count"] == 0


def test_lists_page_with_a_next_address_and_past_the_end_an_empty_page(client, cast):
    secret = key(cast, "reader")
    first = call(client, "get", f"{BASE}/units", secret, limit=2).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"] == f"http://testserver{BASE}/units?limit=2&offset=2"
    last = call(client, "get", f"{BASE}/units", secret, limit=2, offset=4).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    past = call(client, "get", f"{BASE}/units", secret, limit=2, offset=50)
    assert past.status_code == 200
    assert past.json() == {"count": 5, "limit": 2, "offset": 50, "next": None, "results": []}


def test_a_bad_paging_parameter_is_a_422_in_the_shared_shape(client, cast):
    response = call(client, "get", f"{BASE}/units", key(cast, "reader"), limit=0)
    assert response.status_code == 422
    body = error_shape(response)
    assert body["errors"][0]["loc"] == ["query", "limit"]


# Writing measurements -----------------------------------------------------------------------------


def test_a_bulk_write_adds_and_replaces_in_one_audited_run(client, cast):
    world(cast)
    rows = [{**ROW, "period": "2024", "value": 57}, ROW, {**ROW, "gender": "K", "value": 60}]
    response = call(client, "post", f"{BASE}/measurements", key(cast, "admin", "write"),
                    measurements=rows)  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["replaced"]) == (2, 1)
    values = {(m.org_unit.code, m.period, m.gender): m.value for m in measurements_of(cast.org)}
    assert values[("ASEN", "2024", "T")] == 57
    assert values[("ASEN", "2025", "K")] == 60
    [event] = audit_events(action="api.measurements_written")
    assert event.actor == cast.admin
    assert event.target_id == str(body["import_run"])


def test_one_bad_row_writes_nothing_and_names_the_row(client, cast):
    world(cast)
    before = [(m.pk, m.value) for m in measurements_of(cast.org)]
    rows = [ROW, {**ROW, "unit": "BERGA"}, {**ROW, "unit": "NOPE"}, {**ROW, "gender": "K"}]
    response = call(client, "post", f"{BASE}/measurements", key(cast, "admin", "write"),
                    measurements=rows)  # fmt: skip
    assert response.status_code == 422
    body = error_shape(response)
    assert body["detail"] == "Row 2 has an error; nothing was written."
    assert body["errors"] == [{
        "loc": ["body", "measurements", 2], "row": 2,
        "msg": "There is no unit with the code “NOPE” in Mittköping.",
    }]  # fmt: skip
    assert [(m.pk, m.value) for m in measurements_of(cast.org)] == before
    assert audit_events(action="api.measurements_written") == []


def test_the_same_key_twice_and_a_missing_value_are_row_errors(client, cast):
    world(cast)
    rows = [ROW, ROW, {**ROW, "gender": "M", "value": None}]
    response = call(client, "post", f"{BASE}/measurements", key(cast, "admin", "write"),
                    measurements=rows)  # fmt: skip
    body = error_shape(response)
    assert [e["row"] for e in body["errors"]] == [1, 2]
    assert body["detail"].startswith("2 rows have errors, the first is row 1")


def test_a_row_with_a_malformed_field_is_named_too(client, cast):
    world(cast)
    rows = [ROW, {**ROW, "gender": "X"}]
    response = call(client, "post", f"{BASE}/measurements", key(cast, "admin", "write"),
                    measurements=rows)  # fmt: skip
    assert response.status_code == 422
    [error] = error_shape(response)["errors"]
    assert (error["loc"], error["row"]) == (["body", "measurements", 1, "gender"], 1)


def test_a_unit_lead_writes_only_inside_the_subtree(client, cast):
    world(cast)
    secret = key(cast, "rektor", "write")
    ok = call(client, "post", f"{BASE}/measurements", secret, measurements=[ROW])
    assert ok.status_code == 200
    outside = call(client, "post", f"{BASE}/measurements", secret,
                   measurements=[{**ROW, "unit": "BERGA"}])  # fmt: skip
    assert outside.status_code == 422
    assert "outside it" in outside.json()["errors"][0]["msg"]


def test_a_read_only_key_may_not_write(client, cast):
    world(cast)
    response = call(client, "post", f"{BASE}/measurements", key(cast, "admin"), measurements=[ROW])
    assert response.status_code == 403
    assert "only read" in error_shape(response)["detail"]
    assert len(measurements_of(cast.org)) == 2


def test_a_write_key_of_a_role_without_the_capability_gets_403(client, cast):
    world(cast)
    response = call(client, "post", f"{BASE}/measurements", key(cast, "teacher", "write"),
                    measurements=[ROW])  # fmt: skip
    assert response.status_code == 403
    assert "may do this" in error_shape(response)["detail"]


def test_a_write_to_another_organisation_answers_404(client, cast):
    world(cast)
    response = call(client, "post", "/api/v1/o/ekby/measurements", key(cast, "admin", "write"),
                    measurements=[ROW])  # fmt: skip
    assert response.status_code == 404
    assert len(measurements_of(cast.org)) == 2


def test_a_body_that_is_not_json_is_a_422(client, cast):
    response = client.post(
        f"{BASE}/measurements", "{nope", content_type="application/json",
        headers={"Authorization": f"Bearer {key(cast, 'admin', 'write')}"},
    )  # fmt: skip
    assert response.status_code == 422
    error_shape(response)


# Writing an activity's status -----------------------------------------------------------------


def status_url(activity) -> str:
    return f"{BASE}/activities/{activity.pk}/status"


def test_the_responsible_person_updates_the_status(client, cast):
    activity = world(cast)["activity"]
    response = call(client, "patch", status_url(activity), key(cast, "teacher", "write"),
                    status="in_progress", progress=40, comment="Halvvägs")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["progress"] == 40
    saved = fresh_activity(activity)
    assert (saved.status, saved.progress) == ("in_progress", 40)
    [event] = audit_events(action="plans.status_updated")
    assert event.actor == cast.teacher


def test_a_status_that_contradicts_the_progress_is_a_422(client, cast):
    activity = world(cast)["activity"]
    response = call(client, "patch", status_url(activity), key(cast, "rektor", "write"),
                    status="not_started", progress=30)  # fmt: skip
    assert response.status_code == 422
    assert error_shape(response)["errors"][0]["loc"] == ["body", "progress"]
    assert fresh_activity(activity).progress == 0


def test_a_reader_may_not_update_a_status(client, cast):
    activity = world(cast)["activity"]
    response = call(client, "patch", status_url(activity), key(cast, "reader", "write"),
                    status="in_progress", progress=10)  # fmt: skip
    assert response.status_code == 403
    assert fresh_activity(activity).status == "not_started"


def test_another_organisations_activity_answers_404(client, cast):
    activity = world(cast)["activity"]
    secret = key(cast, "ekby_admin", "write", org=cast.ekby)
    response = call(client, "patch", f"/api/v1/o/ekby/activities/{activity.pk}/status", secret,
                    status="in_progress", progress=10)  # fmt: skip
    assert response.status_code == 404
    assert fresh_activity(activity).status == "not_started"


# Rate limits -------------------------------------------------------------------------------------


def test_a_key_over_its_limit_gets_429_with_retry_after(client, cast, settings):
    settings.API_RATE_LIMIT = 2
    secret = key(cast, "reader")
    assert [call(client, "get", f"{BASE}/units", secret).status_code for _ in range(2)] == [200] * 2
    response = call(client, "get", f"{BASE}/units", secret)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in error_shape(response)["detail"]
    # Another key has its own count.
    assert call(client, "get", f"{BASE}/units", key(cast, "admin")).status_code == 200


def test_guessing_keys_from_one_address_is_limited_too(client, cast, settings):
    settings.API_ANONYMOUS_RATE_LIMIT = 3
    answers = [call(client, "get", f"{BASE}/units", f"mb_guess{i}").status_code for i in range(4)]
    assert answers == [401, 401, 401, 429]


# Queries ---------------------------------------------------------------------------------------


LISTS = ("units", "goals", "indicators", "measurements", "activities", "reports", "announcements")


def queries_per_list(client, secret: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert call(client, "get", f"{BASE}/{name}", secret).status_code == 200
        counts[name] = len(queries)
    return counts


def test_a_page_costs_the_same_queries_however_many_rows(client, cast):
    from malbild.goals.tests.builders import make_indicator, measure
    from malbild.plans.tests.builders import make_activity

    data = world(cast)
    secret = key(cast, "rektor")
    call(client, "get", f"{BASE}/units", secret)  # the key's first use writes last_used_at
    few = queries_per_list(client, secret)
    for i in range(3):
        indicator = make_indicator(cast.org, f"EXTRA-{i}")
        measure(indicator, cast.team, "2024", "10")
        make_activity(cast.org, cast.team, f"Aktivitet {i}", goals=(data["goals"]["asen"],))
    assert queries_per_list(client, secret) == few
    assert max(few.values()) <= 15  # DESIGN.md §6, as for a page


def test_a_value_may_be_text_as_in_a_file_and_is_checked_the_same_way(client, cast):
    world(cast)
    rows = [{**ROW, "value": "72,5"}, {**ROW, "gender": "K", "value": "=A1"}]
    secret = key(cast, "admin", "write")
    response = call(client, "post", f"{BASE}/measurements", secret, measurements=rows)
    assert error_shape(response)["errors"] == [{
        "loc": ["body", "measurements", 1], "row": 1,
        "msg": "“=A1” is a formula; write the number itself.",
    }]  # fmt: skip
    response = call(client, "post", f"{BASE}/measurements", secret, measurements=rows[:1])
    assert response.status_code == 200
    assert {m.value for m in measurements_of(cast.org) if m.period == "2025"} == {Decimal("72.5")}
