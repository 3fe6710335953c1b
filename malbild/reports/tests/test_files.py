"""What the kept files say: the PDF opened with pypdf, the workbook with openpyxl, and both
rendered again when a pupil's consent is withdrawn."""

import re
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from conftest import audit_events
from malbild.followup.models import Report
from malbild.goals.models import Goal
from malbild.reports import services
from malbild.reports.models import GeneratedReport
from malbild.reports.tests.builders import (
    ASEN_ANALYSIS,
    BERGA_ANALYSIS,
    MEASURED,
    TOP_ANALYSIS,
    followup,
    pdf_pages,
    pdf_text,
)
from malbild.stories import services as story_services
from malbild.stories.models import Quote, StoryImage
from malbild.tenants.models import Membership
from malbild.tenants.permissions import Access
from malbild.tenants.scope import scope

QUOTE = "Jag fick visa ettorna hur man gör en loop!"


def generate(org, user, period, unit, capture, language="en"):
    with scope(org):
        memberships = list(Membership.objects.filter(user=user).select_related("unit"))
        with capture(execute=True):
            document, _created = services.request_document(
                org, None, access=Access(org, memberships), period=period, unit=unit,
                language=language,
            )  # fmt: skip
        document.refresh_from_db()
    return document


@pytest.mark.django_db
def test_the_pdf_opens_with_a_one_page_summary_for_the_namnd(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    with scope(cast.org):
        Report.objects.filter(goal=f.goals["berga"]).update(light=Goal.Light.OFF_TRACK)
    document = generate(
        cast.org, cast.admin, f.period, cast.root, django_capture_on_commit_callbacks
    )
    pages = pdf_pages(document)
    summary = " ".join(pages[1].split())
    assert summary.startswith("Summary")
    assert pages[2].startswith("Contents")  # the summary fits on its one page
    # Status per focus area: Berga off track by its report, the other two at risk.
    assert "All goals 0 2 1 0" in summary
    # The goals off track, with both voices where they differ.
    assert f"{f.goals['berga'].title} (Berga skola)" in summary
    assert "Measured: ○ no data yet · The lead's assessment: ■ off track" in summary
    assert f.goals["asen"].title not in summary.split("Decisions proposed")[0]
    # The decisions proposed: to adjust Åsen's goal and to stop Berga's.
    proposed = summary.split("Decisions proposed")[1]
    assert "Continue as planned: 1 · Adjust: 1 · Stop: 1" in proposed
    assert f"Adjust: {f.goals['asen'].title}" in proposed
    assert f"Stop: {f.goals['berga'].title}" in proposed


def workbook(document):
    with document.xlsx_file.open("rb") as handle:
        return load_workbook(BytesIO(handle.read()))


@pytest.mark.django_db
def test_the_pdf_holds_the_goals_their_analyses_and_page_numbers(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.root, django_capture_on_commit_callbacks
    )
    pages = pdf_pages(document)
    text = " ".join("\n".join(pages).split())
    for goal in f.goals.values():
        assert goal.title in text
    for analysis in ("lärplattorna används i alla ämnen", ASEN_ANALYSIS, BERGA_ANALYSIS):
        assert analysis in text
    assert "Draft: not yet marked ready by the unit." in text
    # The table of contents gives each goal's page, and that page holds the goal.
    toc = pages[2]  # after the cover and the summary
    assert toc.startswith("Contents")
    for goal in f.goals.values():
        found = re.search(re.escape(goal.title) + r"[ .]*(\d+)", toc)
        assert found, goal.title
        assert goal.title in pages[int(found.group(1)) - 1]
    # The header names the organisation; the footer numbers every page after the cover.
    total = len(pages)
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in page
        assert "Mittköping" in page
    assert "Page 1 of" not in pages[0]
    # Indicators: the chart's table and the decisions.
    assert "Andel elever med godtagbar digital kompetens" in text
    assert "61.5" in text
    for decision in ("Continue as planned", "Adjust", "Stop"):
        assert decision in text
    assert "Digital lektion → Digital lektion varje vecka" in text  # the changed activity
    assert "Fortbildning i digital didaktik" in text  # the investment
    assert QUOTE in text
    assert "Platform and målbild" in text


@pytest.mark.django_db
def test_the_pdf_is_tagged_and_has_a_title(cast, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.root, django_capture_on_commit_callbacks
    )
    with document.pdf_file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert reader.metadata is not None
    assert reader.metadata.title == "Delår 1 – Barn- och utbildningsförvaltningen"


@pytest.mark.django_db
def test_a_swedish_document_writes_numbers_the_swedish_way(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.school, django_capture_on_commit_callbacks,
        language="sv",
    )  # fmt: skip
    text = pdf_text(document)
    assert "61,5" in text
    assert "800\u00a0000" in text or "800 000" in text
    assert f.goals["asen"].title in text
    assert f.goals["berga"].title not in text  # another school's goal is outside the subtree


@pytest.mark.django_db
def test_the_workbook_holds_every_measurement_and_a_sheet_per_kind(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.root, django_capture_on_commit_callbacks
    )
    book = workbook(document)
    assert book.sheetnames == [
        "Goals", "Status reports", "Measurements", "Activities changed", "Investments",
        "Success stories",
    ]  # fmt: skip
    rows = [list(row) for row in book["Measurements"].iter_rows(values_only=True)]
    assert rows[0] == ["enhet_kod", "indikator_kod", "period", "kön", "värde", "status"]
    expected = [
        ["ASEN", "DIGKOMP", year, "T", float(v) if "." in v else int(v), None]
        for year, v in MEASURED.items()
    ]
    expected.append(["BERGA", "DIGKOMP", "2024", "T", 33, None])
    assert sorted(rows[1:]) == sorted(expected)
    reports = [list(row) for row in book["Status reports"].iter_rows(values_only=True)]
    assert {r[4] for r in reports[1:]} == {TOP_ANALYSIS, ASEN_ANALYSIS, BERGA_ANALYSIS}
    goals = [row[0] for row in book["Goals"].iter_rows(min_row=2, values_only=True)]
    assert set(goals) == {g.title for g in f.goals.values()}
    stories = list(book["Success stories"].iter_rows(min_row=2, values_only=True))
    assert QUOTE in stories[0][4]


@pytest.mark.django_db
def test_a_school_document_holds_only_the_schools_measurements(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    document = generate(
        cast.org, cast.rektor, f.period, cast.school, django_capture_on_commit_callbacks
    )
    rows = list(workbook(document)["Measurements"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows} == {"ASEN"}
    assert len(rows) == len(MEASURED)


@pytest.mark.django_db
def test_withdrawing_a_quote_renders_every_kept_document_again_without_it(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    first = generate(cast.org, cast.admin, f.period, cast.root, django_capture_on_commit_callbacks)
    other = generate(
        cast.org, cast.rektor, f.period, cast.school, django_capture_on_commit_callbacks
    )
    sums = {d.pk: (d.pdf_sha256, d.xlsx_sha256) for d in (first, other)}
    assert QUOTE in pdf_text(first)
    with scope(cast.org):
        quote = Quote.objects.get(story=f.story)
        with django_capture_on_commit_callbacks(execute=True):
            story_services.withdraw_quote(quote, None)
    for document in (first, other):
        document.refresh_from_db()
        text = pdf_text(document)
        assert QUOTE not in text
        assert "A quote was removed from this story after its consent was withdrawn." in text
        assert "was removed on" in text
        assert "after its consent was withdrawn" in text
        assert document.rerendered_at is not None
        assert document.quote_ids == []
        assert (document.pdf_sha256, document.xlsx_sha256) != sums[document.pk]
        assert QUOTE not in str(document.contents)
        stories = list(workbook(document)["Success stories"].iter_rows(min_row=2, values_only=True))
        assert not stories[0][4]
        assert "removed" in stories[0][6]
    assert len(audit_events(action="reports.rerendered")) == 2


@pytest.mark.django_db
def test_withdrawing_an_image_renders_the_document_again_without_it(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.root, django_capture_on_commit_callbacks
    )
    assert document.image_ids
    with scope(cast.org):
        image = StoryImage.objects.get(story=f.story)
        with django_capture_on_commit_callbacks(execute=True):
            story_services.withdraw_image(image, None)
    document.refresh_from_db()
    assert document.image_ids == []
    assert document.rerendered_at is not None
    text = pdf_text(document)
    assert "An image was removed from this story after its consent was withdrawn." in text
    assert QUOTE in text  # the quote's consent stands


@pytest.mark.django_db
def test_a_withdrawal_leaves_documents_without_that_quote_alone(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.root, django_capture_on_commit_callbacks
    )
    with scope(cast.org):
        unrelated = Quote.objects.create(
            organisation=cast.org, story=f.story, text="Senare citat", speaker="Elev",
            consent_by="pupil", consent_at=timezone.now(),
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            story_services.withdraw_quote(unrelated, None)
    document.refresh_from_db()
    assert document.rerendered_at is None
    assert document.status == GeneratedReport.Status.DONE


@pytest.mark.django_db
def test_the_pdf_draws_each_indicators_chart_from_the_same_svg_as_the_pages(
    cast, django_capture_on_commit_callbacks
):
    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.school, django_capture_on_commit_callbacks,
        language="sv",
    )  # fmt: skip
    text = " ".join(pdf_text(document).split())
    # The chart's legend is text in the PDF, as on the page.
    assert "Uppmätt (alla)" in text
    assert "Planerat (från utgångsvärde till målvärde)" in text
    assert "Diagrammet kunde inte ritas" not in text


@pytest.mark.django_db
def test_a_pdf_whose_charts_cannot_be_drawn_still_renders_with_a_note(
    cast, django_capture_on_commit_callbacks, monkeypatch
):
    from malbild.lib import charts

    def broken(*args, **kwargs):
        raise RuntimeError("a renderer that fails")

    monkeypatch.setattr(charts, "_line_svg", broken)
    f = followup(cast)
    document = generate(
        cast.org, cast.admin, f.period, cast.school, django_capture_on_commit_callbacks
    )
    text = " ".join(pdf_text(document).split())
    assert "The chart could not be drawn. The table shows the same figures." in text
    assert f.goals["asen"].title in text
    assert "61.5" in text  # the table under the chart
