"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The Kolada pages that would search Kolada are asked without a search, so the matrix never
needs the network; the POST cases that would ask Kolada take the paths that do not."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import Cast
from malbild.imports.models import ImportRun, PeerGroup
from malbild.indicators.tests.matrix import indicator
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case, org_url


def run(c: Cast) -> int:
    with scope(c.org):
        found, _created = ImportRun.objects.get_or_create(
            organisation=c.org, kind="file", file_name="matrix.csv",
            defaults={"state": ImportRun.State.REJECTED, "started_by": c.admin},
        )  # fmt: skip
        return found.pk


def group(c: Cast) -> int:
    with scope(c.org):
        found, _created = PeerGroup.objects.get_or_create(
            organisation=c.org, name="Matrisgruppen", defaults={"members": [{"id": "2401"}]}
        )
        return found.pk


def school(c: Cast) -> int:
    return c.school.pk


def a_file(c: Cast) -> dict[str, Any]:
    indicator(c)
    return {
        "file": SimpleUploadedFile(
            "m.csv", b"enhet_kod;indikator_kod;period;v\xc3\xa4rde\nASEN;BEH-LAR;2024;61\n"
        )
    }


CASES: dict[str, list[Case]] = {
    "imports:overview": [
        Case("get", org_url("imports:overview"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
    ],
    "imports:upload": [
        Case("get", org_url("imports:upload"), LOGIN, 404, ("elected", 403), ("admin", 200)),
        Case("post", org_url("imports:upload"), LOGIN, 404, ("teacher", 403), ("admin", 302),
             a_file),
    ],
    "imports:run": [
        Case("get", org_url("imports:run", run), LOGIN, 404, ("reader", 403), ("admin", 200)),
    ],
    "imports:commit": [
        # The run has errors: the admin is sent back to it and nothing is written (the import
        # itself, and its audit event, are in test_upload.py).
        Case("post", org_url("imports:commit", run), LOGIN, 404, ("teacher", 403), ("admin", 302),
             writes=False),
    ],
    "imports:export": [
        Case("get", org_url("imports:export"), LOGIN, 404, None, ("reader", 200)),
    ],
    "imports:kolada": [
        Case("get", org_url("imports:kolada"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
    ],
    "imports:kolada_municipality": [
        Case("post", org_url("imports:kolada_municipality"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), lambda c: {"kolada_id": "2480"}),
    ],
    "imports:kolada_units": [
        Case("get", org_url("imports:kolada_units"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
    ],
    "imports:kolada_unit": [
        Case("post", org_url("imports:kolada_unit", school), LOGIN, 404, ("rektor", 403),
             ("admin", 302), lambda c: {"kolada_id": "V15E248000101"}),
    ],
    "imports:kolada_refresh": [
        # No municipality chosen: the run fails at once, with its audit event, and no network.
        Case("post", org_url("imports:kolada_refresh"), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "imports:group_add": [
        Case("post", org_url("imports:group_add"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {"name": "Grannar", "members": "2401, 2402"}),
    ],
    "imports:group_remove": [
        Case("post", org_url("imports:group_remove", group), LOGIN, 404, ("elected", 403),
             ("admin", 302)),
    ],
    "imports:kolada_link": [
        Case("get", org_url("imports:kolada_link", indicator), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
        Case("post", org_url("imports:kolada_link", indicator), LOGIN, 404, ("rektor", 403),
             ("admin", 302), lambda c: {"kpi": "N15419"}),
    ],
    "imports:compare": [
        Case("get", org_url("imports:compare", indicator), LOGIN, 404, None, ("reader", 200)),
    ],
}  # fmt: skip
