"""The demo: people (and, from Foundation II on, the municipalities Mittköping and Ekby).

Everything here is fictional and written for Målbild. Loading is idempotent: running it again
brings the demo back to this state without duplicating anything.
"""

from dataclasses import dataclass

from django.db import transaction

from malbild import audit
from malbild.accounts.models import User

PASSWORD = "mittkoping-demo"  # noqa: S105  (documented demo password, demo database only)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    description: str


PEOPLE = (
    DemoPerson(
        "politiker@mittkoping.example",
        "Karin Lindqvist",
        "förtroendevald, ordförande i barn- och utbildningsnämnden",
    ),
    DemoPerson("forvaltning@mittkoping.example", "Anders Holm", "förvaltningschef"),
    DemoPerson("rektor@mittkoping.example", "Sara Nyström", "rektor på Åsens skola"),
    DemoPerson("larare@mittkoping.example", "Johan Berg", "lärare på Åsens skola"),
    DemoPerson("admin@ekby.example", "Eva Ek", "förvaltningsledning i Ekby"),
)

DEMO_DOMAINS = ("mittkoping.example", "ekby.example")


def is_demo_email(email: str) -> bool:
    return email.rsplit("@", 1)[-1] in DEMO_DOMAINS


@transaction.atomic
def load() -> None:
    """Create or refresh the demo people."""
    for person in PEOPLE:
        user, created = User.objects.get_or_create(
            email=person.email, defaults={"name": person.name}
        )
        user.name = person.name
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        if created:
            audit.record("demo.person_created", target=user, summary=person.email)
