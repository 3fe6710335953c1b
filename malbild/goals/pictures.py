"""A goal's progress as a picture: a bar from 0 to 100 % filled to its progress, with a mark
where its plan says it should be by now (DESIGN.md §2). The pages write both figures beside it."""

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from malbild.lib import charts


def percent(value: Decimal | None) -> str:
    """A stored percentage as the active language writes it, or words for none."""
    if value is None:
        return _("no value yet")
    comma = (get_language() or "sv").startswith("sv")
    return charts.number(float(value), 0, comma) + "\u00a0%"


def progress_bar(progress: Decimal | None, expected: Decimal | None, key: str = "") -> SafeString:
    """The bar of a goal (or a unit: without `expected`, no mark) (no query). `key` (such as
    "goal-12") gives the image the same ids on every drawing, for cacheable public pages."""
    if expected is None:
        title = _("Progress: %(progress)s of the way") % {"progress": percent(progress)}
        description = _(
            "The filled bar is how far it has come from its starting point towards its target."
        )
    else:
        title = _("Progress of the goal: %(progress)s of the way, %(expected)s planned by now") % {
            "progress": percent(progress),
            "expected": percent(expected),
        }
        description = _(
            "The filled bar is how far the goal has come from its starting point towards "
            "its target; the mark is where the plan says it should be by now."
        )
    return charts.progress(
        float(progress) if progress is not None else None,
        float(expected) if expected is not None else None,
        title=title,
        description=description,
        key=key,
    )
