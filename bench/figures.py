"""The figures `make bench` prints, their budgets (DESIGN.md §6) and the check against them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    name: str
    limit: float
    at_least: bool  # True: the figure must be at least `limit`; False: at most
    decimals: int
    part: str = "pages"  # which part of the bench measures it: "pages" or "imports"

    def holds(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit

    def describe(self, name: str, value: float) -> str:
        sign = "<" if self.at_least else ">"
        return f"{name} {value:.{self.decimals}f} {sign} {self.limit:.{self.decimals}f}"


BUDGETS = [
    Budget("dashboard_p95_ms", 100.0, at_least=False, decimals=1),
    Budget("dashboard_throughput_ratio", 0.40, at_least=True, decimals=3),
    Budget("rollup_national_ms", 200.0, at_least=False, decimals=1),
    Budget("max_queries_per_page", 15.0, at_least=False, decimals=1),
    Budget("page_weight_kb_max", 300.0, at_least=False, decimals=1),
]
SUFFIXES = {"postgres": "", "sqlite": "_sqlite"}
# Import of 200,000 measurements from CSV (bench/imports.py): at most 5 s, so at least 40,000
# rows per second, and at least half the rate of the raw insert of the same rows.
IMPORT_BUDGETS = [
    Budget("import_rows_per_s", 40000.0, at_least=True, decimals=1, part="imports"),
    Budget("import_ratio", 0.50, at_least=True, decimals=3, part="imports"),
]
# Unlike the page figures, the import figures name both databases.
IMPORT_SUFFIXES = {"postgres": "_postgres", "sqlite": "_sqlite"}
# Drawing a chart needs no database: measured once a run (bench/charts.py), without a suffix.
CHART_BUDGETS = [Budget("chart_draw_p95_ms", 20.0, at_least=False, decimals=2, part="charts")]
# 200 pupils answering a survey at the same moment (bench/surveys.py), on each database, named
# as the page figures are: no suffix on PostgreSQL, `_sqlite` on SQLite.
SURVEY_BUDGETS = [
    Budget("survey_answer_p95_ms", 200.0, at_least=False, decimals=1, part="surveys"),
    Budget("survey_answers_lost", 0.0, at_least=False, decimals=1, part="surveys"),
]
PARTS = ("pages", "imports", "surveys", "charts")
QUERY_LIMIT = 15  # the only budget the reduced run in `make test` enforces


def suffix_of(budget: Budget, backend: str) -> str:
    if budget.part == "charts":
        return ""
    return (IMPORT_SUFFIXES if budget.part == "imports" else SUFFIXES)[backend]


def budget_of(name: str) -> Budget:
    for budget in BUDGETS + IMPORT_BUDGETS + SURVEY_BUDGETS + CHART_BUDGETS:
        if any(name == budget.name + suffix_of(budget, backend) for backend in SUFFIXES):
            return budget
    raise KeyError(name)


def expected_names(backends: list[str], parts: tuple[str, ...] = PARTS) -> list[str]:
    """Every figure a complete run prints, in order: each database's, then the charts'."""
    return [
        budget.name + suffix_of(budget, backend)
        for backend in backends
        for budget in BUDGETS + IMPORT_BUDGETS + SURVEY_BUDGETS
        if budget.part in parts
    ] + [budget.name for budget in CHART_BUDGETS if budget.part in parts]


def line(name: str, value: float) -> str:
    """One `name: value` line: a plain number with a decimal point, no unit, no separators."""
    return f"{name}: {value:.{budget_of(name).decimals}f}"


def misses(figures: dict[str, float]) -> list[str]:
    """The figures outside their budget, each described as `name value > limit`."""
    return [
        budget_of(name).describe(name, value)
        for name, value in figures.items()
        if not budget_of(name).holds(value)
    ]


def verdict(figures: dict[str, float]) -> str:
    outside = misses(figures)
    if not outside:
        return "bench: all figures within budget"
    return "bench: outside budget: " + ", ".join(outside)
