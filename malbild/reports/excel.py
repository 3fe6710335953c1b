"""The follow-up document as an Excel workbook: all its data, one sheet per kind (goals, status
reports, measurements in the file layout of DESIGN.md §3 that the importer reads back, changes to
activities, investments, stories), each with a bold, frozen, filterable header row. Cells go
through `lib.spreadsheets`, so no text leaves as a formula."""

from io import BytesIO
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from malbild.followup.export import _sheet


def _goal_rows(contents: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            g["title"],
            g["unit"],
            g["focus_area"],
            g["status"],
            g["progress"],
            g["light_label"],
            ", ".join(i["code"] for i in g["indicators"]),
        ]
        for g in contents["goals"]
    ]


def _report_rows(contents: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for goal in contents["goals"]:
        report = goal["report"]
        if report is None:
            continue
        rows.append(
            [
                goal["title"],
                goal["unit"],
                report["state_label"],
                report["light_label"],
                report["analysis"],
                report["decision_label"],
                report["reasoning"],
                report["revised_plan"],
                _("Yes") if report["late"] else _("No"),
            ]
        )
    return rows


def _revision_rows(contents: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            r["changed_at"][:16].replace("T", " "),
            r["activity"],
            r["unit"],
            r["kind"],
            "\n".join(
                f"{label}: {before or '–'} → {after or '–'}"
                for label, before, after in r["changes"]
            ),
            r["reason"],
            r["by"],
        ]
        for r in contents["revisions"]
    ]


def _investment_rows(contents: dict[str, Any]) -> list[list[Any]]:
    return [
        [i["title"], i["amount_per_year"], i["spent"], i["achieved"], i["gains"], i["gains_note"]]
        for i in contents["investments"]
    ]


def _story_rows(contents: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for story in contents["stories"]:
        removed = []
        if story.get("removed_quotes"):
            removed.append(
                _("%(n)s quote(s) removed after withdrawn consent") % {"n": story["removed_quotes"]}
            )
        if story.get("removed_images"):
            removed.append(
                _("%(n)s image(s) removed after withdrawn consent") % {"n": story["removed_images"]}
            )
        rows.append(
            [
                story["published_on"],
                story["title"],
                story["unit"],
                story["summary"],
                "\n".join(f"”{q['text']}” – {q['speaker']}" for q in story["quotes"]),
                "\n".join(i["alt"] for i in story["images"]),
                "; ".join(removed),
            ]
        )
    return rows


def render(contents: dict[str, Any]) -> bytes:
    """The workbook's bytes, with headers in the document's language."""
    with translation.override(contents["language"]):
        book = Workbook()
        if book.active is not None:
            book.remove(book.active)
        _sheet(
            book,
            _("Goals"),
            [(_("Goal"), 45), (_("Unit"), 25), (_("Focus area"), 18), (_("Status"), 12),
             (_("Progress (%)"), 12), (_("Traffic light"), 14), (_("Indicators"), 20)],
            _goal_rows(contents),
            wrap=[0],
        )  # fmt: skip
        _sheet(
            book,
            _("Status reports"),
            [(_("Goal"), 40), (_("Unit"), 22), (_("State"), 12), (_("Traffic light"), 14),
             (_("Analysis"), 60), (_("Decision"), 18), (_("Reasoning"), 50),
             (_("Revised action plan"), 50), (_("Reported late"), 10)],
            _report_rows(contents),
            wrap=[0, 4, 6, 7],
        )  # fmt: skip
        header, *measurements = contents["measurements"]
        _sheet(
            book,
            _("Measurements"),
            [(column, 14) for column in header],
            measurements,
        )
        _sheet(
            book,
            _("Activities changed"),
            [(_("Changed"), 17), (_("Activity"), 40), (_("Unit"), 22), (_("Kind"), 18),
             (_("What changed"), 50), (_("Reason"), 40), (_("Changed by"), 22)],
            _revision_rows(contents),
            wrap=[1, 4, 5],
        )  # fmt: skip
        _sheet(
            book,
            _("Investments"),
            [(_("Investment"), 40), (_("Budget per year (SEK)"), 16),
             (_("Spent in the period (SEK)"), 16), (_("What it achieved"), 50),
             (_("Do the expected long-term gains show?"), 20), (_("What shows of the gains"), 40)],
            _investment_rows(contents),
            wrap=[0, 3, 5],
        )  # fmt: skip
        _sheet(
            book,
            _("Success stories"),
            [(_("Published"), 12), (_("Story"), 40), (_("Unit"), 22), (_("Summary"), 50),
             (_("Quotes"), 60), (_("Images"), 30), (_("Removed"), 30)],
            _story_rows(contents),
            wrap=[1, 3, 4, 5, 6],
        )  # fmt: skip
        out = BytesIO()
        book.save(out)
        return out.getvalue()
