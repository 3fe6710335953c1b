"""The follow-up document as a PDF: HTML from `reports/document.html`, laid out by WeasyPrint
with `document.css` (cover, table of contents with page numbers, the organisation's name in the
header, page numbers in the footer, tables whose header repeats and whose rows never split), and
tagged for assistive technology.

Charts are the same server-side SVG as the pages (`lib.charts`). The renderer fetches nothing:
pictures go in as data: URLs read from storage here, and any other kind of URL is refused.
"""

import base64
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from malbild.lib import charts, markdown
from malbild.stories import services as story_services

STYLESHEET = Path(__file__).with_name("document.css")


def _measure(value: float | int | None) -> str:
    """A number as the document's language writes it (grouped thousands, decimal comma in
    Swedish); "" for none. Called inside the language's override."""
    if value is None:
        return ""
    return number_format(value, use_l10n=True, force_grouping=True)


def _chart(goal: dict[str, Any], indicator: dict[str, Any], swedish: bool) -> SafeString | None:
    measured = [charts.Point(p, text, float(v)) for p, text, v in indicator["measured"]]
    if not measured:
        return None
    planned = [charts.Point(p, text, float(v)) for p, text, v in indicator["planned"]]
    unit = indicator["unit_of_measure"]
    latest = indicator["measured"][-1]
    description = _("Latest value %(value)s %(unit)s (%(period)s).") % {
        "value": _measure(latest[2]),
        "unit": unit,
        "period": latest[1],
    }
    return charts.trend(
        measured,
        planned,
        title=_("%(indicator)s for %(unit)s, per period")
        % {"indicator": indicator["name"], "unit": goal["unit"]},
        description=description,
        measured_label=_("Measured (all)"),
        planned_label=_("Planned (baseline to target)"),
        axis_title=unit,
        decimal_comma=swedish,
    )


def _images(contents: dict[str, Any]) -> dict[int, str]:
    """The pictures as data: URLs, read now from storage (only those whose consent stands)."""
    wanted = [i["id"] for s in contents["stories"] for i in s["images"]]
    found = {}
    for image in story_services.live_images().filter(pk__in=wanted):
        field = image.file
        if not field or not field.storage.exists(field.name):
            continue
        with field.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode("ascii")
        found[image.pk] = f"data:{image.content_type};base64,{data}"
    return found


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _dated(contents: dict[str, Any]) -> dict[str, Any]:
    """The contents with their ISO dates as dates, for the template's date filter."""
    period = contents["period"]

    def decision(found: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if found is None else {**found, "decided_on": _day(found["decided_on"])}

    platform, target = contents["platform"], contents["target"]
    return {
        **contents,
        "generated_on": _day(contents["generated_on"]),
        "period": {
            **period,
            "starts_on": _day(period["starts_on"]),
            "ends_on": _day(period["ends_on"]),
            "deadline": _day(period["deadline"]),
        },
        "platform": platform and {**platform, "decision": decision(platform["decision"])},
        "target": target and {**target, "decision": decision(target["decision"])},
        "removed": [{**note, "on": _day(note["on"])} for note in contents["removed"]],
    }


SUMMARY_GOALS = 8  # goals named on the one-page summary, per list; the rest are counted
LIGHTS = ("on_track", "at_risk", "off_track", "no_data")
WORSE = {"on_track": 0, "no_data": 1, "at_risk": 2, "off_track": 3}


def status_of(goal: dict[str, Any]) -> str:
    """A goal's status for the summary: the lead's assessment in the report when there is one
    (the lead knows what the figures do not), else the measured light."""
    report = goal["report"]
    return str(report["light"]) if report else str(goal["light"])


def summary(contents: dict[str, Any]) -> dict[str, Any]:
    """The one-page summary that opens the document: the goals' status per focus area, the
    goals off track, and the decisions to adjust or stop that the reports propose (no query)."""
    areas: dict[str, dict[str, int]] = {}
    for goal in contents["goals"]:
        counts = areas.setdefault(goal["focus_area"], dict.fromkeys(LIGHTS, 0))
        counts[status_of(goal)] += 1
    off_track = sorted(
        (g for g in contents["goals"] if status_of(g) == "off_track"
         or g["light"] == "off_track"),
        key=lambda g: (g["focus_area"], g["unit"], g["title"]),
    )  # fmt: skip
    proposed = [
        g for g in contents["goals"] if g["report"] and g["report"]["decision"] != "continue"
    ]
    return {
        "areas": [{"name": name, **counts} for name, counts in areas.items()],
        "total": {light: sum(a[light] for a in areas.values()) for light in LIGHTS},
        "off_track": off_track[:SUMMARY_GOALS],
        "off_track_more": max(len(off_track) - SUMMARY_GOALS, 0),
        "proposed": proposed[:SUMMARY_GOALS],
        "proposed_more": max(len(proposed) - SUMMARY_GOALS, 0),
        "differ": sum(
            1 for g in contents["goals"] if g["report"] and g["report"]["light"] != g["light"]
        ),
    }


def html(contents: dict[str, Any], *, rerendered_on: date | None = None) -> str:
    """The document's HTML, in its own language."""
    language = contents["language"]
    swedish = language == "sv"
    with translation.override(language):
        images = _images(contents)
        goals = []
        for goal in contents["goals"]:
            report = goal["report"]
            goals.append(
                {
                    **goal,
                    "analysis_html": markdown.render(report["analysis"]) if report else "",
                    "indicators": [
                        {
                            **indicator,
                            "chart": _chart(goal, indicator, swedish),
                            "rows": [
                                {
                                    "period": row["period"],
                                    "value": _measure(row.get("value")),
                                    "planned": _measure(row.get("planned")),
                                }
                                for row in indicator["rows"]
                            ],
                        }
                        for indicator in goal["indicators"]
                    ],
                }
            )
        stories = [
            {
                **story,
                "published_on": _day(story["published_on"]),
                "images": [
                    {**image, "src": images[image["id"]]}
                    for image in story["images"]
                    if image["id"] in images
                ],
            }
            for story in contents["stories"]
        ]
        return render_to_string(
            "reports/document.html",
            {
                "c": _dated(contents),
                "target_statement": markdown.render(contents["target"]["statement"])
                if contents["target"]
                else "",
                "revisions": [
                    {**r, "changed_at": datetime.fromisoformat(r["changed_at"])}
                    for r in contents["revisions"]
                ],
                "goals": goals,
                "summary": summary(contents),
                "stories": stories,
                "rerendered_on": rerendered_on,
                "investments": [
                    {
                        **i,
                        "amount_per_year": _measure(i["amount_per_year"]),
                        "spent": _measure(i["spent"]),
                    }
                    for i in contents["investments"]
                ],
            },
        )


def render(contents: dict[str, Any], *, rerendered_on: date | None = None) -> bytes:
    """The PDF bytes of the document."""
    from weasyprint import CSS, HTML, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})  # the pictures; nothing from outside
    document = HTML(string=html(contents, rerendered_on=rerendered_on), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)],
        pdf_tags=True,
        custom_metadata=True,
    )
    return pdf
