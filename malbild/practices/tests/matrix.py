"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The world: a draft practice of Åsens skola (the rektor's), one of Berga skola (not theirs: 403),
a public one of the förvaltning, and a practice that Ekby shared with every organisation.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from malbild.practices.models import Practice
from malbild.practices.tests.builders import make_practice
from malbild.practices.views import IMPORT_SALT
from malbild.targets.models import FocusArea
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
ASEN = "Ledarskap nära lärarna"
BERGA = "Berga skolas lärplattformar"
PUBLIC = "Mål som alla förstår"
EKBY = "En IT-strategi som lärarna äger"


def world(c: Cast) -> None:
    make_practice(c.org, c.school, ASEN)
    make_practice(c.org, c.other_school, BERGA, area="Infrastruktur")
    make_practice(c.org, c.root, PUBLIC, state=Practice.State.PUBLIC, area="Kompetens")
    make_practice(c.ekby, c.ekby_root, EKBY, state=Practice.State.SHARED, area="Infrastruktur")


def practice(c: Cast, title: str) -> Practice:
    org = c.ekby if title == EKBY else c.org
    with scope(org):
        return Practice.objects.get(title=title)


def page(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(f"practices:{name}", args=["mittkoping"])

    return path


def practice_url(name: str, title: str = ASEN) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(f"practices:{name}", args=["mittkoping", practice(c, title).pk])

    return path


def shared_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        args = [practice(c, EKBY).pk] if name == "detail" else []
        return reverse(f"practices_shared:{name}", args=args)

    return path


def public_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        args = ["mittkoping", practice(c, PUBLIC).pk] if name == "detail" else ["mittkoping"]
        return reverse(f"practices_public:{name}", args=args)

    return path


def practice_data(c: Cast) -> dict[str, Any]:
    with scope(c.org):
        area = FocusArea.objects.get(name="Ledning").pk
    return {
        "title": "Digitala lektionsbesök",
        "focus_area": area,
        "unit": c.school.pk,
        "summary": "Rektorn besöker lektioner och ger återkoppling på användningen.",
        "details": "",
        "tips": "Boka besöken i förväg\nGe återkoppling samma vecka",
        "contact_role": "Rektor",
        "contact_email": "",
    }


def berga_data(c: Cast) -> dict[str, Any]:
    return {**practice_data(c), "unit": c.other_school.pk, "title": BERGA}


def use_data(c: Cast) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "how": "plan",
        "tips": ["0"],
        "unit": c.school.pk,
        "starts_on": (today + timedelta(days=7)).isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
    }


def upload(c: Cast) -> dict[str, Any]:
    text = "# Läsa på skärm\n\nElever läser lika bra på skärm med rätt stöd.\n\n## Tips\n- Mät\n"
    data = practice_data(c)
    return {
        "uploads": SimpleUploadedFile("lasa.md", text.encode(), content_type="text/markdown"),
        "focus_area": data["focus_area"],
        "unit": c.school.pk,
        "contact_role": "Rektor",
    }


def payload(c: Cast) -> dict[str, Any]:
    data = practice_data(c)
    item = {
        "source": "lasa.md", "title": "Läsa på skärm", "summary": "Det går bra.", "details": "",
        "area": "", "contact": "Rektor", "unit": "", "email": "", "tips": ["Mät"],
        "area_id": data["focus_area"], "unit_id": c.school.pk,
    }  # fmt: skip
    return {"payload": signing.dumps({"source": "lasa.md", "items": [item]}, salt=IMPORT_SALT)}


CASES: dict[str, list[Case]] = {
    "practices:list": [
        Case("get", page("list"), LOGIN, 404, None, ("reader", 200)),
    ],
    "practices:create": [
        Case("get", page("create"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", page("create"), LOGIN, 404, ("elected", 403), ("rektor", 302), practice_data),
    ],
    "practices:detail": [
        Case("get", practice_url("detail"), LOGIN, 404, None, ("reader", 200)),
    ],
    "practices:edit": [
        Case("get", practice_url("edit"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", practice_url("edit"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             practice_data),
        # Another school's practice is not the rektor's to change.
        Case("post", practice_url("edit", BERGA), LOGIN, 404, ("rektor", 403), ("admin", 302),
             berga_data),
    ],
    "practices:set_state": [
        Case("post", practice_url("set_state"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {"state": "shared"}),
    ],
    "practices:use": [
        Case("get", practice_url("use", EKBY), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", practice_url("use", EKBY), LOGIN, 404, ("reader", 403), ("rektor", 302),
             use_data),
    ],
    "practices:comment": [
        Case("post", practice_url("comment", EKBY), LOGIN, 404, None, ("reader", 302),
             lambda c: {"kind": "question", "body": "Hur fick ni med lärarna?"}),
    ],
    "practices:import": [
        Case("get", page("import"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", page("import"), LOGIN, 404, ("elected", 403), ("rektor", 200), upload),
    ],
    "practices:import_commit": [
        Case("post", page("import_commit"), LOGIN, 404, ("teacher", 403), ("rektor", 302),
             payload),
    ],
    "practices_shared:library": [
        Case("get", shared_url("library"), LOGIN, 200, None, ("teacher", 200)),
    ],
    "practices_shared:detail": [
        Case("get", shared_url("detail"), LOGIN, 200, None, ("teacher", 200)),
    ],
    "practices_public:list": [
        Case("get", public_url("list"), 200, 200, None, (None, 200)),
    ],
    "practices_public:detail": [
        Case("get", public_url("detail"), 200, 200, None, (None, 200)),
    ],
}  # fmt: skip
