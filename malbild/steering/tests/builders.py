"""Small builders for the steering tests: documents, changes and a målbild that cites one."""

from datetime import date
from typing import Any

from malbild.steering.models import SteeringChange, SteeringDocument
from malbild.targets.models import TargetVision
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope, unscoped


def make_document(org: Organisation, title: str = "Skollagen", **fields: Any) -> SteeringDocument:
    values = {"kind": "law", "level": "national", "issuer": "Riksdagen", **fields}
    with scope(org):
        return SteeringDocument.objects.create(organisation=org, title=title, **values)


def make_change(
    document: SteeringDocument, on: date, kind: str = "decided", **fields: Any
) -> SteeringChange:
    values = {"description": "En ändring.", "source": "SFS 2010:800", **fields}
    with scope(document.organisation):
        return SteeringChange.objects.create(
            organisation=document.organisation, document=document, kind=kind, date=on, **values
        )


def make_adopted_target_vision(org: Organisation, *cites: SteeringDocument) -> TargetVision:
    with scope(org):
        version = TargetVision.objects.create(
            organisation=org,
            number=1,
            status=TargetVision.Status.ADOPTED,
            title="Digitalt lärande för alla",
            statement="Alla elever använder digitala verktyg med omdöme.",
            start_year=2025,
            end_year=2028,
            change_motive="Omvärlden förändras.",
            if_nothing_changes="Eleverna halkar efter.",
        )
        for document in cites:
            version.steering_documents.add(document)
    return version


def fresh(obj: Any) -> Any:
    with unscoped():
        return type(obj).objects.get(pk=obj.pk)


def documents(org: Organisation) -> list[SteeringDocument]:
    with scope(org):
        return list(SteeringDocument.objects.all())


def changes(org: Organisation) -> list[SteeringChange]:
    with scope(org):
        return list(SteeringChange.objects.all())
