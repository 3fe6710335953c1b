"""Small builders for the practice tests: practices written through the service (so the search
index is in step, as it is in use), in the state a test needs."""

from typing import Any

from malbild.practices import services
from malbild.practices.models import Practice
from malbild.targets.models import FocusArea
from malbild.targets.services import ensure_focus_areas
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope


def make_practice(
    org: Organisation,
    unit: OrgUnit,
    title: str = "Ledarskap nära lärarna",
    *,
    state: str = Practice.State.DRAFT,
    area: str = "Ledning",
    summary: str = "Rektorerna leder digitaliseringen tillsammans med lärarna.",
    details: str = "",
    tips: tuple[str, ...] = ("Börja i ledningsgruppen", "Avsätt tid varje vecka"),
    **fields: Any,
) -> Practice:
    with scope(org):
        ensure_focus_areas(org)
        draft = services.Draft(
            title=title,
            summary=summary,
            details=details,
            focus_area=FocusArea.objects.get(name=area),
            unit=unit,
            contact_role=fields.pop("contact_role", "IT-strateg"),
            tips=list(tips),
            **fields,
        )
        practice = services.create(org, None, draft)
        if state != Practice.State.DRAFT:
            services.set_state(practice, None, state)
        return practice
