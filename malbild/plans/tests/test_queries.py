"""What the follow-up asks: the activities of a unit that serve a goal."""

import pytest

from malbild.plans.queries import activities_serving
from malbild.plans.tests.builders import make_activity
from malbild.tenants.scope import scope


@pytest.mark.django_db
def test_the_activities_of_a_unit_that_serve_a_goal(cast, goals):
    make_activity(cast.org, cast.school, "Åsen, för målet", goals=(goals["top"],))
    make_activity(cast.org, cast.school, "Åsen, annat")
    make_activity(cast.org, cast.team, "Arbetslaget, för målet", goals=(goals["top"],))
    make_activity(cast.org, cast.other_school, "Berga, för målet", goals=(goals["top"],))
    with scope(cast.org):
        assert [a.title for a in activities_serving(goals["top"], cast.school)] == [
            "Åsen, för målet"
        ]
        below = activities_serving(goals["top"], cast.school, below=True)
        assert {a.title for a in below} == {"Åsen, för målet", "Arbetslaget, för målet"}
