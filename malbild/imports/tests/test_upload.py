"""Uploading a file: the preview with every error, then importing it all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import audit_events
from malbild.imports import services
from malbild.imports.models import ImportRun
from malbild.imports.tests.builders import all_measurements, csv_bytes, indicators_for, runs
from malbild.lib.tests.htmx import htmx
from malbild.tenants.scope import scope


def upload(client, data: bytes, name: str = "matvarden.csv", org: str = "mittkoping"):
    return client.post(
        reverse("imports:upload", args=[org]), {"file": SimpleUploadedFile(name, data)}
    )


@pytest.mark.django_db
def test_the_admin_sees_a_preview_then_imports_the_file(client, cast):
    indicators_for(cast.org)
    client.force_login(cast.admin)
    response = upload(client, csv_bytes("ASEN;BEH-LAR;2024;T;61,5;", "BERGA;BEH-LAR;2024;T;58;"))
    run = runs(cast.org)[-1]
    assert response["Location"] == reverse("imports:run", args=["mittkoping", run.pk])
    assert run.state == ImportRun.State.CHECKED
    assert all_measurements() == []
    page = client.get(response["Location"])
    assert page.context["columns"] == [
        "enhet_kod",
        "indikator_kod",
        "period",
        "kön",
        "värde",
        "status",
    ]
    assert page.context["preview"][0] == ["ASEN", "BEH-LAR", "2024", "T", "61,5", ""]
    assert reverse("imports:commit", args=["mittkoping", run.pk]).encode() in page.content

    response = client.post(reverse("imports:commit", args=["mittkoping", run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    assert len(all_measurements()) == 2
    actions = [e.action for e in audit_events(organisation=cast.org, action__startswith="imports.")]
    assert sorted(actions) == ["imports.file_checked", "imports.measurements_imported"]
    assert not run.stored_file


@pytest.mark.django_db
def test_the_preview_lists_every_error_with_its_row_and_nothing_can_be_imported(client, cast):
    indicators_for(cast.org)
    client.force_login(cast.admin)
    response = upload(client, csv_bytes("ASEN;BEH-LAR;2024;T;61,5;", "NOPE;BEH-LAR;2024;T;x;"))
    run = runs(cast.org)[-1]
    assert run.state == ImportRun.State.REJECTED
    page = client.get(response["Location"])
    [(row, message)] = page.context["errors"].object_list
    assert row == 3
    assert "NOPE" in message
    assert "x" in message
    assert b'<th scope="row" class="number">3</th>' in page.content
    assert client.post(reverse("imports:commit", args=["mittkoping", run.pk])).status_code == 302
    assert all_measurements() == []


@pytest.mark.django_db
def test_a_file_too_large_is_refused_by_the_form(client, cast, settings):
    settings.IMPORT_MAX_MB = 1
    client.force_login(cast.admin)
    response = upload(client, b"x" * (1024 * 1024 + 1))
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert runs(cast.org) == []


@pytest.mark.django_db
def test_a_large_file_is_checked_and_imported_in_the_background(client, cast, monkeypatch):
    indicators_for(cast.org)
    monkeypatch.setattr(services, "BACKGROUND_BYTES", 10)
    monkeypatch.setattr("malbild.imports.views.BACKGROUND_ROWS", 1)
    client.force_login(cast.admin)
    upload(client, csv_bytes("ASEN;BEH-LAR;2024;T;1;", "ASEN;BEH-LAR;2025;T;2;"))
    run = runs(cast.org)[-1]
    assert run.state == ImportRun.State.CHECKED  # the immediate backend ran the task
    client.post(reverse("imports:commit", args=["mittkoping", run.pk]))
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    assert run.rows_done == 2


@pytest.mark.django_db
def test_the_progress_fragment_answers_htmx(client, cast):
    with scope(cast.org):
        run = ImportRun.objects.create(
            organisation=cast.org, kind="file", state="checking", rows_total=10, rows_done=5
        )
    client.force_login(cast.admin)
    response = client.get(
        reverse("imports:run", args=["mittkoping", run.pk]) + "?progress=1", **htmx()
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith('<div id="run-progress"')
    assert 'hx-trigger="every 2s"' in body
    assert "<h1" not in body


@pytest.mark.django_db
def test_a_unit_lead_sees_only_their_own_runs(client, cast):
    with scope(cast.org):
        mine = ImportRun.objects.create(organisation=cast.org, kind="file", started_by=cast.rektor)
        other = ImportRun.objects.create(organisation=cast.org, kind="file", started_by=cast.admin)
    client.force_login(cast.rektor)
    page = client.get(reverse("imports:overview", args=["mittkoping"]))
    assert [run.pk for run in page.context["page"].object_list] == [mine.pk]
    assert client.get(reverse("imports:run", args=["mittkoping", other.pk])).status_code == 404


@pytest.mark.django_db
def test_another_organisations_run_answers_404(client, cast):
    with scope(cast.ekby):
        run = ImportRun.objects.create(organisation=cast.ekby, kind="file")
    client.force_login(cast.admin)
    assert client.get(reverse("imports:run", args=["mittkoping", run.pk])).status_code == 404
    assert client.post(reverse("imports:commit", args=["mittkoping", run.pk])).status_code == 404


@pytest.mark.django_db
def test_the_list_of_runs_keeps_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    with scope(cast.org):
        for _i in range(60):
            ImportRun.objects.create(organisation=cast.org, kind="file", started_by=cast.admin)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("imports:overview", args=["mittkoping"]))
    assert len(page.context["page"].object_list) == 50
