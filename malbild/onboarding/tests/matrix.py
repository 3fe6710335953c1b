"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

No case asks Kolada: the municipality page is asked without a search, Mittköping's school units
are asked for with no municipality chosen (a redirect to choose one), saving units from Kolada
uses what the page sent, and the key figure linked is one whose figures Målbild holds."""

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import Cast
from malbild.imports.models import KoladaValue
from malbild.onboarding.models import FileBatch
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case, org_url


def batch(kind: str, rows: list[dict[str, Any]]) -> Any:
    def make(c: Cast) -> int:
        with scope(c.org):
            made = FileBatch.objects.create(
                organisation=c.org, kind=kind, state=FileBatch.State.CHECKED,
                delivery="email" if kind == FileBatch.Kind.PEOPLE else "", file_name="m.csv",
                created_by=c.admin, rows=rows,
            )  # fmt: skip
            return made.pk

    return make


unit_batch = batch(FileBatch.Kind.UNITS, [{"row": 2, "kod": "NY", "namn": "Ny", "typ": "skola"}])
people_batch = batch(
    FileBatch.Kind.PEOPLE,
    [{"row": 2, "namn": "Ny", "e-post": "ny@mittkoping.test", "roll": "lärare",
      "enhet_kod": "ASEN"}],
)  # fmt: skip


def units_file(c: Cast) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("e.csv", b"kod;namn;typ\nNY;Ny;skola\n")}


def people_file(c: Cast) -> dict[str, Any]:
    text = "namn;e-post;roll;enhet_kod\nNy;ny@mittkoping.test;lärare;ASEN\n"
    return {"file": SimpleUploadedFile("p.csv", text.encode()), "delivery": "email"}


def values(c: Cast) -> dict[str, Any]:
    return {
        "vision": "Vision", "mission": "Idé", "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "0", "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "20",
        "values-0-name": "Tillit", "values-0-description": "Vi litar på varandra.",
    }  # fmt: skip


def target(c: Cast) -> dict[str, Any]:
    return {"title": "Målbild", "statement": "Dit", "start_year": 2026, "end_year": 2029,
            "change_motive": "Därför", "if_nothing_changes": "Inget"}  # fmt: skip


def period(c: Cast) -> dict[str, Any]:
    return {"name": "Läsåret 2026/27", "starts_on": "2026-08-01", "ends_on": "2027-06-30",
            "deadline": "2027-08-31"}  # fmt: skip


def held_figure(c: Cast) -> dict[str, Any]:
    """A figure of N15505 that Målbild holds already: linking it needs no Kolada."""
    with scope(c.org):
        c.org.kolada_municipality_id = "2480"
        c.org.save()
        KoladaValue.objects.get_or_create(
            organisation=c.org, kpi="N15505", area="municipality", area_id="2480", year=2024,
            defaults={"value": Decimal("221.5"), "fetched_at": timezone.now()},
        )  # fmt: skip
    return {"kpis": ["N15505"]}


def kolada_unit(c: Cast) -> dict[str, Any]:
    with scope(c.org):
        c.org.kolada_municipality_id = "2480"
        c.org.save()
    return {"ou": ["V15E248000199"], "name-V15E248000199": "Nya skolan",
            "kind-V15E248000199": "skola"}  # fmt: skip


CASES: dict[str, list[Case]] = {
    "onboarding:checklist": [
        Case("get", org_url("onboarding:checklist"), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
    ],
    "onboarding:box": [
        Case("post", org_url("onboarding:box"), LOGIN, 404, ("elected", 403), ("admin", 302),
             lambda c: {"hide": "1"}),
    ],
    "onboarding:municipality": [
        Case("get", org_url("onboarding:municipality"), LOGIN, 404, ("teacher", 403),
             ("admin", 200)),
        Case("post", org_url("onboarding:municipality"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), lambda c: {"kolada_id": "2480"}),
    ],
    "onboarding:kolada_units": [
        Case("get", org_url("onboarding:kolada_units"), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
        Case("post", org_url("onboarding:kolada_units"), LOGIN, 404, ("teacher", 403),
             ("admin", 302), kolada_unit),
    ],
    "onboarding:unit_file": [
        Case("get", org_url("onboarding:unit_file"), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
        Case("post", org_url("onboarding:unit_file"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), units_file),
    ],
    "onboarding:unit_file_import": [
        Case("post", org_url("onboarding:unit_file_import", unit_batch), LOGIN, 404,
             ("rektor", 403), ("admin", 302)),
    ],
    "onboarding:people": [
        Case("get", org_url("onboarding:people"), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", org_url("onboarding:people"), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), people_file),
    ],
    "onboarding:people_import": [
        # The rektor sees only their own files: the admin's is not found for them.
        Case("post", org_url("onboarding:people_import", people_batch), LOGIN, 404,
             ("rektor", 404), ("admin", 302)),
    ],
    "onboarding:platform": [
        Case("get", org_url("onboarding:platform"), LOGIN, 404, ("elected", 403),
             ("admin", 200)),
        Case("post", org_url("onboarding:platform"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), values),
    ],
    "onboarding:target": [
        Case("get", org_url("onboarding:target"), LOGIN, 404, ("elected", 403),
             ("admin", 200)),
        Case("post", org_url("onboarding:target"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), target),
    ],
    "onboarding:indicators": [
        Case("get", org_url("onboarding:indicators"), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
        Case("post", org_url("onboarding:indicators"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), held_figure),
    ],
    "onboarding:period": [
        Case("get", org_url("onboarding:period"), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
        Case("post", org_url("onboarding:period"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), period),
    ],
}  # fmt: skip
