"""Mittköping's kept follow-up document for the demo: the finished period (Delår 1) of the whole
förvaltning in Swedish, generated at once while the demo loads (no worker needed), so the list
of documents and both downloads have something to show. Idempotent: nothing is written when the
organisation has documents already."""

from malbild import audit
from malbild.accounts.models import User
from malbild.followup.models import Period
from malbild.reports import services
from malbild.reports.models import GeneratedReport
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope


def load(organisation: Organisation, people: dict[str, User]) -> None:
    with scope(organisation):
        if GeneratedReport.objects.exists():
            return
        period = Period.objects.filter(name__startswith="Delår 1").first()
        top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
        if period is None or top is None:
            return
        admin = people["forvaltning"]
        document = GeneratedReport.objects.create(
            organisation=organisation,
            period=period,
            unit=top,
            language=GeneratedReport.Language.SWEDISH,
            with_drafts=True,
            requested_by=admin,
        )
        audit.record(
            "reports.requested",
            actor=admin,
            target=document,
            summary=str(document),
            after={"period": period.pk, "unit": top.pk, "language": document.language},
            organisation=organisation,
        )
        services.generate(document)
