import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from malbild.accounts.models import User
from malbild.demo import content


class Command(BaseCommand):
    help = "Set up the demo database (migrate, load Mittköping and Ekby), then serve it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Only prepare the database, then exit."
        )

    def handle(self, *args: Any, port: int, no_serve: bool, **opts: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs in production mode (MALBILD_PRODUCTION=1).")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        foreign = [u.email for u in User.objects.all() if not content.is_demo_email(u.email)]
        if foreign:
            raise CommandError(
                "This database holds people who are not part of the demo "
                f"({', '.join(foreign[:3])}…); the demo only runs on a database of its own."
            )
        content.load()
        self.stdout.write(self.style.SUCCESS("The demo is ready."))
        self.stdout.write(f"\n  Målbild: http://127.0.0.1:{port}/\n")
        self.stdout.write(f"  Log in with any of these (password: {content.PASSWORD}):")
        for person in content.PEOPLE:
            self.stdout.write(f"    {person.email:34} {person.description}")
        self.stdout.write("")
        if no_serve:
            return
        worker = subprocess.Popen([sys.executable, "-m", "malbild.cli", "worker"])
        try:
            call_command("serve", bind=f"127.0.0.1:{port}")
        finally:
            worker.terminate()
            worker.wait(timeout=30)
