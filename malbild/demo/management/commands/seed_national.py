import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from malbild.demo import national

LARGEST_SCALE = 10.0


class Command(BaseCommand):
    help = (
        "Generate the national-scale benchmark dataset of DESIGN.md §6 (at scale 1: about 290 "
        "organisations kommun-001 …, 20,000 units, 100,000 goals, 1,000,000 measurements). "
        f"Every organisation's admin logs in as admin@kommun-NNN.example, password "
        f'"{national.PASSWORD}".'
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiplies every count (0.02 for CI, 1 for the full dataset). Default: 1.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same data. Default: 1."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the kommun-NNN organisations of an earlier run (and their admins) first.",
        )

    def handle(self, *args: Any, scale: float, seed: int, replace: bool, **opts: Any) -> None:
        if not (math.isfinite(scale) and 0 < scale <= LARGEST_SCALE):
            raise CommandError(
                f"--scale must be a number above 0 and at most {LARGEST_SCALE:g} "
                f"(0.02 for a quick run, 1 for the full dataset); got {scale:g}."
            )
        report = self.stdout.write if opts["verbosity"] >= 1 else None
        try:
            national.generate(scale=scale, seed=seed, replace=replace, report=report)
        except national.AlreadySeeded as error:
            shown = ", ".join(error.slugs[:3]) + (", …" if len(error.slugs) > 3 else "")
            raise CommandError(
                f"The database already holds {len(error.slugs)} generated organisations "
                f"({shown}). Run again with --replace to delete them first."
            ) from error
