"""Getting started: every write of the checklist's steps, each audited, through the services of
the apps below (tenants for units, invitations and roles; platform; targets; indicators; imports
for Kolada). Nothing below imports this app.

Imports of units and people are all or nothing: a file is checked into a :class:`FileBatch`
(the preview), and importing checks its rows again against what is in Målbild by then and
writes them in one transaction, with one audit event that refers to the batch.
"""

from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malbild import audit
from malbild.accounts import services as account_services
from malbild.accounts.models import User
from malbild.imports import files, links, refresh
from malbild.imports import tasks as import_tasks
from malbild.imports.kolada import Client
from malbild.imports.models import ImportRun, KoladaValue
from malbild.indicators import services as indicator_services
from malbild.indicators.models import Indicator
from malbild.onboarding import content, koladaunits, peoplefile, unitfile
from malbild.onboarding.koladaunits import KoladaUnit
from malbild.onboarding.models import Checklist, FileBatch, LoginGrant
from malbild.platforms import services as platform_services
from malbild.targets import services as target_services
from malbild.targets.models import TargetVision
from malbild.tenants import services as tenant_services
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.permissions import Access
from malbild.tenants.scope import scope, unscoped

PAGE_TIMEOUT = 5.0  # seconds for each request to Kolada while a page waits
MAX_AREA_NAME = 150
OU_ID = unitfile.OU_ID
CONCURRENT_CHANGE = gettext_lazy(
    "Someone changed the units at the same moment, so nothing was made. Try again."
)


def kolada_client() -> Client:
    """A client for asking Kolada while a page waits: one retry and a short timeout."""
    return Client(retries=1, backoff=0.5, timeout=min(settings.KOLADA_TIMEOUT, PAGE_TIMEOUT))


# The checklist's box ----------------------------------------------------------------------------


@transaction.atomic
def set_hidden(organisation: Organisation, request: HttpRequest, hidden: bool) -> None:
    """Put the start page's getting-started box away, or bring it back."""
    checklist, _created = Checklist.objects.get_or_create(organisation=organisation)
    before = {"hidden": checklist.hidden_at is not None}
    checklist.hidden_at = timezone.now() if hidden else None
    checklist.hidden_by = request.user if hidden and isinstance(request.user, User) else None
    checklist.save()
    audit.record(
        "onboarding.box_hidden" if hidden else "onboarding.box_shown",
        request=request,
        target=checklist,
        before=before,
        after={"hidden": hidden},
        organisation=organisation,
    )


# Units from Kolada --------------------------------------------------------------------------------


def top_unit() -> OrgUnit:
    """The top unit, under which schools and new areas go (one query)."""
    top = unitfile.top_unit()
    if top is None:
        raise ValidationError(_("The organisation has no active top unit to put the units under."))
    return top


def _free_code(wanted: str, taken: set[str]) -> str:
    """`wanted`, or with a number after it if another unit has it (whatever the case)."""
    code, n = wanted[:40], 1
    while code.casefold() in taken:
        n += 1
        suffix = f"-{n}"
        code = wanted[: 40 - len(suffix)] + suffix
    taken.add(code.casefold())
    return code


def bring_in_kolada_units(
    organisation: Organisation,
    request: HttpRequest,
    *,
    units: list[KoladaUnit],
    areas: dict[str, str],
    close: set[str],
) -> tuple[int, int, int, int]:
    """Create the chosen units of Kolada's list (as the page showed them, names as the
    administrator left them), each under the area named for it (created under the top unit
    when new) or under the top unit, and archive the units with the Kolada ids in `close`, all
    in one transaction.

    A unit whose Kolada id is in Målbild already is never added again (a second click, another
    administrator); a school or preschool of the same name without a Kolada id (typed in
    before) gets the id where it stands instead of a twin. Returns (units created, units
    linked, areas created, units archived). ValidationError, with nothing changed, for an id
    that is not one of the municipality's, a name that clashes or a unit that cannot be
    archived."""
    municipality = organisation.kolada_municipality_id
    for unit in units:
        if not OU_ID.match(unit.id) or unit.id[4:8] != municipality:
            raise ValidationError(
                _("%(id)s is not a Kolada unit of municipality %(municipality)s.")
                % {"id": unit.id[:20], "municipality": municipality}
            )
        if not unit.title or len(unit.title) > 150:
            raise ValidationError(
                _("Give the unit %(id)s a name of at most 150 characters.") % {"id": unit.id}
            )
    here = set(OrgUnit.objects.exclude(kolada_ou_id="").values_list("kolada_ou_id", flat=True))
    wanted = [unit for unit in {u.id: u for u in units}.values() if unit.id not in here]
    same_named = koladaunits.same_named()
    linking: list[tuple[OrgUnit, str]] = []
    for unit in list(wanted):
        match = same_named.pop(unit.title.casefold(), None)
        if match is not None:
            linking.append((match, unit.id))
            wanted.remove(unit)
    closing = list(
        OrgUnit.objects.filter(kolada_ou_id__in=close, archived_at__isnull=True).order_by("-depth")
    )
    if not wanted and not linking and not closing:
        raise ValidationError(_("Tick at least one unit to bring in."))
    top = top_unit()
    children = list(
        OrgUnit.objects.filter(parent=top, archived_at__isnull=True).only("pk", "name", "kind")
    )
    taken_codes = {code.casefold() for code in OrgUnit.objects.values_list("code", flat=True)}
    by_name = {unit.name.casefold(): unit for unit in children}
    planned: list[tenant_services.PlannedUnit] = []
    new_areas: dict[str, str] = {}  # name (casefold) → key
    names_under: dict[str, set[str]] = {"top": set(by_name)}
    named = {" ".join(areas.get(u.id, "").split()) for u in wanted} - {""}
    for area in {name.casefold(): name for name in sorted(named)}.values():
        if len(area) > MAX_AREA_NAME:
            raise ValidationError(
                _("The area name “%(name)s…” is longer than 150 characters.") % {"name": area[:40]}
            )
        existing = by_name.get(area.casefold())
        if existing is not None:
            continue
        key = f"area:{area.casefold()}"
        new_areas[area.casefold()] = key
        names_under["top"].add(area.casefold())
        planned.append(
            tenant_services.PlannedUnit(
                key=key,
                name=area,
                kind=OrgUnit.Kind.AREA,
                code=_free_code(
                    f"OMR-{slugify(area).upper()}" if slugify(area) else "OMR", taken_codes
                ),
                parent=top,
            )
        )
    existing_areas = [
        u for u in children if u.name.casefold() in {a.casefold() for a in areas.values()}
    ]
    under_existing: dict[int, set[str]] = {unit.pk: set() for unit in existing_areas}
    for name, parent_id in OrgUnit.objects.filter(
        parent__in=existing_areas, archived_at__isnull=True
    ).values_list("name", "parent_id"):
        under_existing[parent_id].add(name.casefold())
    for unit in wanted:
        area = " ".join(areas.get(unit.id, "").split())
        parent: OrgUnit | None = top
        parent_key = None
        names: set[str] = names_under["top"]
        if area:
            if area.casefold() in new_areas:
                parent, parent_key = None, new_areas[area.casefold()]
                names = names_under.setdefault(parent_key, set())
            else:
                parent = by_name[area.casefold()]
                names = under_existing.setdefault(parent.pk, set())
        name = _unique_name(unit, names)
        planned.append(
            tenant_services.PlannedUnit(
                key=unit.id,
                name=name,
                kind=unit.kind,
                code=_free_code(unit.id, taken_codes),
                parent=parent,
                parent_key=parent_key,
                kolada_ou_id=unit.id,
            )
        )
    try:
        with transaction.atomic():
            for existing, ou in linking:
                links.set_unit(existing, request, ou)
            if planned:
                tenant_services.create_tree(
                    organisation,
                    planned,
                    request,
                    details={"source": "kolada", "municipality": municipality,
                             "areas": len(new_areas), "codes": [p.code for p in planned][:200]},
                )  # fmt: skip
            for old in closing:
                try:
                    tenant_services.archive_unit(old, request=request)
                except ValidationError as e:
                    raise ValidationError(
                        _("%(name)s could not be archived: %(reason)s")
                        % {"name": old.name, "reason": " ".join(e.messages)}
                    ) from None
    except IntegrityError:  # someone made a unit of the same code or name at the same time
        raise ValidationError(CONCURRENT_CHANGE) from None
    return len(wanted), len(linking), len(new_areas), len(closing)


def _unique_name(unit: KoladaUnit, names: set[str]) -> str:
    """The unit's name, with its Kolada id after it when the place has that name already."""
    name = unit.title[:150]
    if name.casefold() in names:
        name = f"{unit.title[: 150 - len(unit.id) - 3]} ({unit.id})"
    names.add(name.casefold())
    return name


# Files of units and people ------------------------------------------------------------------------


def _problem_batch(
    organisation: Organisation, kind: str, name: str, request: HttpRequest, message: str
) -> FileBatch:
    batch = FileBatch.objects.create(
        organisation=organisation,
        kind=kind,
        state=FileBatch.State.REJECTED,
        file_name=name[:255],
        created_by=request.user if isinstance(request.user, User) else None,
        message=message,
        finished_at=timezone.now(),
    )
    audit.record(
        "onboarding.file_checked",
        request=request,
        target=batch,
        summary=batch.file_name,
        after={"kind": kind, "state": batch.state, "message": message},
        organisation=organisation,
    )
    return batch


def _read(data: bytes, name: str, columns: files.Columns) -> list[dict[str, Any]]:
    """The rows of an uploaded file (FileProblem when it cannot be read as such a file)."""
    kind = files.format_of(name)
    files.check_size(len(data), settings.IMPORT_MAX_MB)
    return list(files.records(files.read(data, kind, columns.header)))


@transaction.atomic
def check_unit_file(
    organisation: Organisation, request: HttpRequest, *, name: str, data: bytes
) -> FileBatch:
    """Read and check a file of units; the batch is the preview (checked, or rejected with its
    errors). Nothing but the batch is written."""
    try:
        rows = _read(data, name, unitfile.FILE_COLUMNS)
    except files.FileProblem as e:
        return _problem_batch(organisation, FileBatch.Kind.UNITS, name, request, str(e))
    checked = unitfile.check(rows, organisation)
    return _save_check(organisation, request, FileBatch.Kind.UNITS, name, checked, "")


@transaction.atomic
def check_people_file(
    organisation: Organisation,
    access: Access,
    request: HttpRequest,
    *,
    name: str,
    data: bytes,
    delivery: str,
) -> FileBatch:
    """Read and check a file of people, for invitations by e-mail or roles given at login."""
    if delivery not in FileBatch.Delivery.values:
        raise ValidationError(_("Choose how people receive their roles."))
    try:
        rows = _read(data, name, peoplefile.FILE_COLUMNS)
    except files.FileProblem as e:
        return _problem_batch(organisation, FileBatch.Kind.PEOPLE, name, request, str(e))
    checked = peoplefile.check(rows, access, delivery)
    return _save_check(organisation, request, FileBatch.Kind.PEOPLE, name, checked, delivery)


def _counts(checked: Any) -> dict[str, Any]:
    if isinstance(checked, unitfile.Checked):
        return {"new": len(checked.new), "present": checked.present, "kinds": checked.kinds}
    return {
        "by_email": len(checked.by_email),
        "at_login": len(checked.at_login),
        "present": checked.present,
        "moved_to_email": checked.moved_to_email,
        "new_accounts": checked.new_accounts,
    }


def _save_check(
    organisation: Organisation,
    request: HttpRequest,
    kind: str,
    name: str,
    checked: Any,
    delivery: str,
) -> FileBatch:
    rejected = checked.error_count > 0
    batch = FileBatch.objects.create(
        organisation=organisation,
        kind=kind,
        delivery=delivery,
        state=FileBatch.State.REJECTED if rejected else FileBatch.State.CHECKED,
        file_name=name[:255],
        created_by=request.user if isinstance(request.user, User) else None,
        row_count=len(checked.rows),
        error_count=checked.error_count,
        errors=[list(error) for error in checked.errors],
        # The rows wait for the import only when there is something to import.
        rows=[] if rejected else checked.rows,
        counts=_counts(checked),
        finished_at=timezone.now() if rejected else None,
    )
    audit.record(
        "onboarding.file_checked",
        request=request,
        target=batch,
        summary=batch.file_name,
        after={"kind": kind, "state": batch.state, "rows": batch.row_count,
               "errors": batch.error_count, **batch.counts},
    )  # fmt: skip
    return batch


def _stale(batch: FileBatch, checked: Any) -> None:
    """Keep the errors the second check found; the batch is rejected."""
    batch.state = FileBatch.State.REJECTED
    batch.error_count = checked.error_count
    batch.errors = [list(error) for error in checked.errors]
    batch.message = _("Målbild has changed since the file was checked; nothing was imported.")
    batch.rows = []
    batch.finished_at = timezone.now()
    batch.save()


def _finish(batch: FileBatch, counts: dict[str, Any]) -> None:
    batch.state = FileBatch.State.DONE
    batch.rows = []  # the names and addresses are no longer needed here
    batch.counts = counts
    batch.finished_at = timezone.now()
    batch.save()


def _require_checked(batch: FileBatch, kind: str) -> None:
    if batch.kind != kind or batch.state != FileBatch.State.CHECKED:
        raise ValidationError(_("Only a checked file without errors can be imported."))


@transaction.atomic
def import_units(batch: FileBatch, request: HttpRequest) -> int:
    """Create the units of a checked file, all or nothing; returns how many. The rows are
    checked again first: when Målbild has changed so that they no longer fit, the batch is
    rejected with the new errors and nothing else is written."""
    locked = FileBatch.objects.select_for_update().get(pk=batch.pk)
    _require_checked(locked, FileBatch.Kind.UNITS)
    checked = unitfile.check(locked.rows, locked.organisation)
    if checked.error_count:
        _stale(locked, checked)
        audit.record("onboarding.import_failed", request=request, target=locked,
                     summary=locked.file_name, after={"errors": locked.error_count})  # fmt: skip
        batch.refresh_from_db()
        return 0
    top = unitfile.top_unit()
    parent_ids = {r["parent"]["unit"] for r in checked.new if r["parent"] and "unit" in r["parent"]}
    existing = OrgUnit.objects.in_bulk(parent_ids)
    planned = []
    for row in checked.new:
        parent_ref = row["parent"]
        planned.append(
            tenant_services.PlannedUnit(
                key=row["code"].casefold(),
                name=row["name"],
                kind=row["kind"],
                code=row["code"],
                parent=existing[parent_ref["unit"]] if parent_ref and "unit" in parent_ref
                else (top if parent_ref is None else None),
                parent_key=parent_ref["code"].casefold() if parent_ref and "code" in parent_ref
                else None,
                kolada_ou_id=row["kolada"],
                school_unit_code=row["school"],
            )
        )  # fmt: skip
    try:
        with transaction.atomic():
            tenant_services.create_tree(
                locked.organisation,
                planned,
                request,
                target=locked,
                details={"source": "file", "file": locked.file_name, "present": checked.present},
            )
    except IntegrityError:  # someone made a unit of the same code or name at the same time
        raise ValidationError(CONCURRENT_CHANGE) from None
    _finish(locked, {**_counts(checked), "created": len(planned)})
    batch.refresh_from_db()
    return len(planned)


@transaction.atomic
def import_people(batch: FileBatch, access: Access, request: HttpRequest) -> tuple[int, int]:
    """Invite the people of a checked file, all or nothing: by e-mail (the worker sends the
    e-mails once the transaction has committed), or as roles given at their next login, with
    an account made for those who have none. Returns (invited by e-mail, given at login)."""
    locked = FileBatch.objects.select_for_update().get(pk=batch.pk)
    _require_checked(locked, FileBatch.Kind.PEOPLE)
    checked = peoplefile.check(locked.rows, access, locked.delivery)
    if checked.error_count:
        _stale(locked, checked)
        audit.record("onboarding.import_failed", request=request, target=locked,
                     summary=locked.file_name, after={"errors": locked.error_count})  # fmt: skip
        batch.refresh_from_db()
        return 0, 0
    units = {u.pk: u for u in OrgUnit.objects.filter(
        pk__in={r["unit"] for r in checked.by_email + checked.at_login if r["unit"]})}  # fmt: skip
    if checked.at_login:
        account_services.register_people(
            [(r["email"], r["name"]) for r in checked.at_login], request
        )
    rows = checked.by_email + checked.at_login
    invitations = tenant_services.invite_many(
        access,
        [(r["email"], r["name"], r["role"], units.get(r["unit"])) for r in rows],
        request,
        target=locked,
        details={"file": locked.file_name, "by_email": len(checked.by_email),
                 "at_login": len(checked.at_login), "present": checked.present},
    )  # fmt: skip
    by_email = invitations[: len(checked.by_email)]
    at_login = invitations[len(checked.by_email) :]
    LoginGrant.objects.bulk_create(
        [LoginGrant(organisation=locked.organisation, invitation=i, email=i.email, batch=locked)
         for i in at_login],
        batch_size=1000,
    )  # fmt: skip
    _finish(locked, {**_counts(checked)})
    if by_email:
        from malbild.onboarding import tasks

        site = request.build_absolute_uri("/")
        ids = [i.pk for i in by_email]
        transaction.on_commit(
            partial(tasks.send_invitations.enqueue, locked.organisation_id, ids, site)
        )
    batch.refresh_from_db()
    return len(by_email), len(at_login)


# Roles given at login -----------------------------------------------------------------------------


def apply_login_grants(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Receiver of Django's `user_logged_in`: give the person the roles waiting for their
    address, in every organisation, each as its invitation would be accepted (only while the
    person who gave it may still give it; otherwise it keeps waiting, for an administrator to
    withdraw). One indexed query when nothing waits."""
    if not isinstance(user, User) or not user.email:
        return
    with unscoped():  # the person's own grants, wherever they were given
        grants = list(
            LoginGrant.objects.filter(email=user.email, invitation__accepted_at__isnull=True)
            .select_related("organisation", "invitation", "invitation__unit",
                            "invitation__invited_by", "invitation__organisation")
            .order_by("pk")
        )  # fmt: skip
    for grant in grants:
        with scope(grant.organisation):
            try:
                tenant_services.accept_invitation(grant.invitation, user, request)
            except tenant_services.InvitationError:
                continue


# Starting texts -----------------------------------------------------------------------------------


@transaction.atomic
def start_platform(
    organisation: Organisation,
    request: HttpRequest,
    *,
    vision: str,
    mission: str,
    core_values: list[dict[str, str]],
) -> Any:
    """The platform's first draft with the starting texts as edited. Only for an organisation
    without any version of the platform: getting started never writes over one."""
    if platform_services.in_force(organisation) or platform_services.draft_of(organisation):
        raise ValidationError(_("The organisation already has a platform; edit it there."))
    draft = platform_services.start_draft(organisation, request)
    return platform_services.save_draft(
        draft, draft.lock_version, request, vision=vision, mission=mission, core_values=core_values
    )


@transaction.atomic
def start_target(organisation: Organisation, request: HttpRequest, **fields: Any) -> TargetVision:
    """The målbild's first draft, with the four default focus areas. Only for an organisation
    without any version of the målbild."""
    if TargetVision.objects.exists():
        raise ValidationError(_("The organisation already has a målbild; edit it there."))
    return target_services.start_draft(organisation, request, **fields)


# Key figures ------------------------------------------------------------------------------------


def _latest(client: Client, kpi: str, municipality: str) -> tuple[Decimal, int] | None:
    """The municipality's latest value of `kpi` (all genders together) and its year."""
    years = refresh.default_years()
    best: tuple[Decimal, int] | None = None
    for figure in client.data(kpi, [municipality], years):
        if figure.gender != "T" or figure.value is None:
            continue
        if best is None or figure.year > best[1]:
            best = (figure.value, figure.year)
    return best


def _stored_latest(kpis: list[str], municipality: str) -> dict[str, tuple[Decimal, int] | None]:
    """The latest figure of each KPI that Målbild holds already for the municipality (fetched
    for an indicator that followed it before), so that Kolada need not be asked (one query)."""
    found: dict[str, tuple[Decimal, int] | None] = {}
    for kpi, value, year in (
        KoladaValue.objects.filter(
            kpi__in=kpis, area=KoladaValue.Area.MUNICIPALITY, area_id=municipality, gender="T",
            value__isnull=False,
        )
        .order_by("kpi", "-year")
        .values_list("kpi", "value", "year")
    ):  # fmt: skip
        if value is not None:  # as filtered: for mypy
            found.setdefault(kpi, (value, year))
    return found


def link_starter_kpis(
    organisation: Organisation,
    request: HttpRequest,
    chosen: list[str],
    *,
    client: Client | None = None,
) -> tuple[list[Indicator], list[str], ImportRun | None]:
    """Create an indicator following each chosen key figure of the starter set, with Kolada's
    latest value for the municipality as its baseline, and start fetching all their figures
    (the municipality's, the country's and the schools') in the worker.

    Kolada is asked first, for every key figure whose figures Målbild does not hold already,
    and only then is anything written, in one transaction: KoladaError means nothing was made.
    Returns the indicators made, the key figures left out (already followed, or without figures
    for the municipality) and the run."""
    municipality = organisation.kolada_municipality_id
    if not municipality:
        raise ValidationError(_("Choose the organisation's Kolada municipality first."))
    starters = {s.kpi: s for s in content.STARTER_KPIS}
    wanted = [kpi for kpi in chosen if kpi in starters]
    if not wanted:
        raise ValidationError(_("Tick at least one key figure."))
    followed = set(Indicator.objects.exclude(kolada_kpi="").values_list("kolada_kpi", flat=True))
    codes = {code.casefold() for code in Indicator.objects.values_list("code", flat=True)}
    baselines = _stored_latest([kpi for kpi in wanted if kpi not in followed], municipality)
    missing = [kpi for kpi in wanted if kpi not in followed and kpi not in baselines]
    if missing:  # Kolada is asked only for what Målbild does not hold already
        client = client or kolada_client()
        try:
            for kpi in missing:
                baselines[kpi] = _latest(client, kpi, municipality)
        finally:
            client.close()
    skipped = [kpi for kpi in wanted if kpi in followed or baselines.get(kpi) is None]
    made: list[Indicator] = []
    with transaction.atomic():
        for kpi in wanted:
            found = baselines.get(kpi)
            if kpi in skipped or found is None:
                continue
            starter = starters[kpi]
            code = _free_code(kpi, codes)
            indicator = indicator_services.save_indicator(
                organisation,
                request,
                code=code,
                name=starter.name,
                description=str(_("Follows Kolada's key figure %(kpi)s: %(title)s")
                                % {"kpi": kpi, "title": starter.kolada_title}),
                unit_of_measure=starter.unit_of_measure,
                direction=Indicator.Direction.HIGHER,
                periodicity=Indicator.Periodicity.YEAR,
                source="Kolada",
                baseline_value=found[0],
                baseline_period=str(found[1]),
            )  # fmt: skip
            links.link_kpi(indicator, request, kpi)
            made.append(indicator)
        run = None
        if made:
            run = refresh.start(organisation, user=request.user, kpis=[i.kolada_kpi for i in made])
            transaction.on_commit(
                partial(import_tasks.refresh_kolada.enqueue, organisation.pk, run.pk)
            )
    return made, skipped, run
