"""The chart figure: how long drawing one chart takes, with nothing cached (there is no chart
cache), in a fresh process with the server's settings. Run by bench/run.py; prints one JSON
object.

Every draw gets data of its own, in the shapes and sizes the pages draw, in turn:

- an indicator's trend per year: 3–15 measured values, the baseline and 1–3 targets (the
  indicator page, the follow-up PDF);
- a trend per month over 2–5 years, and one per term (the same, for other periodicities);
- a Kolada comparison: the municipality, its group's average and Sweden over 5–15 years;
- a self-assessment summary: four areas, this round beside the previous one.

The first draw of the process is reported apart (it pays for the imports' first use); the
percentiles are over the draws after it. A draw that gives anything but an SVG image stops the
bench: a figure of notes would say nothing about charts.

    python -m bench.charts [--draws 2000] [--seed 1]
"""

import argparse
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
django.setup()

from django.utils import translation  # noqa: E402

from malbild.lib import charts  # noqa: E402
from malbild.lib.charts import Bars, Point, Series, Style  # noqa: E402

AREAS = ["Ledning", "Infrastruktur", "Kompetens", "Användning"]


def percentile(sorted_values: list[float], p: float) -> float:
    """The nearest-rank percentile, as the page figures use."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan


def yearly(rng: random.Random) -> Callable[[], str]:
    start, count = rng.randint(2010, 2020), rng.randint(3, 15)
    base = rng.uniform(10, 90)
    measured = [
        Point(float(start + i), str(start + i), round(base + rng.uniform(-5, 8) * i / 3, 1))
        for i in range(count)
    ]
    planned = [measured[0]] + [
        Point(float(start + count + 2 * k), str(start + count + 2 * k), round(base + 5 * k, 1))
        for k in range(1, rng.randint(2, 4))
    ]
    return lambda: charts.trend(
        measured, planned, title="Andel behöriga lärare för Åsens skola, per period",
        description="Senaste värde 54 %.", measured_label="Uppmätt (alla)",
        planned_label="Planerat (från utgångsvärde till målvärde)", axis_title="%",
    )  # fmt: skip


def monthly(rng: random.Random) -> Callable[[], str]:
    start, count = rng.randint(2015, 2022), rng.randint(24, 60)
    measured = [
        Point(start + i / 12, f"{start + i // 12}-{i % 12 + 1:02d}", rng.uniform(0, 2500))
        for i in range(count)
    ]
    planned = [measured[0], Point(start + count / 12 + 1, f"{start + count // 12 + 1}-01", 3000)]
    return lambda: charts.trend(
        measured, planned, title="Utlånade datorer per månad", description="Senaste värde.",
        measured_label="Uppmätt (alla)", planned_label="Planerat", axis_title="antal",
    )  # fmt: skip


def termly(rng: random.Random) -> Callable[[], str]:
    start, count = rng.randint(2015, 2022), rng.randint(4, 12)
    measured = [
        Point(start + i / 2, f"{start + i // 2}-{'HT' if i % 2 else 'VT'}", rng.uniform(50, 100))
        for i in range(count)
    ]
    return lambda: charts.trend(
        measured, [], title="Elevenkät per termin", description="Senaste värde.",
        measured_label="Uppmätt (alla)", planned_label="Planerat", axis_title="index",
    )  # fmt: skip


def comparison(rng: random.Random) -> Callable[[], str]:
    start, count = rng.randint(2008, 2015), rng.randint(5, 15)
    lines = []
    for name, style in (
        ("Mittköping", Style("#1d4f91")),
        ("Snitt för Liknande kommuner, grundskola", Style("#8a4b00", charts.DASHED, "square")),
        ("Sverige (alla kommuner)", Style("#4a5360", charts.DOTTED, "triangle")),
    ):
        level = rng.uniform(60, 90)
        points = [
            Point(float(start + i), str(start + i), round(level + rng.uniform(-3, 3), 1))
            for i in range(count)
        ]
        lines.append(Series(name, points, style))
    return lambda: charts.lines(
        lines, title="Behöriga lärare: Mittköping jämfört, per år", description="Mittköping: 79.",
        axis_title="%", zero=False,
    )  # fmt: skip


def assessment(rng: random.Random) -> Callable[[], str]:
    series = [
        Bars("Denna omgång", [round(rng.uniform(0, 4), 1) for _ in AREAS], Style("#1d4f91")),
        Bars(
            "Förra omgången",
            [round(rng.uniform(0, 4), 1) if rng.random() > 0.1 else None for _ in AREAS],
            Style("#6b7480", charts.SHORT_DASHED),
        ),
    ]
    return lambda: charts.bars(
        AREAS, series, title="Resultat per område: Åsens skola, Självskattning HT",
        description="Ledning: 2,5.", axis_title="Resultat (0 = ej planerad, 4 = uppnådd)",
        domain=(0.0, 4.0),
    )  # fmt: skip


KINDS = [yearly, yearly, monthly, termly, comparison, assessment]


def measure(draws: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)  # noqa: S311  (made-up data, no secret)
    timings: list[float] = []
    first = math.nan
    with translation.override("sv"):
        for i in range(draws + 1):
            draw = KINDS[i % len(KINDS)](rng)  # the data is made before the clock starts
            started = time.perf_counter()
            svg = str(draw())
            elapsed = (time.perf_counter() - started) * 1000
            if not svg.startswith("<svg"):
                sys.exit(f"bench.charts: draw {i} gave no image: {svg[:200]}")
            if i == 0:
                first = elapsed
            else:
                timings.append(elapsed)
    timings.sort()
    return {
        "draws": float(len(timings)),
        "first_ms": first,
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "max_ms": timings[-1],
        "resident_mb": resident_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(measure(args.draws, args.seed)))


if __name__ == "__main__":
    main()
