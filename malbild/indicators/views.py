"""Indicators: the list, one indicator with its targets and a unit's trend (chart and table),
the admins' forms for indicators and targets, and measurement entry for a unit.

Every member reads every indicator and measurement; admins define indicators and targets;
admins and unit leads enter measurements for the units in their subtree.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.indicators import services, signals
from malbild.indicators.forms import IndicatorForm, MeasurementForm, TargetForm, entry_units
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.indicators.progress import Light, indicator_reading, light
from malbild.indicators.templatetags.indicators import measure
from malbild.lib import charts, htmx, periods
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import MemberRequest
from malbild.tenants.scope import require_organisation

EDITING = "can_edit_indicators"
ENTERING = "can_enter_measurements"
UNIT_PARAMETER = "enhet"
MAX_UNITS = 200  # units offered in the chooser on an indicator's page
MAX_PERIODS = 120  # periods of a unit's series shown at once (ten years of months)
# What the page uses of the units to choose from: a unit row has more, loaded for nothing.
UNIT_SHOWN = ["parent", "path", "name", "archived_at"]
GENDERS = [Measurement.Gender.ALL, Measurement.Gender.FEMALE, Measurement.Gender.MALE]


def _indicator(indicator_id: int) -> Indicator:
    """An indicator of the organisation in scope, or 404 (also for another organisation's id);
    with its organisation, which the redirects after a write name: the one in scope, at hand."""
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    indicator.organisation = require_organisation()
    return indicator


def _unit_from(value: str | None) -> OrgUnit | None:
    """The unit whose id arrived in a URL or a form: None when none was given, 404 when it is
    not a unit of the organisation in scope."""
    if not value:
        return None
    if not value.strip().isdigit():
        raise Http404
    return get_object_or_404(OrgUnit, pk=int(value))


def _to_detail(indicator: Indicator, unit: OrgUnit | None = None, anchor: str = "") -> HttpResponse:
    url = reverse("indicators:detail", args=[indicator.organisation.slug, indicator.pk])
    if unit is not None:
        url += f"?{UNIT_PARAMETER}={unit.pk}"
    return redirect(url + (f"#{anchor}" if anchor else ""))


# Reading ------------------------------------------------------------------------------------------


@require_safe
@member_view()
def indicator_list(request: MemberRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    final = IndicatorTarget.objects.filter(indicator=OuterRef("pk")).order_by("-position")
    indicators = Indicator.objects.annotate(
        final_value=Subquery(final.values("value")[:1]),
        final_period=Subquery(final.values("period")[:1]),
    ).order_by("code", "id")
    if query:
        indicators = indicators.filter(Q(code__icontains=query) | Q(name__icontains=query))
    page = paginate(request, indicators)
    count = page.paginator.count
    return htmx.page_or_part(
        request,
        "indicators/list.html",
        "indicator-results",
        {"page": page, "query": query, "may_edit": request.access.can(EDITING)},
        announce=ngettext("%(n)s indicator shown.", "%(n)s indicators shown.", count)
        % {"n": count},
    )


@dataclass
class Row:
    """One period of a unit's series: the values per gender and the planned value, if any."""

    period: str
    position: float
    values: dict[str, Measurement] = field(default_factory=dict)
    planned: Decimal | None = None
    planned_kind: str = ""  # "baseline" or "target"

    @property
    def cells(self) -> list[Measurement | None]:
        return [self.values.get(gender) for gender in GENDERS]


def _series(indicator: Indicator, unit: OrgUnit) -> tuple[list[Measurement], bool]:
    """The unit's latest measurements, oldest first, and whether older ones were left out
    (one query)."""
    limit = MAX_PERIODS * len(GENDERS)
    rows = list(
        Measurement.objects.filter(indicator=indicator, org_unit=unit)
        .only("period", "position", "gender", "value")
        .order_by("-position", "gender")[: limit + 1]
    )
    truncated = len(rows) > limit
    if truncated:
        # Drop the oldest period, which may be cut in the middle.
        oldest = rows[limit].position
        rows = [row for row in rows[:limit] if row.position != oldest]
    rows.reverse()
    return rows, truncated


def _rows(
    indicator: Indicator, targets: list[IndicatorTarget], measurements: list[Measurement]
) -> list[Row]:
    """The table under the chart: every measured period and every point of the plan."""
    rows: dict[str, Row] = {}
    for m in measurements:
        rows.setdefault(m.period, Row(m.period, m.position)).values[m.gender] = m
    base = periods.parse(indicator.baseline_period)
    plan = [(base, indicator.baseline_value, "baseline")] + [
        (periods.Period(t.position, t.period, indicator.periodicity), t.value, "target")
        for t in targets
    ]
    for when, value, kind in plan:
        row = rows.setdefault(when.text, Row(when.text, when.position))
        row.planned, row.planned_kind = value, kind
    return sorted(rows.values(), key=lambda row: row.position)


def _chart(
    indicator: Indicator,
    unit: OrgUnit,
    targets: list[IndicatorTarget],
    rows: list[Row],
    latest: Measurement | None,
    state_label: str,
) -> SafeString | None:
    measured = [
        charts.Point(row.position, row.period, float(m.value))
        for row in rows
        if (m := row.values.get(Measurement.Gender.ALL)) is not None and m.value is not None
    ]
    if not measured:
        return None
    planned = [
        charts.Point(row.position, row.period, float(row.planned))
        for row in rows
        if row.planned is not None
    ]
    unit_of_measure = indicator.unit_of_measure
    parts = []
    if latest is not None and latest.value is not None:
        parts.append(
            _("Latest value %(value)s %(unit)s (%(period)s).")
            % {"value": measure(latest.value), "unit": unit_of_measure, "period": latest.period}
        )
    if targets:
        parts.append(
            _("Target %(value)s %(unit)s by %(period)s.")
            % {"value": measure(targets[-1].value), "unit": unit_of_measure,
               "period": targets[-1].period}
        )  # fmt: skip
    else:
        parts.append(_("No target has been set."))
    parts.append(_("Status: %(light)s.") % {"light": state_label})
    return charts.trend(
        measured,
        planned,
        title=_("%(indicator)s for %(unit)s, per period")
        % {"indicator": indicator.name, "unit": unit.name},
        description=" ".join(parts),
        measured_label=_("Measured (all)"),
        planned_label=_("Planned (baseline to target)"),
        axis_title=unit_of_measure,
    )


def _chosen_unit(request: HttpRequest, indicator: Indicator) -> tuple[OrgUnit | None, list[Any]]:
    """The unit whose trend is shown (`?enhet=<id>`, by default the top unit if it has values,
    else the first unit with values), and the units to choose from: those with values, the top
    unit and the chosen one (two queries)."""
    with_data = list(
        OrgUnit.objects.filter(
            pk__in=Measurement.objects.filter(indicator=indicator).values("org_unit_id")
        )
        .only(*UNIT_SHOWN)
        .order_by("path")[:MAX_UNITS]
    )
    given = request.GET.get(UNIT_PARAMETER, "").strip()
    if given and not given.isdigit():
        raise Http404
    wanted_id = int(given) if given else None
    found = list(
        OrgUnit.objects.filter(Q(parent__isnull=True, archived_at__isnull=True) | Q(pk=wanted_id))
        .only(*UNIT_SHOWN)
        .order_by("name", "id")
    )
    top = next((u for u in found if u.parent_id is None and u.archived_at is None), None)
    if wanted_id is not None:
        # Never found for another organisation's unit: 404, as for a unit that does not exist.
        chosen = next((u for u in found if u.pk == wanted_id), None)
        if chosen is None:
            raise Http404
    elif top is not None and any(unit.pk == top.pk for unit in with_data):
        chosen = top
    else:
        chosen = with_data[0] if with_data else top
    choices = list(with_data)
    for unit in (top, chosen):
        if unit is not None and all(unit.pk != other.pk for other in choices):
            choices.append(unit)
    choices.sort(key=lambda unit: unit.path)
    return chosen, choices


def _detail_context(
    request: MemberRequest, indicator: Indicator, target_form: TargetForm | None = None
) -> dict[str, Any]:
    access = request.access
    targets = list(indicator.targets.order_by("position"))
    unit, choices = _chosen_unit(request, indicator)
    context: dict[str, Any] = {
        "indicator": indicator,
        # What the apps above show here (imports: the Kolada comparison and link).
        "panels": signals.detail_panels.render(Indicator, request=request, indicator=indicator),
        "targets": targets,
        "unit": unit,
        "unit_choices": choices,
        "unit_parameter": UNIT_PARAMETER,
        "may_edit": access.can(EDITING),
        "target_form": target_form,
    }
    if context["may_edit"] and target_form is None:
        context["target_form"] = TargetForm(indicator=indicator)
    if unit is None:
        return context
    measurements, truncated = _series(indicator, unit)
    latest = None
    for m in measurements:
        if m.gender == Measurement.Gender.ALL and m.value is not None:
            latest = m
    reading = indicator_reading(indicator, targets, latest)
    state = light(reading.progress, reading.expected)
    state_label = Light(state).label
    rows = _rows(indicator, targets, measurements)
    context.update(
        {
            "rows": rows,
            "has_genders": any(m.gender != Measurement.Gender.ALL for m in measurements),
            "has_measurements": bool(measurements),
            "truncated": truncated,
            "max_periods": MAX_PERIODS,
            "latest": latest,
            "reading": reading,
            "light": state,
            "light_label": state_label,
            "chart": _chart(indicator, unit, targets, rows, latest, str(state_label)),
            "may_enter": access.can(ENTERING, unit),
        }
    )
    return context


@require_safe
@member_view()
def detail(request: MemberRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator(indicator_id)
    return render(request, "indicators/detail.html", _detail_context(request, indicator))


# Defining -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(EDITING)
def create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require(EDITING)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.save_indicator(organisation, request, None, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The indicator %(code)s has been added.") % {"code": indicator.code}
            )
            return _to_detail(indicator)
    return render(request, "indicators/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view(EDITING)
def edit(request: MemberRequest, indicator_id: int) -> HttpResponse:
    organisation = request.organisation
    request.access.require(EDITING)
    indicator = _indicator(indicator_id)
    form = IndicatorForm(
        request.POST or None, initial=model_to_dict(indicator, fields=services.INDICATOR_FIELDS)
    )
    if request.method == "POST" and form.is_valid():
        changed = {
            name: value
            for name, value in form.cleaned_data.items()
            if getattr(indicator, name) != value
        }
        if not changed:
            messages.info(request, _("Nothing was changed."))
            return _to_detail(indicator)
        try:
            services.save_indicator(organisation, request, indicator, **changed)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The indicator %(code)s has been saved.") % {"code": indicator.code}
            )
            return _to_detail(indicator)
    return render(request, "indicators/form.html", {"form": form, "indicator": indicator})


@require_POST
@member_view(EDITING)
def target_add(request: MemberRequest, indicator_id: int) -> HttpResponse:
    request.access.require(EDITING)
    indicator = _indicator(indicator_id)
    form = TargetForm(request.POST, indicator=indicator)
    if form.is_valid():
        try:
            target = services.add_target(indicator, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The target for %(period)s has been added.") % {"period": target.period},
            )
            return _to_detail(indicator, anchor="targets")
    return render(
        request, "indicators/detail.html", _detail_context(request, indicator, form), status=400
    )


@require_POST
@member_view(EDITING)
def target_remove(request: MemberRequest, indicator_id: int, target_id: int) -> HttpResponse:
    request.access.require(EDITING)
    indicator = _indicator(indicator_id)
    target = get_object_or_404(IndicatorTarget, pk=target_id, indicator=indicator)
    services.remove_target(target, request)
    messages.success(
        request, _("The target for %(period)s has been removed.") % {"period": target.period}
    )
    return _to_detail(indicator, anchor="targets")


# Measuring ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(ENTERING)
def measurement(request: MemberRequest, indicator_id: int) -> HttpResponse:
    """Enter (or replace) one value for a unit the person may enter measurements for."""
    access = request.access
    indicator = _indicator(indicator_id)
    given = (
        request.POST.get("unit") if request.method == "POST" else request.GET.get(UNIT_PARAMETER)
    )
    chosen = _unit_from(given)
    if chosen is not None:
        access.require(ENTERING, chosen)
    form = MeasurementForm(
        request.POST or None,
        indicator=indicator,
        units=entry_units(access.subtrees(ENTERING)),
        # require() found it within the subtrees the units are offered from: unless archived,
        # it is one of them, and the form need not read it again.
        known=chosen if chosen is not None and chosen.archived_at is None else None,
        initial={"unit": chosen, "gender": Measurement.Gender.ALL},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = data["unit"]
        try:
            saved = services.save_measurement(
                indicator,
                unit,
                request,
                period=data["period"],
                gender=data["gender"],
                value=data["value"],
                status=Measurement.Status.MISSING if data["missing"] else Measurement.Status.OK,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The value for %(unit)s, %(period)s has been saved.")
                % {"unit": unit.name, "period": saved.period},
            )
            return _to_detail(indicator, unit, anchor="trend")
    return render(
        request, "indicators/measurement_form.html", {"indicator": indicator, "form": form}
    )
