"""Background work of follow-up documents: generating one, and rendering a kept one again
without a quote or picture whose consent was withdrawn."""

from django_tasks import task

from malbild.reports.models import GeneratedReport
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope


def _document(document_id: int) -> GeneratedReport | None:
    """The document, read in the scope of the organisation the task was given (so another
    organisation's id finds nothing)."""
    return (
        GeneratedReport.objects.select_related("organisation", "period", "unit", "requested_by")
        .filter(pk=document_id)
        .first()
    )


@task()
def generate(organisation_id: int, document_id: int) -> None:
    """Generate a queued document (its PDF and Excel files)."""
    from malbild.reports import services

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    with scope(organisation):
        document = _document(document_id)
        if document is not None and document.status == GeneratedReport.Status.QUEUED:
            services.generate(document)


@task()
def remove_withdrawn(organisation_id: int, document_id: int) -> None:
    """Render a kept document again without the quotes and pictures whose consent was
    withdrawn."""
    from malbild.reports import services

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    with scope(organisation):
        document = _document(document_id)
        if document is not None:
            services.remove_withdrawn(document)
