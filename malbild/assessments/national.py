"""The national comparison of self-assessments under `/delat/` (DESIGN.md §4): the latest
rounds that their units chose to share, aggregated across organisations through
`tenants.shared`, so that every figure stands on at least five units and none can be named."""

from django.db.models import Avg
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from malbild.assessments.models import Area, RoundResult, Statement
from malbild.assessments.overview import _dec
from malbild.assessments.services import current_model
from malbild.tenants import shared
from malbild.tenants.decorators import shared_view

SHARED = {"round__is_latest": True, "round__is_public": True, "score__isnull": False}


@require_safe
@shared_view
def comparison(request: HttpRequest) -> HttpResponse:
    """The mean result per area and statement among the shared rounds (three queries)."""
    model = current_model()
    areas = {a.key: a for a in Area.objects.filter(model=model)}
    statements = {s.key: s for s in Statement.objects.filter(model=model).select_related("area")}
    by_area = shared.aggregated(
        RoundResult, group_by=["area_key"], unit_field="round__unit",
        values={"mean": Avg("score")}, filters=SHARED,
    )  # fmt: skip
    by_statement = shared.aggregated(
        RoundResult, group_by=["statement_key"], unit_field="round__unit",
        values={"mean": Avg("score")}, filters=SHARED,
    )  # fmt: skip
    area_rows = sorted(
        ((areas[r["area_key"]], r["units"], _dec(r["mean"])) for r in by_area
         if r["area_key"] in areas),
        key=lambda row: row[0].position,
    )  # fmt: skip
    statement_rows = sorted(
        ((statements[r["statement_key"]], r["units"], _dec(r["mean"])) for r in by_statement
         if r["statement_key"] in statements),
        key=lambda row: (row[0].area.position, row[0].position),
    )  # fmt: skip
    return render(
        request,
        "assessments/national.html",
        {"area_rows": area_rows, "statement_rows": statement_rows,
         "min_units": shared.MIN_UNITS},
    )  # fmt: skip
