"""Units from a file: the preview with every row error, then all or nothing."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from conftest import audit_events
from malbild.onboarding import services, unitfile
from malbild.onboarding.models import FileBatch
from malbild.onboarding.tests.conftest import url
from malbild.tenants.models import OrgUnit
from malbild.tenants.scope import scope

HEADER = "kod;namn;typ;överordnad_kod\n"


def upload(client, text: str | bytes, name: str = "enheter.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(url("onboarding:unit_file"), {"file": SimpleUploadedFile(name, data)})


def latest(org) -> FileBatch:
    with scope(org):
        batch = FileBatch.objects.order_by("-id").first()
    assert batch is not None
    return batch


def tree(org) -> dict[str, OrgUnit]:
    with scope(org):
        return {u.code: u for u in OrgUnit.objects.select_related("parent")}


@pytest.mark.django_db
def test_a_parent_further_down_the_file_works_and_everything_lands_at_once(client, fresh):
    client.force_login(fresh.admin)
    rows = (
        HEADER
        + "ASEN;Åsens skola;skola;NORR\n"  # its area comes two rows later
        + "F3;Arbetslag F-3;arbetslag;ASEN\n"
        + "NORR;Norra området;område;\n"
        + "SOL;Solens förskola;förskola;NORR\n"
    )
    response = upload(client, rows)
    assert response.status_code == 302
    batch = latest(fresh.org)
    assert batch.state == FileBatch.State.CHECKED, batch.errors
    assert batch.counts == {
        "new": 4,
        "present": 0,
        "kinds": {"skola": 1, "arbetslag": 1, "omrade": 1, "forskola": 1},
    }
    page = client.get(url("onboarding:unit_file")).content.decode()
    assert "No errors: 4 units will be created." in page
    assert tree(fresh.org).keys() == {"ROOT"}  # nothing until the import
    response = client.post(url("onboarding:unit_file_import", "alvsta", batch.pk))
    assert response["Location"].endswith("/kom-igang/#units")
    found = tree(fresh.org)
    assert found["NORR"].parent_id == fresh.top.pk
    assert found["ASEN"].parent_id == found["NORR"].pk
    assert found["F3"].parent_id == found["ASEN"].pk
    assert (
        found["F3"].path
        == f"{fresh.top.path}{found['NORR'].pk}/{found['ASEN'].pk}/{found['F3'].pk}/"
    )
    assert found["F3"].depth == 3
    assert found["SOL"].kind == OrgUnit.Kind.PRESCHOOL
    (event,) = audit_events(action="tenants.units_created")
    assert event.target_id == str(batch.pk)
    assert event.after["count"] == 4
    batch.refresh_from_db()
    assert batch.state == FileBatch.State.DONE
    assert batch.rows == []


@pytest.mark.django_db
def test_a_code_twice_is_an_error_and_nothing_is_made(client, fresh):
    client.force_login(fresh.admin)
    upload(client, HEADER + "ASEN;Åsens skola;skola;\nasen;Åsen igen;skola;\nB;Berga;skola;\n")
    batch = latest(fresh.org)
    assert batch.state == FileBatch.State.REJECTED
    assert batch.errors == [[3, "The code asen appears also on row 2; each unit has its own code."]]
    assert batch.rows == []
    page = client.get(url("onboarding:unit_file")).content.decode()
    assert "1 error: nothing has been imported" in page
    response = client.post(url("onboarding:unit_file_import", "alvsta", batch.pk))
    assert tree(fresh.org).keys() == {"ROOT"}
    assert response.status_code == 302


@pytest.mark.django_db
def test_every_kind_of_row_error_is_named_with_its_row(client, fresh):
    client.force_login(fresh.admin)
    rows = (
        HEADER
        + ";Utan kod;skola;\n"  # 2
        + "A B;Mellanslag;skola;\n"  # 3
        + "C;;skola;\n"  # 4
        + "D;Dalens skola;gymnasiet;\n"  # 5: unknown kind
        + "E;Ek;skola;SAKNAS\n"  # 6: unknown parent
        + "F;Fors;skola;G\n"  # 7: F and G are each other's parents
        + "G;Gran;skola;F\n"  # 8
        + "H;Hagen;skola;\n"  # 9
        + "I;Hagen;skola;\n"  # 10: the same name in the same place
        + "J;Jul;skola;J\n"  # 11
        + "K;Kvarn;arbetslag;C\n"  # 12: under a row that has an error
    )
    upload(client, rows)
    errors = dict(latest(fresh.org).errors)
    assert errors[2] == "The code is missing."
    assert errors[3].startswith("The code “A B” may have at most 40 letters")
    assert errors[4] == "The name is missing."
    assert errors[5].startswith("The kind “gymnasiet” is unknown")
    assert errors[6] == "There is no unit with the code SAKNAS, neither in the file nor in Målbild."
    assert errors[7] == "The unit F lies under itself through the parent codes of the file."
    assert errors[8] == "The unit G lies under itself through the parent codes of the file."
    assert errors[10] == "Row 9 has a unit of the same name, “Hagen”, in the same place."
    assert errors[11] == "A unit cannot be its own parent."
    assert errors[12] == "The unit above it, C, cannot be added (row 4)."
    assert 9 not in errors
    assert tree(fresh.org).keys() == {"ROOT"}


@pytest.mark.django_db
def test_a_code_already_in_malbild_with_its_name_is_left_and_may_be_a_parent(client, fresh):
    client.force_login(fresh.admin)
    upload(client, HEADER + "NORR;Norra området;område;\n")
    client.post(url("onboarding:unit_file_import", "alvsta", latest(fresh.org).pk))
    upload(client, HEADER + "NORR;Norra området;område;\nASEN;Åsens skola;skola;NORR\n")
    batch = latest(fresh.org)
    assert batch.counts["new"] == 1
    assert batch.counts["present"] == 1
    client.post(url("onboarding:unit_file_import", "alvsta", batch.pk))
    found = tree(fresh.org)
    assert found["ASEN"].parent_id == found["NORR"].pk
    upload(client, HEADER + "NORR;Södra området;område;\n")
    assert latest(fresh.org).errors == [
        [2, "The code NORR already belongs to the unit Norra området in Målbild; give this unit "
            "another code."]
    ]  # fmt: skip


@pytest.mark.django_db
def test_an_excel_file_works_like_a_csv_file(client, fresh):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kod", "Namn", "Typ", "Överordnad kod", "Kolada_id"])
    sheet.append(["CENT", "Centralskolan", "grundskola", None, "V15E249000101"])
    sheet.append(["CENT-79", "Arbetslag 7–9", "arbetslag", "CENT", None])
    out = io.BytesIO()
    book.save(out)
    client.force_login(fresh.admin)
    upload(client, out.getvalue(), "enheter.xlsx")
    batch = latest(fresh.org)
    assert batch.state == FileBatch.State.CHECKED, batch.errors
    client.post(url("onboarding:unit_file_import", "alvsta", batch.pk))
    found = tree(fresh.org)
    assert found["CENT"].kolada_ou_id == "V15E249000101"
    assert found["CENT-79"].parent_id == found["CENT"].pk


@pytest.mark.django_db
def test_a_file_that_is_no_units_file_is_refused_whole(client, fresh):
    client.force_login(fresh.admin)
    upload(client, "enhet_kod;indikator_kod;period;värde\nA;B;2024;1\n")
    batch = latest(fresh.org)
    assert batch.state == FileBatch.State.REJECTED
    assert batch.message.startswith("The first row must name the columns kod; namn; typ")
    response = upload(client, b"PK\x03\x04 not really", "enheter.pdf")
    assert response.status_code == 400
    assert "Choose a CSV file (.csv) or an Excel file (.xlsx)" in response.content.decode()


@pytest.mark.django_db
def test_a_file_checked_before_a_change_is_checked_again_at_the_import(client, fresh):
    client.force_login(fresh.admin)
    upload(client, HEADER + "ASEN;Åsens skola;skola;\n")
    batch = latest(fresh.org)
    with scope(fresh.org):  # meanwhile someone makes a unit with that code by hand
        from malbild.tenants import services as tenant_services

        tenant_services.create_unit(fresh.org, fresh.top, name="Åsen", kind="skola", code="ASEN")
    client.post(url("onboarding:unit_file_import", "alvsta", batch.pk))
    batch.refresh_from_db()
    assert batch.state == FileBatch.State.REJECTED
    assert "already belongs to the unit Åsen" in batch.errors[0][1]
    assert len(tree(fresh.org)) == 2
    assert audit_events(action="onboarding.import_failed")


@pytest.mark.django_db
def test_5000_units_are_checked_and_made_in_a_handful_of_statements(client, fresh):
    """Ten areas with 500 schools each, listed children first. Timing is the benchmark's
    business (docs/getting-started.md gives a figure); here the statements are counted."""
    lines = [HEADER]
    for area in range(10):
        for school in range(499):
            lines.append(f"S{area}-{school};Skola {school};skola;A{area}\n")
    for area in range(10):
        lines.append(f"A{area};Område {area};område;\n")
    client.force_login(fresh.admin)
    started = time.perf_counter()
    upload(client, "".join(lines))
    batch = latest(fresh.org)
    assert batch.state == FileBatch.State.CHECKED, batch.errors[:3]
    assert batch.counts["new"] == 5000
    with CaptureQueriesContext(connection) as queries:
        client.post(url("onboarding:unit_file_import", "alvsta", batch.pk))
    elapsed = time.perf_counter() - started
    # Rows go in batches (SQLite takes 999 parameters in a statement: about 80 units each).
    assert len(queries) < 5000 / 50, len(queries)
    with scope(fresh.org):
        assert OrgUnit.objects.count() == 5001
        last = OrgUnit.objects.get(code="S7-498")
        assert last.path == f"{fresh.top.path}{last.parent_id}/{last.pk}/"
        assert not OrgUnit.objects.filter(path="").exists()
    print(f"5000 units checked and imported in {elapsed:.2f} s")


@pytest.mark.django_db
def test_a_unit_lead_may_not_read_a_units_file(client, cast):
    client.force_login(cast.rektor)
    response = client.post(
        url("onboarding:unit_file", "mittkoping"),
        {"file": SimpleUploadedFile("e.csv", (HEADER + "X;X;skola;\n").encode())},
    )
    assert response.status_code == 403


def test_the_parent_chain_of_thousands_needs_no_recursion():
    rows = {
        f"u{i}": {"parent_code": f"u{i + 1}" if i < 4999 else "", "row": i} for i in range(5000)
    }
    depths = unitfile._depths(rows, {}, None)
    assert depths["u4999"] == 0
    assert depths["u0"] == 4999


def test_services_refuse_a_batch_that_is_not_checked(db):
    batch = FileBatch(kind=FileBatch.Kind.UNITS, state=FileBatch.State.REJECTED)
    with pytest.raises(Exception, match="Only a checked file"):
        services._require_checked(batch, FileBatch.Kind.UNITS)
