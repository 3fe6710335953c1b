"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

Each path builds a closed period with reports (Berga's a draft) and, where it needs one, a kept
document of the förvaltning's subtree. A document with drafts is read only by those who read
the drafts (an elected member gets 404); asking for a document needs `can_generate_reports`
for the unit (a teacher or a reader gets 403, a rektor for the förvaltning too).
"""

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.followup.models import Period, Report
from malbild.followup.tests.builders import closed_period, make_report, world
from malbild.reports.models import GeneratedReport
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
Status = GeneratedReport.Status


def _url(name: str, *args: Any) -> str:
    return reverse(f"reports:{name}", args=["mittkoping", *args])


def _period(c: Cast) -> Period:
    goals = world(c)
    period = closed_period(c.org, "Delår 1")
    make_report(period, goals["asen"], Report.State.READY)
    make_report(period, goals["berga"], Report.State.DRAFT)
    return period


def _document(c: Cast, status: str, *, with_drafts: bool) -> GeneratedReport:
    period = _period(c)
    with scope(c.org):
        document = GeneratedReport.objects.create(
            organisation=c.org, period=period, unit=c.root, language="sv",
            with_drafts=with_drafts, status=status, requested_by=c.admin,
        )  # fmt: skip
        if status == Status.DONE:
            for field, name, data in (
                (document.pdf_file, "reports/matrix.pdf", b"%PDF-1.7\n"),
                (document.xlsx_file, "reports/matrix.xlsx", b"PK\x03\x04"),
            ):
                field.name = default_storage.save(name, ContentFile(data))
            document.save()
    return document


def period_url(name: str) -> PathFn:
    return lambda client, c: _url(name, _period(c).pk)


def document_url(name: str, status: str = Status.DONE, *, with_drafts: bool = False) -> PathFn:
    return lambda client, c: _url(name, _document(c, status, with_drafts=with_drafts).pk)


def ask(unit: str) -> Callable[[Cast], dict[str, Any]]:
    return lambda c: {"unit": getattr(c, unit).pk, "language": "sv"}


CASES: dict[str, list[Case]] = {
    "reports:documents": [
        Case("get", period_url("documents"), LOGIN, 404, None, ("reader", 200)),
    ],
    "reports:request": [
        Case("post", period_url("request"), LOGIN, 404, ("teacher", 403), ("admin", 302),
             ask("root")),
        # A rektor asks for their own school's subtree, not for the förvaltning's.
        Case("post", period_url("request"), LOGIN, 404, ("rektor", 403), ("elected", 302),
             ask("root")),
        Case("post", period_url("request"), LOGIN, 404, ("reader", 403), ("rektor", 302),
             ask("school")),
    ],
    "reports:document": [
        Case("get", document_url("document"), LOGIN, 404, None, ("reader", 200)),
        Case("get", document_url("document", with_drafts=True), LOGIN, 404, ("elected", 404),
             ("admin", 200)),
    ],
    "reports:pdf": [
        Case("get", document_url("pdf"), LOGIN, 404, None, ("teacher", 200)),
        Case("get", document_url("pdf", with_drafts=True), LOGIN, 404, ("reader", 404),
             ("admin", 200)),
        Case("get", document_url("pdf", Status.RUNNING), LOGIN, 404, None, ("admin", 404)),
    ],
    "reports:xlsx": [
        Case("get", document_url("xlsx"), LOGIN, 404, None, ("elected", 200)),
        Case("get", document_url("xlsx", with_drafts=True), LOGIN, 404, ("elected", 404),
             ("admin", 200)),
    ],
    "reports:retry": [
        Case("post", document_url("retry", Status.FAILED), LOGIN, 404, ("reader", 403),
             ("admin", 302)),
    ],
}  # fmt: skip
