"""Asking for a follow-up document, generating it in the worker, and taking a withdrawn quote
or picture out of every kept document.

Files are private: they are kept through the storage API under reports/ (in the database,
server.storage), which nothing serves directly, and are read only through `reports.views`. Both
files of a document are written in one transaction, so a task that fails halfway leaves nothing
that is listed.
"""

import hashlib
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from malbild import audit
from malbild.followup import access as report_access
from malbild.followup.models import Period
from malbild.lib import worklocks
from malbild.reports import contents as document_contents
from malbild.reports import excel, pdf
from malbild.reports.models import GeneratedReport
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.permissions import Access
from malbild.tenants.scope import scope, unscoped

log = logging.getLogger(__name__)
Status = GeneratedReport.Status
WORKING = (Status.QUEUED, Status.RUNNING)
FOLDER = "reports"


def empty_message(period: Period, unit: OrgUnit) -> str:
    return _(
        "Nothing has been reported for %(period)s in %(unit)s yet: no goal there has a "
        "follow-up report you may read. A document would be empty; ask for it once the units "
        "have reported."
    ) % {"period": period.name, "unit": unit.name}


def _enqueue(document: GeneratedReport) -> None:
    from malbild.reports import tasks

    organisation_id, document_id = document.organisation_id, document.pk
    transaction.on_commit(lambda: tasks.generate.enqueue(organisation_id, document_id))


def request_document(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    access: Access,
    period: Period,
    unit: OrgUnit,
    language: str,
    drafts: bool = True,
) -> tuple[GeneratedReport, bool]:
    """Queue a document of `period` for `unit`'s subtree, or return the one already queued or
    being generated for the same period, unit, language and drafts (False: no new work).

    Drafts go in when they are asked for (`drafts`) and the person reads the subtree's drafts;
    a document without them is read by every member, the nämnd's elected members too. Raises
    ValidationError when nothing has been reported (the document would be empty)."""
    with_drafts = drafts and report_access.may_read_drafts_of(access, unit)
    if not document_contents.has_reports(period, unit, with_drafts=with_drafts):
        raise ValidationError(empty_message(period, unit))
    key = {"period": period, "unit": unit, "language": language, "with_drafts": with_drafts}
    with transaction.atomic():
        running = GeneratedReport.objects.select_for_update().filter(status__in=WORKING, **key)
        if (found := running.first()) is not None:
            return found, False
        try:
            with transaction.atomic():
                document = GeneratedReport.objects.create(
                    organisation=organisation,
                    requested_by=request.user
                    if request and request.user.is_authenticated
                    else None,
                    **key,
                )
        except IntegrityError:
            # Another request claimed the same document between the read and the insert.
            return GeneratedReport.objects.get(status__in=WORKING, **key), False
        audit.record(
            "reports.requested",
            request=request,
            target=document,
            summary=str(document),
            after={"period": period.pk, "unit": unit.pk, "language": language,
                   "with_drafts": with_drafts},
        )  # fmt: skip
        _enqueue(document)
    return document, True


def retry(document: GeneratedReport, request: HttpRequest | None) -> GeneratedReport:
    """Generate a failed document again (or return the same document already under way)."""
    if document.status != Status.FAILED:
        raise ValidationError(_("Only a document that failed can be generated again."))
    with transaction.atomic():
        running = GeneratedReport.objects.filter(
            status__in=WORKING,
            period_id=document.period_id,
            unit_id=document.unit_id,
            language=document.language,
            with_drafts=document.with_drafts,
        ).first()
        if running is not None:
            return running
        before = {"status": document.status, "error": document.error}
        document.status, document.error, document.progress = Status.QUEUED, "", 0
        document.finished_at = None
        document.save(update_fields=["status", "error", "progress", "finished_at"])
        audit.record(
            "reports.retried",
            request=request,
            target=document,
            summary=str(document),
            before=before,
            after={"status": document.status},
        )
        _enqueue(document)
    return document


# Files ------------------------------------------------------------------------------------------


def _name(document: GeneratedReport, suffix: str) -> str:
    stem = slugify(f"{document.period.name}-{document.unit.name}") or "uppfoljning"
    return f"{FOLDER}/{document.organisation_id}/{document.pk}/{stem}-{document.language}.{suffix}"


def _write(files: dict[str, bytes]) -> dict[str, str]:
    """Keep every file (name → bytes), replacing a file of the same name (a document rendered
    again), in one transaction: the files are in the database (server.storage), so a failure
    halfway leaves the old files as they were and no new one. Returns the SHA-256 of each."""
    with transaction.atomic():
        for name, data in files.items():
            default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(data))
            if saved != name:  # deleted just above, in this transaction: cannot happen
                raise OSError(f"{name} was stored as {saved}")
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def _progress(document: GeneratedReport, percent: int) -> None:
    GeneratedReport.objects.filter(pk=document.pk).update(progress=percent)


def _render(document: GeneratedReport, contents: dict[str, Any], **options: Any) -> None:
    """Render both files of `contents` and move them into place; set the names and checksums on
    `document` (not saved)."""
    pdf_bytes = pdf.render(contents, **options)
    _progress(document, 70)
    xlsx_bytes = excel.render(contents)
    _progress(document, 90)
    pdf_name, xlsx_name = _name(document, "pdf"), _name(document, "xlsx")
    sums = _write({pdf_name: pdf_bytes, xlsx_name: xlsx_bytes})
    document.pdf_file.name, document.pdf_sha256 = pdf_name, sums[pdf_name]
    document.xlsx_file.name, document.xlsx_sha256 = xlsx_name, sums[xlsx_name]


def generate(document: GeneratedReport) -> GeneratedReport:
    """Gather, render and keep the document (in the worker, or at once in the demo). A failure
    leaves it failed with the reason and no files; so does a process that dies meanwhile, once
    :func:`sweep_interrupted` has found that nobody holds the document's lock any more."""
    with worklocks.working_on(worklocks.DOCUMENT, document.pk):
        claimed = GeneratedReport.objects.filter(pk=document.pk, status=Status.QUEUED).update(
            status=Status.RUNNING, progress=5
        )
        if not claimed:
            return document  # another worker has it, or it is no longer waiting
        document.status = Status.RUNNING
        return _generate(document)


def _generate(document: GeneratedReport) -> GeneratedReport:
    try:
        contents = document_contents.gather(
            document.organisation,
            document.period,
            document.unit,
            language=document.language,
            with_drafts=document.with_drafts,
        )
        _progress(document, 30)
        _render(document, contents)
    except Exception as e:
        log.exception("Follow-up document %s failed", document.pk)
        if isinstance(e, document_contents.EmptyPeriod):
            reason = empty_message(document.period, document.unit)
        else:
            reason = _("The document could not be generated (%(error)s).") % {
                "error": f"{type(e).__name__}: {e}"[:300]
            }
        _fail(document, reason)
        document.refresh_from_db()
        return document
    with transaction.atomic():
        document.contents = contents
        document.quote_ids = document_contents.quote_ids(contents)
        document.image_ids = document_contents.image_ids(contents)
        document.status, document.progress = Status.DONE, 100
        document.finished_at = timezone.now()
        document.save()
        audit.record(
            "reports.generated",
            actor=document.requested_by,
            target=document,
            summary=str(document),
            after={"pdf_sha256": document.pdf_sha256, "xlsx_sha256": document.xlsx_sha256},
            organisation=document.organisation,
        )
    # A consent withdrawn while it was being generated: take the words out at once.
    _rerender_withdrawn([document])
    return document


def _fail(document: GeneratedReport, reason: str, **facts: Any) -> bool:
    """Mark a document that is being generated failed, with its audit event; False when it
    was not being generated any more."""
    with transaction.atomic():
        failed = GeneratedReport.objects.filter(pk=document.pk, status=Status.RUNNING).update(
            status=Status.FAILED, error=reason, finished_at=timezone.now()
        )
        if failed:
            audit.record(
                "reports.failed",
                actor=document.requested_by,
                target=document,
                summary=str(document),
                after={"error": reason, **facts},
                organisation=document.organisation,
            )
    return bool(failed)


TASKS = ("malbild.reports.tasks.generate",)


def sweep_interrupted() -> list[GeneratedReport]:
    """Mark failed every document left "being generated" by a process that died (nobody holds
    its lock, no task has just taken it), so that it can be generated again instead of
    blocking the same request for ever; returns them."""
    with unscoped():
        candidates = list(
            GeneratedReport.objects.filter(
                status=Status.RUNNING, requested_at__lt=timezone.now() - worklocks.GRACE
            )
            .select_related("organisation", "period", "unit", "requested_by")
            .order_by("pk")
        )
    failed = []
    for document in worklocks.abandoned(worklocks.DOCUMENT, TASKS, candidates):
        reason = _(
            "The document was interrupted: the server stopped while it was being generated. "
            "Generate it again."
        )
        with scope(document.organisation):
            if not _fail(document, reason, interrupted=True):
                continue  # finished meanwhile
        worklocks.fail_running_tasks(TASKS, document.pk)
        log.warning("Follow-up document %s was interrupted; marked failed", document.pk)
        failed.append(document)
    return failed


# Withdrawn consent -----------------------------------------------------------------------------


def _rerender_withdrawn(documents: list[GeneratedReport]) -> None:
    """Queue a new rendering of each document that holds a quote or image whose consent has
    been withdrawn since it was rendered."""
    from malbild.stories.models import Quote, StoryImage

    quotes = {q for d in documents for q in d.quote_ids}
    images = {i for d in documents for i in d.image_ids}
    gone_quotes = set(
        Quote.objects.filter(pk__in=quotes, withdrawn_at__isnull=False).values_list("pk", flat=True)
    )
    gone_images = set(
        StoryImage.objects.filter(pk__in=images, withdrawn_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    if not gone_quotes and not gone_images:
        return
    from malbild.reports import tasks

    def later(organisation_id: int, document_id: int) -> None:
        transaction.on_commit(lambda: tasks.remove_withdrawn.enqueue(organisation_id, document_id))

    for document in documents:
        if gone_quotes & set(document.quote_ids) or gone_images & set(document.image_ids):
            later(document.organisation_id, document.pk)


def after_withdrawal(
    *, quote_id: int | None = None, image_id: int | None = None, **_signal: Any
) -> None:
    """A quote's or picture's consent was withdrawn (`stories.signals.consent_withdrawn`,
    in that transaction): every kept document that holds it is rendered again without it, in the
    background."""
    documents = [
        d
        for d in GeneratedReport.objects.filter(status=Status.DONE).only(
            "pk", "organisation_id", "quote_ids", "image_ids"
        )
        if quote_id in d.quote_ids or image_id in d.image_ids
    ]
    _rerender_withdrawn(documents)


def remove_withdrawn(document: GeneratedReport) -> bool:
    """Render the kept document again from its frozen contents without the quotes and images
    whose consent has been withdrawn, with a note saying so; new checksums and the date, audited.
    Returns whether anything was removed."""
    from malbild.stories.models import Quote, StoryImage

    if document.status != Status.DONE:
        return False
    gone_quotes = set(
        Quote.objects.filter(pk__in=document.quote_ids, withdrawn_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    gone_images = set(
        StoryImage.objects.filter(
            pk__in=document.image_ids, withdrawn_at__isnull=False
        ).values_list("pk", flat=True)
    )
    if not gone_quotes and not gone_images:
        return False
    today = timezone.localdate()
    contents = document_contents.without(
        document.contents, quotes=gone_quotes, images=gone_images, on=today
    )
    before = {"pdf_sha256": document.pdf_sha256, "xlsx_sha256": document.xlsx_sha256}
    _render(document, contents, rerendered_on=today)
    with transaction.atomic():
        document.contents = contents
        document.quote_ids = document_contents.quote_ids(contents)
        document.image_ids = document_contents.image_ids(contents)
        document.rerendered_at = timezone.now()
        document.save()
        audit.record(
            "reports.rerendered",
            target=document,
            summary=str(document),
            before=before,
            after={
                "pdf_sha256": document.pdf_sha256,
                "xlsx_sha256": document.xlsx_sha256,
                "quotes_removed": sorted(gone_quotes),
                "images_removed": sorted(gone_images),
            },
            organisation=document.organisation,
        )
    return True
