"""The figures `make bench` prints, their budgets (DESIGN.md §6) and the check against them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    name: str
    limit: float
    at_least: bool  # True: the figure must be at least `limit`; False: at most
    decimals: int

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
QUERY_LIMIT = 15  # the only budget the reduced run in `make test` enforces


def budget_of(name: str) -> Budget:
    for budget in BUDGETS:
        if name == budget.name or name.removeprefix(budget.name) in SUFFIXES.values():
            return budget
    raise KeyError(name)


def expected_names(backends: list[str]) -> list[str]:
    """Every figure a complete run prints, in order."""
    return [budget.name + SUFFIXES[backend] for backend in backends for budget in BUDGETS]


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
