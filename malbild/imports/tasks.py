"""Background work of imports: checking and importing large files, and refreshing the figures
from Kolada (on demand and weekly)."""

from django_tasks import task

from malbild.imports.models import ImportRun
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope


def _run(run_id: int) -> ImportRun | None:
    """The run, read in the scope of the organisation the task was given (so another
    organisation's run id finds nothing)."""
    return ImportRun.objects.select_related("organisation", "started_by").filter(pk=run_id).first()


@task()
def check_file(organisation_id: int, run_id: int) -> None:
    """Check an uploaded file (the preview) in the worker."""
    from malbild.imports import services

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    with scope(organisation):
        run = _run(run_id)
        if run is None or run.state != ImportRun.State.CHECKING:
            return
        services.check_run(run)


@task()
def import_file(organisation_id: int, run_id: int) -> None:
    """Import a checked file in the worker, all or nothing."""
    from malbild.imports import services

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    with scope(organisation):
        run = _run(run_id)
        if run is None or run.state != ImportRun.State.IMPORTING:
            return
        services.import_run(run)


@task()
def refresh_kolada(organisation_id: int, run_id: int) -> None:
    """Fetch the figures a Kolada run asks for (started from the Kolada page)."""
    from malbild.imports import refresh

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    with scope(organisation):
        run = _run(run_id)
        if run is None or run.kind != ImportRun.Kind.KOLADA:
            return
        if run.state != ImportRun.State.IMPORTING:
            return
        refresh.perform(run)


@task()
def refresh_kolada_weekly() -> int:
    """Refresh every organisation that has a Kolada municipality and linked indicators;
    returns the number of runs. One organisation failing does not stop the others."""
    from malbild.imports import refresh
    from malbild.indicators.models import Indicator

    count = 0
    for organisation in Organisation.objects.exclude(kolada_municipality_id=""):
        with scope(organisation):
            if not Indicator.objects.exclude(kolada_kpi="").exists():
                continue
            run = refresh.start(organisation, via=ImportRun.Via.SCHEDULE)
            refresh.perform(run)
            count += 1
    return count
