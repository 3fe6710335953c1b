import pytest

from malbild.goals.tests.builders import adopt, make_goal


@pytest.fixture
def goals(cast):
    """A förvaltning goal, Åsens skola's goal that breaks it down, Berga skola's, and a closed
    goal of Åsens skola."""
    adopt(cast.org)
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    asen = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt", parent=top)
    berga = make_goal(cast.org, cast.other_school, "Berga skolas elever programmerar", parent=top)
    closed = make_goal(cast.org, cast.school, "Åsens gamla mål", status="closed")
    return {"top": top, "asen": asen, "berga": berga, "closed": closed}


@pytest.fixture(autouse=True)
def _in_english(english):
    """Every test here in English (conftest.english)."""
