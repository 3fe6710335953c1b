"""The only door across organisations (DESIGN.md §4).

Exactly two kinds of read may see more than one organisation, both under `/delat/`:

* the practice library: rows that their organisation has *published* (:func:`published`);
* anonymised national comparisons: aggregates where every figure stands on at least
  :data:`MIN_UNITS` units, so no single school can be picked out (:func:`aggregated`).

Nothing else calls :func:`malbild.tenants.scope.unscoped` to read another organisation's data;
a test lists every caller of this module.
"""

from typing import Any, TypeVar

from django.db import models
from django.db.models import Count

from malbild.tenants.scope import unscoped

MIN_UNITS = 5

M = TypeVar("M", bound=models.Model)


def published(model: type[M]) -> models.QuerySet[M]:
    """Every organisation's published rows of `model`, which must declare `SHARED_WHEN`,
    the filter that makes a row published (for example ``{"published_at__isnull": False}``)."""
    condition = getattr(model, "SHARED_WHEN", None)
    if not condition:
        raise TypeError(f"{model.__name__} is not shared across organisations")
    with unscoped():
        return model._default_manager.filter(**condition)


def aggregated(
    queryset_of: type[M],
    *,
    group_by: list[str],
    unit_field: str,
    values: dict[str, Any],
    filters: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Aggregates of `queryset_of` across organisations, grouped by `group_by`, keeping only the
    groups that stand on at least MIN_UNITS distinct units (counted on `unit_field`)."""
    with unscoped():
        rows = (
            queryset_of._default_manager.filter(**(filters or {}))
            .values(*group_by)
            .annotate(units=Count(unit_field, distinct=True), **values)
            .filter(units__gte=MIN_UNITS)
            .order_by(*group_by)
        )
        return list(rows)
