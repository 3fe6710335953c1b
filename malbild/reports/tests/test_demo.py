"""Mittköping's demo holds a generated follow-up document of its finished period, as PDF and
Excel, which the load asks the worker for once the demo is committed; loading again changes
nothing."""

import pytest

from malbild.demo import content
from malbild.reports.models import GeneratedReport
from malbild.reports.tests.builders import pdf_text
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope


@pytest.fixture
def mittkoping(demo):
    organisation = Organisation.objects.get(slug="mittkoping")
    with scope(organisation):
        yield organisation


def test_the_demo_keeps_a_pdf_and_an_excel_file_of_the_finished_period(
    mittkoping, django_capture_on_commit_callbacks
):
    (queued,) = GeneratedReport.objects.all()
    assert queued.status == GeneratedReport.Status.QUEUED  # the load renders nothing itself
    queued.delete()
    # As `make demo` commits the load: the task goes to the worker (here it runs at once).
    with django_capture_on_commit_callbacks(execute=True):
        content.load()
    (document,) = GeneratedReport.objects.select_related("period", "unit")
    assert document.period.name.startswith("Delår 1")
    assert document.unit.parent_id is None
    assert document.status == GeneratedReport.Status.DONE
    assert document.pdf_file.storage.exists(document.pdf_file.name)
    assert document.xlsx_file.storage.exists(document.xlsx_file.name)
    assert document.contents["goals"]
    text = " ".join(pdf_text(document).split())
    for goal in document.contents["goals"][:3]:
        assert goal["title"] in text
    content.load()
    assert GeneratedReport.objects.count() == 1
