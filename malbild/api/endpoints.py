"""The JSON API, version 1 (docs/api.md): `/api/v1/o/<org>/…`, its OpenAPI document at
`/api/v1/openapi.json`.

Each operation enters the organisation of its URL as the key's person (`auth.organisation`),
so the tenancy and the read and write rules are those of the pages: another organisation's
data answers 404, a write needs a key with write access and the capability for the unit. Writes
go through the same services as the pages, each with its audit event.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query
from ninja.operation import Operation

from malbild import audit
from malbild.announcements import services as announcement_services
from malbild.api import errors
from malbild.api.auth import TokenAuth, organisation, token_of
from malbild.api.schemas import (
    NO_NUL,
    ActivityOut,
    AnnouncementOut,
    Error,
    GoalOut,
    IndicatorOut,
    MeasurementOut,
    MeasurementsIn,
    MeasurementsWritten,
    Page,
    PlatformOut,
    ReportOut,
    StatusIn,
    TargetVisionOut,
    UnitOut,
)
from malbild.followup import access as followup_access
from malbild.followup.models import Report
from malbild.goals.models import Goal
from malbild.imports import measurements as importer
from malbild.imports.files import COLUMNS, Table
from malbild.imports.models import ImportRun
from malbild.indicators.models import Indicator, Measurement
from malbild.plans import services as plans
from malbild.plans.access import updatable as updatable_activity
from malbild.plans.models import Activity
from malbild.platforms.models import PlatformVersion
from malbild.targets.models import TargetVision
from malbild.tenants.models import OrgUnit
from malbild.tenants.permissions import explain

IMPORT = "can_import_data"
MAX_LIMIT = 500
MAX_ID = 2**31 - 1


class MalbildAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return str(operation.view_func.__name__)


api = MalbildAPI(
    title="Målbild",
    version="1",
    description=(
        "Read an organisation's units, platform, målbild, goals, indicators, measurements, "
        "action plans, follow-up reports and announcements; write measurements in bulk and "
        "activities' status. Authenticate with a personal API key (`Authorization: Bearer "
        "mb_…`) made on the profile page. See docs/api.md."
    ),
    urls_namespace="api",
    docs_url=None,  # the documentation page needs inline scripts, which the CSP refuses
    auth=TokenAuth(),
)
errors.install(api)

ORG = Path(..., description="The organisation's short name in its addresses.", max_length=50)
LIMIT = Query(50, ge=1, le=MAX_LIMIT, description="Rows a page, at most 500.")
OFFSET = Query(0, ge=0, le=10**9, description="Rows to skip; past the end the page is empty.")
CODE = Query(None, max_length=40, pattern=NO_NUL)


def page(request: HttpRequest, items: QuerySet[Any], limit: int, offset: int) -> dict[str, Any]:
    """One page of `items` (two queries: the count and the rows) with the next page's address."""
    count = items.count()
    rows = list(items[offset : offset + limit]) if offset < count else []
    following = None
    if offset + limit < count:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        following = request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")
    return {"count": count, "limit": limit, "offset": offset, "next": following, "results": rows}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# Reading ------------------------------------------------------------------------------------------


@api.get("/o/{org}/units", response={200: Page[UnitOut], **errors.ERRORS}, tags=["units"])
def units(
    request: HttpRequest, org: str = ORG, limit: int = LIMIT, offset: int = OFFSET
) -> dict[str, Any]:
    """The organisation's units, archived ones included, in tree order."""
    with organisation(request, org):
        result = page(request, OrgUnit.objects.order_by("path"), limit, offset)
        result["results"] = [
            {
                "id": u.pk, "code": u.code, "name": u.name, "kind": u.kind,
                "parent_id": u.parent_id, "depth": u.depth,
                "archived": u.archived_at is not None, "progress": _number(u.progress),
            }
            for u in result["results"]
        ]  # fmt: skip
        return result


@api.get("/o/{org}/platform", response={200: PlatformOut, **errors.ERRORS}, tags=["platform"])
def platform(request: HttpRequest, org: str = ORG) -> dict[str, Any]:
    """The common platform in force: vision, verksamhetsidé and värdegrund."""
    with organisation(request, org):
        current = PlatformVersion.objects.filter(status=PlatformVersion.Status.ADOPTED).first()
        if current is None:
            raise Http404
        values = [
            {"key": str(v.get("key", "")), "name": str(v.get("name", "")),
             "description": str(v.get("description", ""))}
            for v in current.core_values
        ]  # fmt: skip
        return {
            "number": current.number, "vision": current.vision, "mission": current.mission,
            "values": values, "adopted_at": current.adopted_at,
        }  # fmt: skip


@api.get(
    "/o/{org}/target-vision", response={200: TargetVisionOut, **errors.ERRORS}, tags=["målbild"]
)
def target_vision(request: HttpRequest, org: str = ORG) -> dict[str, Any]:
    """The målbild adopted and in force."""
    with organisation(request, org):
        current = (
            TargetVision.objects.filter(status=TargetVision.Status.ADOPTED)
            .prefetch_related("focus_areas", "investments")
            .first()
        )
        if current is None:
            raise Http404
        return {
            "id": current.pk, "number": current.number, "title": current.title,
            "statement": current.statement, "start_year": current.start_year,
            "end_year": current.end_year, "change_motive": current.change_motive,
            "if_nothing_changes": current.if_nothing_changes,
            "focus_areas": [{"id": f.pk, "name": f.name} for f in current.focus_areas.all()],
            "investments": [
                {"title": i.title, "description": i.description,
                 "amount_per_year": float(i.amount_per_year), "start_year": i.start_year,
                 "end_year": i.end_year}
                for i in current.investments.all()
            ],
            "review_date": current.review_date, "adopted_at": current.adopted_at,
        }  # fmt: skip


@api.get("/o/{org}/goals", response={200: Page[GoalOut], **errors.ERRORS}, tags=["goals"])
def goals(
    request: HttpRequest, org: str = ORG, limit: int = LIMIT, offset: int = OFFSET
) -> dict[str, Any]:
    """Every goal of the organisation, drafts and closed ones included."""
    with organisation(request, org):
        result = page(request, Goal.objects.order_by("pk"), limit, offset)
        result["results"] = [
            {
                "id": g.pk, "title": g.title, "description": g.description, "unit_id": g.unit_id,
                "parent_id": g.parent_id, "focus_area_id": g.focus_area_id,
                "target_vision_id": g.target_vision_id, "status": g.status,
                "weight": float(g.weight), "progress": _number(g.progress), "light": g.light,
            }
            for g in result["results"]
        ]  # fmt: skip
        return result


@api.get(
    "/o/{org}/indicators", response={200: Page[IndicatorOut], **errors.ERRORS}, tags=["indicators"]
)
def indicators(
    request: HttpRequest, org: str = ORG, limit: int = LIMIT, offset: int = OFFSET
) -> dict[str, Any]:
    """The indicators with their baselines and dated targets."""
    with organisation(request, org):
        items = Indicator.objects.order_by("code").prefetch_related("targets")
        result = page(request, items, limit, offset)
        result["results"] = [
            {
                "id": i.pk, "code": i.code, "name": i.name, "description": i.description,
                "unit_of_measure": i.unit_of_measure, "direction": i.direction,
                "periodicity": i.periodicity, "source": i.source,
                "baseline_value": float(i.baseline_value), "baseline_period": i.baseline_period,
                "targets": [{"period": t.period, "value": float(t.value)} for t in i.targets.all()],
            }
            for i in result["results"]
        ]  # fmt: skip
        return result


@api.get(
    "/o/{org}/measurements",
    response={200: Page[MeasurementOut], **errors.ERRORS},
    tags=["measurements"],
)
def measurements(
    request: HttpRequest,
    org: str = ORG,
    indicator: str | None = CODE,
    unit: str | None = CODE,
    period: str | None = Query(None, max_length=10, pattern=NO_NUL),
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> dict[str, Any]:
    """Measurements, filtered by indicator code, unit code and period (each optional), ordered
    by indicator, unit, period and gender."""
    with organisation(request, org):
        items = Measurement.objects.order_by(
            "indicator__code", "org_unit__code", "position", "gender"
        ).select_related("indicator", "org_unit")
        if indicator:
            items = items.filter(indicator__code__iexact=indicator)
        if unit:
            items = items.filter(org_unit__code__iexact=unit)
        if period:
            items = items.filter(period=period.upper())
        result = page(request, items, limit, offset)
        result["results"] = [
            {
                "indicator": m.indicator.code, "unit": m.org_unit.code, "period": m.period,
                "gender": m.gender, "value": _number(m.value), "status": m.status,
                "updated_at": m.updated_at,
            }
            for m in result["results"]
        ]  # fmt: skip
        return result


def _activity(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk, "title": a.title, "description": a.description, "unit_id": a.unit_id,
        "goal_ids": [g.pk for g in a.goals.all()], "starts_on": a.starts_on,
        "ends_on": a.ends_on, "status": a.status, "progress": a.progress,
        "updated_at": a.updated_at,
    }  # fmt: skip


@api.get(
    "/o/{org}/activities", response={200: Page[ActivityOut], **errors.ERRORS}, tags=["action plans"]
)
def activities(
    request: HttpRequest, org: str = ORG, limit: int = LIMIT, offset: int = OFFSET
) -> dict[str, Any]:
    """The activities of every unit's action plan."""
    with organisation(request, org):
        items = Activity.objects.order_by("pk").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.only("pk"))
        )
        result = page(request, items, limit, offset)
        result["results"] = [_activity(a) for a in result["results"]]
        return result


@api.get("/o/{org}/reports", response={200: Page[ReportOut], **errors.ERRORS}, tags=["follow-up"])
def reports(
    request: HttpRequest, org: str = ORG, limit: int = LIMIT, offset: int = OFFSET
) -> dict[str, Any]:
    """Follow-up reports (status per goal and period). A report not yet marked ready is listed
    only for people inside its unit's subtree and admins, as on the pages."""
    with organisation(request, org) as member:
        items = (
            Report.objects.filter(followup_access.readable(member.access))
            .select_related("period")
            .order_by("-period__starts_on", "pk")
        )
        result = page(request, items, limit, offset)
        result["results"] = [
            {
                "id": r.pk,
                "period": {"id": r.period.pk, "name": r.period.name,
                           "starts_on": r.period.starts_on, "ends_on": r.period.ends_on,
                           "deadline": r.period.deadline},
                "goal_id": r.goal_id, "unit_id": r.unit_id, "light": r.light,
                "analysis": r.analysis, "decision": r.decision, "reasoning": r.reasoning,
                "revised_plan": r.revised_plan, "state": r.state, "late": r.late,
                "updated_at": r.updated_at,
            }
            for r in result["results"]
        ]  # fmt: skip
        return result


@api.get(
    "/o/{org}/announcements",
    response={200: Page[AnnouncementOut], **errors.ERRORS},
    tags=["communication"],
)
def announcements(
    request: HttpRequest, org: str = ORG, limit: int = LIMIT, offset: int = OFFSET
) -> dict[str, Any]:
    """Published announcements, newest first."""
    with organisation(request, org):
        items = announcement_services.published().order_by("-published_at", "-pk")
        result = page(request, items, limit, offset)
        result["results"] = [
            {
                "id": a.pk, "kind": a.kind, "title": a.title, "summary": a.summary,
                "body": a.body, "unit_id": a.unit_id, "audiences": a.audiences,
                "published_at": a.published_at,
            }
            for a in result["results"]
        ]  # fmt: skip
        return result


# Writing ------------------------------------------------------------------------------------------


@api.post(
    "/o/{org}/measurements",
    response={200: MeasurementsWritten, **errors.ERRORS},
    tags=["measurements"],
)
def write_measurements(
    request: HttpRequest, payload: MeasurementsIn, org: str = ORG
) -> dict[str, Any]:
    """Write measurements: each row replaces the value of its indicator, unit, period and
    gender, or adds it. All or nothing: a single bad row and nothing is written; the answer
    (422) names every bad row by its index. Checked like an imported file, and recorded as one
    import run with one audit event. Needs a key with write access and a role that may import
    data for the units of the rows."""
    with organisation(request, org, write=True) as member:
        access = member.access
        if not access.can(IMPORT, anywhere=True):
            raise PermissionDenied(explain(IMPORT))
        rows = payload.measurements
        table = Table(
            columns=list(COLUMNS),
            rows=iter(
                (
                    index,
                    [row.unit, row.indicator, row.period, row.gender,
                     _cell(row.value), row.status],
                )
                for index, row in enumerate(rows)
            ),
            total=len(rows),
        )  # fmt: skip
        checked = importer.check(table, access.organisation, subtrees=access.subtrees(IMPORT))
        if checked.error_count:
            raise _bad_rows(checked.errors, checked.error_count)
        token = token_of(request)
        with transaction.atomic():
            run = ImportRun.objects.create(
                organisation=access.organisation,
                kind=ImportRun.Kind.FILE,
                file_name=_("API key “%(name)s”") % {"name": token.name},
                started_by=token.user,
                state=ImportRun.State.IMPORTING,
                rows_total=len(checked.rows),
                details={"via": "api", "token": token.prefix},
            )
            try:
                created, replaced = importer.write(checked, access.organisation, run.pk)
            except importer.Stale as e:  # the transaction rolls back the run too
                raise errors.Invalid(str(e)) from None
            run.rows_created, run.rows_replaced = created, replaced
            run.rows_done = run.rows_total
            run.state = ImportRun.State.DONE
            run.finished_at = timezone.now()
            run.save()
            audit.record(
                "api.measurements_written",
                request=request,
                target=run,
                summary=run.file_name,
                after={"rows": run.rows_total, "new": created, "replaced": replaced},
            )
        return {"created": created, "replaced": replaced, "import_run": run.pk}


def _cell(value: float | str | None) -> str:
    """A value as the importer reads a cell: numbers exactly as given, text as it is."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else value


def _bad_rows(found: list[tuple[int, str]], count: int) -> errors.Invalid:
    """The 422 for a bulk write with bad rows: each named by its index in the list."""
    first = found[0][0]
    if count == 1:
        detail = _("Row %(row)s has an error; nothing was written.") % {"row": first}
    else:
        detail = _("%(count)s rows have errors, the first is row %(row)s; nothing was written.") % {
            "count": count,
            "row": first,
        }
    return errors.Invalid(
        detail,
        [{"loc": ["body", "measurements", row], "msg": message, "row": row}
         for row, message in found],
    )  # fmt: skip


@api.patch(
    "/o/{org}/activities/{activity_id}/status",
    response={200: ActivityOut, **errors.ERRORS},
    tags=["action plans"],
)
def activity_status(
    request: HttpRequest,
    payload: StatusIn,
    org: str = ORG,
    activity_id: int = Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    """Record where an activity stands: status, progress (done is 100) and a comment, kept in
    the activity's history. Needs a key with write access; as on the pages, the person must be
    responsible for the activity or may change its unit's action plan."""
    with organisation(request, org, write=True) as member:
        activity = updatable_activity(member, activity_id)
        try:
            plans.update_status(
                activity, request, payload.status, payload.progress, payload.comment
            )
        except DjangoValidationError as e:
            messages = [
                {"loc": ["body", field], "msg": str(message)}
                for field, messages in e.message_dict.items()
                for message in messages
            ]
            raise errors.Invalid(
                _("The status cannot be recorded like that; nothing was changed."), messages
            ) from None
        return _activity(Activity.objects.prefetch_related("goals").get(pk=activity.pk))


__all__ = ["Error", "api"]
