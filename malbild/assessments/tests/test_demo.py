import pytest

from malbild.assessments.models import AssessmentRound, RoundResult
from malbild.demo import content
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope


@pytest.fixture
def mittkoping(demo):
    return Organisation.objects.get(slug="mittkoping")


def test_every_school_has_two_closed_rounds_a_year_apart_showing_progress(mittkoping):
    with scope(mittkoping):
        units = OrgUnit.objects.filter(kind__in=["skola", "forskola"])
        rounds = AssessmentRound.objects.filter(status="closed")
        assert AssessmentRound.objects.filter(status="open", unit__code="ASEN").count() == 1
        assert rounds.count() == 2 * units.count()
        better = 0
        for unit in units:
            earlier, later = unit.assessment_rounds.filter(status="closed").order_by("closed_at")
            assert later.closed_at is not None
            assert earlier.closed_at is not None
            assert 330 < (later.closed_at - earlier.closed_at).days < 400
            assert later.is_latest
            assert not earlier.is_latest
            assert later.score is not None
            assert earlier.score is not None
            better += later.score > earlier.score
        assert better >= units.count() - 1
        assert RoundResult.objects.filter(round__is_latest=True).exists()


def test_loading_twice_adds_no_rounds(mittkoping):
    with scope(mittkoping):
        before = AssessmentRound.objects.count()
    content.load()
    with scope(mittkoping):
        assert AssessmentRound.objects.count() == before
