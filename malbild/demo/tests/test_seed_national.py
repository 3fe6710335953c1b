import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conftest import NATIONAL_SCALE
from malbild.accounts.models import User
from malbild.assessments import services as assessment_services
from malbild.assessments.models import Answer, AssessmentRound, Participant, RoundResult
from malbild.audit.models import AuditEvent
from malbild.demo import national
from malbild.goals import progress
from malbild.goals.models import Evidence, Goal, GoalIndicator
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.targets.models import TargetVision
from malbild.tenants.models import Membership, Organisation, OrgUnit
from malbild.tenants.scope import scope, unscoped

SMALL = NATIONAL_SCALE  # 2 organisations, 40 units, 200 goals, 2,000 measurements, 32 rounds
GENERATED = Q(organisation__slug__regex=national.SLUG_PATTERN)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_national", "--scale", SMALL, *args, stdout=out)
    return out.getvalue()


def generated_counts() -> national.Totals:
    with unscoped():
        return national.Totals(
            organisations=Organisation.objects.filter(slug__regex=national.SLUG_PATTERN).count(),
            units=OrgUnit.objects.filter(GENERATED).count(),
            goals=Goal.objects.filter(GENERATED).count(),
            measurements=Measurement.objects.filter(GENERATED).count(),
            rounds=AssessmentRound.objects.filter(GENERATED).count(),
        )


def fingerprint() -> str:
    """A hash of everything generated that does not depend on primary keys or the clock."""
    with unscoped():
        tables = [
            OrgUnit.objects.values_list(
                "organisation__slug", "code", "name", "kind", "parent__code", "depth",
                "school_unit_code", "progress",
            ),
            Indicator.objects.values_list(
                "organisation__slug", "code", "baseline_value", "baseline_period", "periodicity"
            ),
            IndicatorTarget.objects.values_list(
                "organisation__slug", "indicator__code", "period", "value"
            ),
            Goal.objects.values_list(
                "organisation__slug", "unit__code", "title", "parent__title", "focus_area__name",
                "weight", "status", "progress", "expected", "light",
            ),
            Measurement.objects.values_list(
                "organisation__slug", "indicator__code", "org_unit__code", "period", "gender",
                "value", "status",
            ),
            AssessmentRound.objects.values_list(
                "organisation__slug", "unit__code", "title", "status", "mode", "is_latest",
                "is_public", "closed_at", "participant_count", "score",
            ),
            Answer.objects.values_list(
                "organisation__slug", "round__unit__code", "round__title", "statement__key",
                "level", "comment",
            ),
            RoundResult.objects.values_list(
                "organisation__slug", "round__unit__code", "round__title", "statement_key",
                "area_key", "score", "spread", "answers",
            ),
        ]  # fmt: skip
        rows = [sorted(map(repr, table.filter(GENERATED))) for table in tables]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.django_db
@pytest.mark.parametrize("scale", [0.005, 0.01])
def test_the_counts_follow_the_scale(scale):
    call_command("seed_national", "--scale", str(scale), verbosity=0)
    wanted = national.FULL_SCALE.scaled(scale)
    found = generated_counts()
    assert found.organisations == max(2, wanted.organisations)
    for name in ("units", "goals", "measurements", "rounds"):
        assert abs(getattr(found, name) - getattr(wanted, name)) <= 0.1 * getattr(wanted, name)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    seed("--seed", "7")
    first = fingerprint()
    seed("--seed", "7", "--replace")
    assert fingerprint() == first
    seed("--seed", "8", "--replace")
    assert fingerprint() != first
    assert generated_counts().organisations == 2  # replaced, not added


def test_stored_progress_is_what_the_nightly_check_computes(national_dataset):
    for organisation in Organisation.objects.filter(slug__regex=national.SLUG_PATTERN):
        with scope(organisation):
            assert progress.verify() == []
            lights = set(Goal.objects.values_list("light", flat=True))
            assert Goal.objects.filter(progress__isnull=False).exists()
            assert OrgUnit.objects.filter(progress__isnull=False).exists()
            assert GoalIndicator.objects.filter(progress__isnull=False).exists()
        # The dashboards get something to say: more than one kind of light.
        assert len(lights) >= 2, organisation.slug


def test_every_organisation_has_the_shared_indicator_with_measurements(national_dataset):
    organisations = list(Organisation.objects.filter(slug__regex=national.SLUG_PATTERN))
    for organisation in organisations:
        with scope(organisation):
            indicator = Indicator.objects.get(code=national.SHARED_INDICATOR)
            assert indicator.targets.count() == 2
            assert Measurement.objects.filter(indicator=indicator, gender="T").count() > 10
    with unscoped():
        units_measured = Measurement.objects.filter(
            indicator__code=national.SHARED_INDICATOR
        ).values("organisation")
        assert units_measured.distinct().count() == len(organisations)


def test_the_tree_goals_and_evidence_are_consistent(national_dataset):
    for organisation in Organisation.objects.filter(slug__regex=national.SLUG_PATTERN):
        with scope(organisation):
            units = {unit.pk: unit for unit in OrgUnit.objects.all()}
            (root,) = [unit for unit in units.values() if unit.parent_id is None]
            assert root.path == f"/{root.pk}/"
            assert root.depth == 0
            for unit in units.values():
                if unit.parent_id is not None:
                    parent = units[unit.parent_id]
                    assert unit.path == f"{parent.path}{unit.pk}/"
                    assert unit.depth == parent.depth + 1
            kinds = {unit.kind for unit in units.values()}
            assert {"forvaltning", "omrade", "arbetslag"} <= kinds
            assert kinds & {"skola", "forskola"}
            # A goal breaks down the goal of the unit above its own.
            broken_down = Goal.objects.filter(parent__isnull=False)
            assert broken_down.exists()
            assert not broken_down.exclude(parent__unit=F("unit__parent")).exists()
            assert not Goal.objects.filter(parent__isnull=True).exclude(unit=root).exists()
            goals = Goal.objects.count()
            assert GoalIndicator.objects.count() == goals
            assert Evidence.objects.filter(kind=Evidence.Kind.INDICATOR).count() == goals
            vision = TargetVision.objects.get()
            assert vision.status == TargetVision.Status.ADOPTED
            assert vision.focus_areas.count() == 4
            assert not Goal.objects.exclude(target_vision=vision).exists()


def test_no_row_points_into_another_organisation(national_dataset):
    with unscoped():
        assert (
            not OrgUnit.objects.exclude(parent__isnull=True)
            .exclude(parent__organisation=F("organisation"))
            .exists()
        )
        for model, relations in (
            (Goal, ("unit", "focus_area", "target_vision")),
            (GoalIndicator, ("goal", "indicator")),
            (Evidence, ("goal", "indicator")),
            (Measurement, ("org_unit", "indicator")),
            (IndicatorTarget, ("indicator",)),
            (AssessmentRound, ("unit",)),
            (Participant, ("round",)),
            (Answer, ("round", "participant")),
            (RoundResult, ("round",)),
        ):
            for relation in relations:
                crossing = model.objects.exclude(**{f"{relation}__organisation": F("organisation")})
                assert not crossing.exists(), (model.__name__, relation)


def test_the_schools_and_preschools_have_closed_rounds_with_answers_and_results(national_dataset):
    for organisation in Organisation.objects.filter(slug__regex=national.SLUG_PATTERN):
        with scope(organisation):
            rounds = list(AssessmentRound.objects.select_related("unit").order_by("closed_at"))
            assert rounds, organisation.slug
            assert {r.unit.kind for r in rounds} <= {OrgUnit.Kind.SCHOOL, OrgUnit.Kind.PRESCHOOL}
            assert {r.status for r in rounds} == {AssessmentRound.Status.CLOSED}
            latest: dict[int, AssessmentRound] = {}
            for r in rounds:  # oldest first: the last one seen of a unit is its newest
                latest[r.unit_id] = r
            assert {r.pk for r in rounds if r.is_latest} == {r.pk for r in latest.values()}
            assert len({r.unit_id for r in rounds}) > 1
            assert any(r.is_public for r in rounds)
            admin = User.objects.get(email=f"admin@{organisation.slug}.example")
            statements = {s.pk: s for s in assessment_services.current_model().statements.all()}
            for r in rounds:
                assert r.closed_at is not None
                assert r.started_at < r.closed_at
                assert r.closed_at < timezone.now()
                (participant,) = r.participants.all()
                assert participant.user == admin
                assert participant.answered == len(statements)
                assert r.participant_count == 1
                answers = dict(r.answers.values_list("statement_id", "level"))
                assert set(answers) == set(statements)
                results = {x.statement_key: x for x in r.results.all()}
                assert len(results) == len(statements)
                # What closing the round would have kept.
                for statement_id, level in answers.items():
                    expected = assessment_services.figures([level])
                    found = results[statements[statement_id].key]
                    assert (found.score, found.spread, found.counts, found.answers) == (
                        expected["score"], expected["spread"], expected["counts"],
                        expected["answers"],
                    )  # fmt: skip
                assert r.score == assessment_services.round_score(x.score for x in results.values())


def test_the_municipality_overview_shows_every_unit_with_a_round(
    client, django_assert_max_num_queries, national_dataset
):
    organisation = Organisation.objects.filter(slug__regex=national.SLUG_PATTERN).order_by("slug")[
        0
    ]
    client.force_login(User.objects.get(email=f"admin@{organisation.slug}.example"))
    with scope(organisation):
        names = set(
            AssessmentRound.objects.filter(is_latest=True).values_list("unit__name", flat=True)
        )
    url = reverse("assessments:municipality", args=[organisation.slug])
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for name in names:
        assert escape(name) in page, name
    national_page = client.get(reverse("assessments_shared:national"))
    assert national_page.status_code == 200
    assert national_page.context["area_rows"]  # at least five shared units behind each figure


def test_each_admin_logs_in_and_sees_the_dashboard(client, national_dataset):
    for organisation in Organisation.objects.filter(slug__regex=national.SLUG_PATTERN):
        email = f"admin@{organisation.slug}.example"
        with scope(organisation):
            membership = Membership.objects.get(user__email=email)
        assert membership.role == Membership.Role.ADMIN
        assert membership.unit is None
        response = client.post(
            reverse("accounts:login"), {"username": email, "password": national.PASSWORD}
        )
        assert response.status_code == 302, email
        response = client.get(reverse("dashboards:organisation", args=[organisation.slug]))
        assert response.status_code == 200
        client.post(reverse("accounts:logout"))


def test_it_refuses_to_run_again_without_replace(national_dataset):
    before = (generated_counts(), fingerprint())
    with pytest.raises(CommandError, match="--replace"):
        seed()
    assert (generated_counts(), fingerprint()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["0", "-1", "nan", "inf", "11"])
def test_a_scale_out_of_range_is_refused_and_nothing_is_written(scale):
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_national", "--scale", scale)
    assert generated_counts() == national.Totals()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_reports_each_organisation_and_the_totals_unless_silenced():
    lines = seed().splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == ["1/2 kommun-001", "2/2 kommun-002"]
    assert lines[2].startswith(
        "2 organisations, 40 units, 200 goals, 2000 measurements, 32 rounds in "
    )
    out = StringIO()
    call_command("seed_national", "--scale", SMALL, "--replace", verbosity=0, stdout=out)
    assert out.getvalue() == ""


def demo_counts() -> dict[str, tuple[int, ...]]:
    counts = {}
    for organisation in Organisation.objects.exclude(slug__regex=national.SLUG_PATTERN):
        with scope(organisation):
            counts[organisation.slug] = tuple(
                model.objects.count()
                for model in (
                    OrgUnit, Goal, GoalIndicator, Evidence, Indicator, IndicatorTarget,
                    Measurement, Membership, TargetVision, AuditEvent, AssessmentRound,
                    RoundResult,
                )
            )  # fmt: skip
            counts[organisation.slug] += (
                hash(tuple(Goal.objects.order_by("pk").values_list("progress", flat=True))),
            )
    return counts


def test_the_demo_organisations_are_left_alone(demo):
    before = demo_counts()
    people = User.objects.count()
    assert set(before) == {"mittkoping", "ekby"}
    seed()
    seed("--replace", "--seed", "2")
    assert demo_counts() == before
    assert User.objects.count() == people + 2
