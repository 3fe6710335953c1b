import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from malbild.demo import content
from malbild.tenants.models import Membership, Organisation


class Command(BaseCommand):
    """What it prints speaks the active language: Swedish, unless MALBILD_… settings say
    otherwise (management commands run in `LANGUAGE_CODE`)."""

    help = "Set up the demo database (migrate, load Mittköping and Ekby), then serve it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Only prepare the database, then exit (a worker generates the demo's document "
            "when it runs: malbild worker --batch).",
        )

    def handle(self, *args: Any, port: int, no_serve: bool, **opts: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(_("The demo never runs in production mode (MALBILD_PRODUCTION=1)."))
        # Before migrating, so that a database of real organisations is left exactly as it was.
        self.refuse_foreign_organisations()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.refuse_foreign_organisations()
        content.prepare(f"http://127.0.0.1:{port}")
        self.stdout.write(self.style.SUCCESS(_("The demo is ready.")))
        self.stdout.write(f"\n  Målbild: http://127.0.0.1:{port}/\n")
        login = _("Log in with any of these (password: %(password)s):")
        self.stdout.write("  " + login % {"password": content.PASSWORD})
        for person in content.PEOPLE:
            self.stdout.write(f"    {person.email:34} {person.name}, {person.description}")
        self.stdout.write("\n  " + _("Their roles:"))
        for person in content.PEOPLE:
            role = Membership.Role(person.role).label
            self.stdout.write(f"    {person.email:34} {role}: {content.where(person)}")
        self.stdout.write("")
        if no_serve:
            return
        worker = subprocess.Popen([sys.executable, "-m", "malbild.cli", "worker"])
        try:
            call_command("serve", bind=f"127.0.0.1:{port}")
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    def refuse_foreign_organisations(self) -> None:
        """Raise CommandError when the database holds organisations that are not the demo's."""
        if Organisation._meta.db_table not in connection.introspection.table_names():
            return  # a fresh database: nothing to protect yet
        foreign = list(
            Organisation.objects.exclude(slug__in=content.DEMO_SLUGS)
            .order_by("slug")
            .values_list("slug", flat=True)[:4]
        )
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise CommandError(
                _(
                    "This database holds organisations that are not part of the demo "
                    "(%(organisations)s); the demo only runs on a database of its own (point "
                    "MALBILD_DATA_DIR or MALBILD_DATABASE_URL at a new one)."
                )
                % {"organisations": shown}
            )
