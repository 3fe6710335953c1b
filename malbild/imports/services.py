"""The life of a file import: upload and check (a preview), then import all or nothing.

A run is checked first; its rows, columns and every error are kept on the :class:`ImportRun`
for the preview. Importing reads the stored file again, checks it again (the units and
indicators may have changed meanwhile) and writes it in one transaction with exactly one audit
event that refers to the run. Large files do both steps in the background (tasks.py).
"""

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild import audit
from malbild.imports import files, interrupted
from malbild.imports.measurements import Checked, Progress, Stale, check, write
from malbild.imports.models import ImportRun
from malbild.tenants.models import Organisation, OrgUnit

# Files above this size (an Excel file's unpacked size) are checked and imported by the worker,
# with progress on the page.
BACKGROUND_BYTES = 1024 * 1024

State = ImportRun.State


def _store(organisation: Organisation, data: bytes, kind: str) -> str:
    """Keep the file through the storage API (in the database, `server.storage`), where the
    worker on another host reads it too."""
    name = f"imports/{organisation.pk}/{uuid.uuid4().hex}.{kind}"
    return default_storage.save(name, ContentFile(data))


def stored_bytes(run: ImportRun) -> bytes:
    with default_storage.open(run.stored_file, "rb") as handle:
        data: bytes = handle.read()
    return data


def _forget_file(run: ImportRun) -> None:
    if run.stored_file:
        default_storage.delete(run.stored_file)
        run.stored_file = ""


def _progress_of(run: ImportRun) -> Progress:
    """Saves how far a check has come, in its own short write, so pages can show it."""

    def report(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(rows_done=done, rows_total=total)

    return report


def subtrees_of(run: ImportRun) -> list[OrgUnit] | None:
    ids = run.details.get("subtrees")
    if ids is None:
        return None
    return list(OrgUnit.objects.filter(pk__in=ids))


def create_file_run(
    organisation: Organisation,
    *,
    name: str,
    data: bytes,
    user: Any = None,
    via: str = ImportRun.Via.WEB,
    subtrees: list[OrgUnit] | None = None,
) -> ImportRun:
    """A run for an uploaded file, with the file stored for checking and importing. A file
    that is certainly not a measurement file is rejected at once (FileProblem's message)."""
    run = ImportRun(
        organisation=organisation,
        kind=ImportRun.Kind.FILE,
        via=via,
        file_name=Path(name).name[:255],
        started_by=user if getattr(user, "pk", None) else None,
        details={"subtrees": None if subtrees is None else [u.pk for u in subtrees]},
    )
    try:
        kind = files.format_of(name)
        files.check_size(len(data), settings.IMPORT_MAX_MB)
    except files.FileProblem as e:
        run.state = State.REJECTED
        run.message = str(e)
        run.finished_at = timezone.now()
        run.save()
        return run
    run.details["format"] = kind
    run.stored_file = _store(organisation, data, kind)
    run.save()
    return run


def in_background(run: ImportRun, data: bytes) -> bool:
    """Whether the file is too much to check inside the web request: measured by what there is
    to parse, so a small Excel file that unpacks to a large sheet goes to the worker too."""
    return files.work_size(data, run.details.get("format", files.CSV)) > BACKGROUND_BYTES


def _read_and_check(run: ImportRun, progress: Progress | None) -> Checked | str:
    """The stored file checked, or the message saying why it cannot be read at all."""
    try:
        data = stored_bytes(run)
    except OSError:
        return _("The uploaded file is no longer kept. Upload it again.")
    try:
        table = files.read(data, run.details.get("format", files.CSV))
        return check(table, run.organisation, subtrees=subtrees_of(run), progress=progress)
    except files.FileProblem as e:  # also while the rows are read (an Excel sheet's limits)
        return str(e)


def check_run(run: ImportRun, request: HttpRequest | None = None, *, audit_it: bool = True) -> None:
    """Check a stored file and keep the preview on the run: columns, first rows, errors."""
    with interrupted.working_on(run.pk):
        _check_run(run, request, audit_it=audit_it)


def _check_run(run: ImportRun, request: HttpRequest | None, *, audit_it: bool) -> None:
    if run.state == State.REJECTED:  # not a measurement file at all (create_file_run)
        result: Checked | str = run.message
    else:
        result = _read_and_check(run, _progress_of(run))
    with transaction.atomic():
        run.refresh_from_db(fields=["rows_done", "rows_total"])
        if isinstance(result, str):
            run.state, run.message = State.REJECTED, result
            run.finished_at = timezone.now()
            _forget_file(run)
        else:
            run.columns, run.preview = result.columns, result.preview
            run.errors = [list(error) for error in result.errors]
            run.error_count, run.rows_total = result.error_count, len(result.rows)
            run.rows_done = 0
            run.details["rows_in_file"] = result.total
            if result.error_count:
                run.state = State.REJECTED
                run.finished_at = timezone.now()
                _forget_file(run)
            else:
                run.state = State.CHECKED
        run.save()
        if audit_it:
            audit.record(
                "imports.file_checked",
                request=request,
                actor=run.started_by,
                target=run,
                summary=run.file_name,
                after=_facts(run),
                organisation=run.organisation,
            )


def _facts(run: ImportRun) -> dict[str, Any]:
    return {
        "file": run.file_name,
        "state": run.state,
        "rows": run.rows_total,
        "new": run.rows_created,
        "replaced": run.rows_replaced,
        "errors": run.error_count,
    }


def import_run(
    run: ImportRun, request: HttpRequest | None = None, *, checked: Checked | None = None
) -> None:
    """Import a checked file, all or nothing, with one audit event for the run. The file is
    read and checked again unless `checked` is the check just made in the same process."""
    if run.state not in (State.CHECKED, State.IMPORTING):
        raise ValidationError(_("Only a checked file without errors can be imported."))
    with interrupted.working_on(run.pk):
        _import_run(run, request, checked)


def _import_run(run: ImportRun, request: HttpRequest | None, checked: Checked | None) -> None:
    ImportRun.objects.filter(pk=run.pk).update(state=State.IMPORTING, rows_done=0)
    result = checked if checked is not None else _read_and_check(run, _progress_of(run))
    with transaction.atomic():
        run.refresh_from_db()
        failure = ""
        if isinstance(result, str):
            failure = result
        elif result.error_count:
            run.errors = [list(error) for error in result.errors]
            run.error_count = result.error_count
            failure = _("The file no longer fits the organisation's units and indicators.")
        else:
            try:
                with transaction.atomic():
                    run.rows_created, run.rows_replaced = write(result, run.organisation, run.pk)
            except Stale as e:
                failure = str(e)
        run.finished_at = timezone.now()
        _forget_file(run)
        if failure:
            run.state, run.message = State.FAILED, failure
            action = "imports.import_failed"
        else:
            run.state = State.DONE
            run.rows_done = run.rows_total
            action = "imports.measurements_imported"
        run.save()
        audit.record(
            action,
            request=request,
            actor=run.started_by,
            target=run,
            summary=run.file_name,
            after=_facts(run),
            organisation=run.organisation,
        )


def import_file_now(
    organisation: Organisation,
    *,
    name: str,
    data: bytes,
    via: str = ImportRun.Via.COMMAND,
    progress: Progress | None = None,
) -> ImportRun:
    """Check and import a file in the calling process (the command line): one run, one audit
    event, all or nothing."""
    run = create_file_run(organisation, name=name, data=data, via=via)
    if run.state == State.REJECTED:
        _finish_rejected(run)
        return run
    with interrupted.working_on(run.pk):
        return _import_file_now(run, progress)


def _import_file_now(run: ImportRun, progress: Progress | None) -> ImportRun:
    organisation = run.organisation
    result = _read_and_check(run, progress)
    with transaction.atomic():
        if isinstance(result, str) or result.error_count:
            if isinstance(result, str):
                run.message = result
            else:
                run.errors = [list(error) for error in result.errors]
                run.error_count = result.error_count
                run.columns = result.columns
            run.state = State.REJECTED
            run.finished_at = timezone.now()
            _forget_file(run)
            run.save()
            audit.record(
                "imports.import_failed",
                target=run,
                summary=run.file_name,
                after=_facts(run),
                organisation=organisation,
            )
            return run
        run.columns, run.rows_total = result.columns, len(result.rows)
        run.state = State.CHECKED
        run.save()
    import_run(run, checked=result)
    run.refresh_from_db()
    return run


def _finish_rejected(run: ImportRun) -> None:
    with transaction.atomic():
        audit.record(
            "imports.import_failed",
            actor=run.started_by,
            target=run,
            summary=run.file_name,
            after=_facts(run),
            organisation=run.organisation,
        )
