import logging
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from malbild.server.scheduler import tick

logger = logging.getLogger("malbild.worker")


def run_scheduler(stop: threading.Event, every: float) -> None:
    """Enqueue due periodic work once a minute, until `stop` is set."""
    while not stop.is_set():
        try:
            close_old_connections()
            tick(timezone.now())
        except Exception:
            logger.exception("The scheduler tick failed; trying again in a minute")
        finally:
            connection.close()
        stop.wait(every)


def sweep_interrupted_work() -> None:
    """Mark the imports and documents that a stopped or killed process left unfinished failed,
    before taking new work: they wrote nothing, and would otherwise say "being imported" or
    "being generated" for ever."""
    from malbild.server.tasks import sweep_interrupted

    try:
        sweep_interrupted()  # logs each run and document it marks
    except Exception:
        logger.exception("Sweeping interrupted work failed; the schedule tries again")
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Run background tasks and enqueue periodic work (one or more per installation)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--batch", action="store_true", help="Run the waiting tasks, then exit."
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Only run tasks; enqueue nothing."
        )
        parser.add_argument(
            "--name", default="",
            help="This worker's name in the tasks it runs (default: a random one), to tell "
            "several workers apart.",
        )  # fmt: skip

    def handle(
        self,
        *args: Any,
        interval: float,
        batch: bool,
        no_scheduler: bool,
        name: str,
        **opts: Any,
    ) -> None:
        sweep_interrupted_work()
        stop = threading.Event()
        if not (batch or no_scheduler):
            threading.Thread(
                target=run_scheduler, args=(stop, 60.0), name="scheduler", daemon=True
            ).start()
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=name[:64] or get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write("Målbild worker started.")
        try:
            worker.run()
        finally:
            stop.set()
