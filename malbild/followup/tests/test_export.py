"""The Excel export: opened with openpyxl, as a nämnd secretary's Excel would open it."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from malbild.followup.models import Report
from malbild.followup.tests.builders import (
    closed_period,
    comment,
    follow_up_investment,
    make_period,
    make_report,
    world,
)
from malbild.goals.tests.builders import link, make_indicator, measure
from malbild.targets.models import Comment, TargetVision
from malbild.tenants.scope import scope

State = Report.State


def download(client, user):
    client.force_login(user)
    user.language = "en"
    user.save(update_fields=["language"])
    response = client.get(reverse("followup:export", args=["mittkoping"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def followed_up(cast):
    goals = world(cast)
    past, current = closed_period(cast.org), make_period(cast.org)
    ready = make_report(past, goals["asen"], State.APPROVED, late=True)
    comment(ready, cast.admin, "Bra rapport, tack!")
    comment(ready, cast.rektor, "=SUM(A1:A3) är inte en formel här")
    draft = make_report(current, goals["berga"], analysis="Hemligt utkast från Berga")
    comment(draft, cast.admin, "Kommentar på Bergas utkast")
    adjusted = make_report(
        current, goals["asen"], State.READY, decision="adjust", revised_plan="Ny plan för Åsen"
    )
    comment(adjusted, cast.elected, "Hur går det med planen?")
    indicator = make_indicator(cast.org)
    link(goals["asen"], indicator)
    measure(indicator, cast.school, "2025", "61.5")
    follow_up_investment(past)
    with scope(cast.org):
        version = TargetVision.objects.get()
        Comment.objects.create(
            organisation=cast.org, target_vision=version, author=cast.elected,
            body="En fråga om målbilden",
        )  # fmt: skip
    return goals


@pytest.mark.django_db
def test_the_workbook_has_the_five_sheets_with_frozen_headers(client, cast, followed_up):
    book = download(client, cast.admin)
    assert book.sheetnames == ["Goals", "Follow-up", "Comments", "Measurements", "Investments"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
        assert sheet.column_dimensions["A"].width > 5


@pytest.mark.django_db
def test_the_goal_sheet_is_the_tree_with_levels(client, cast, followed_up):
    goals = rows(download(client, cast.admin)["Goals"])
    assert goals[0][:3] == ["Level", "Goal", "Unit"]
    by_title = {row[1]: row for row in goals[1:]}
    top = by_title["Alla elever har digital kompetens"]
    asen = by_title["Åsens elever använder digitala verktyg varje vecka"]
    assert (top[0], asen[0]) == (1, 2)
    assert goals.index(asen) > goals.index(top)
    assert asen[2:4] == [cast.school.name, "ASEN"]
    assert asen[9] == "DIGKOMP"


@pytest.mark.django_db
def test_every_comment_is_in_the_workbook(client, cast, followed_up):
    book = download(client, cast.admin)
    comments = [row[-1] for row in rows(book["Comments"])[1:]]
    assert sorted(comments) == sorted([
        "Bra rapport, tack!",
        "'=SUM(A1:A3) är inte en formel här",  # defused, never run as a formula
        "Kommentar på Bergas utkast",
        "Hur går det med planen?",
        "En fråga om målbilden",
    ])  # fmt: skip
    reports = rows(book["Follow-up"])
    assert len(reports) == 4
    late = next(r for r in reports[1:] if r[1].startswith("Åsens") and r[0] == "Årsbokslut")
    assert late[10] == "Yes"
    adjusted = next(r for r in reports[1:] if r[7] == "Ny plan för Åsen")
    assert (adjusted[5], adjusted[9]) == ("adjust", "ready")


@pytest.mark.django_db
def test_drafts_and_their_comments_are_left_out_for_those_who_may_not_read_them(
    client, cast, followed_up
):
    book = download(client, cast.rektor)  # Åsens skola: Berga's draft is not theirs
    text = str([rows(sheet) for sheet in book.worksheets])
    assert "Hemligt utkast från Berga" not in text
    assert "Kommentar på Bergas utkast" not in text
    assert "Bra rapport, tack!" in text
    book = download(client, cast.elected)
    assert len(rows(book["Follow-up"])) == 3  # the approved and the ready report


@pytest.mark.django_db
def test_measurements_are_in_the_file_layout_of_the_importer(client, cast, followed_up):
    measurements = rows(download(client, cast.teacher)["Measurements"])
    assert measurements == [
        ["enhet_kod", "indikator_kod", "period", "kön", "värde", "status"],
        ["ASEN", "DIGKOMP", "2025", "T", 61.5, None],
    ]


@pytest.mark.django_db
def test_investments_are_followed_up_per_period(client, cast, followed_up):
    investments = rows(download(client, cast.reader)["Investments"])
    assert investments[1][0] == "Fortbildning i digital didaktik"
    assert investments[1][5] == "Årsbokslut"
    assert Decimal(str(investments[1][6])) == Decimal(350000)


@pytest.mark.django_db
def test_the_export_is_in_swedish_for_a_swedish_reader(client, cast, followed_up):
    client.force_login(cast.admin)
    with translation.override("sv"):
        response = client.get(reverse("followup:export", args=["mittkoping"]))
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 5
    assert rows(book.worksheets[3])[0][0] == "enhet_kod"  # the file layout is never translated
