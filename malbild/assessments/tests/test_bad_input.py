"""Bad input where it enters: each is refused with a clear message and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from malbild.assessments import services
from malbild.assessments.models import Answer, AssessmentRound, RoundResult, Statement
from malbild.assessments.tests.builders import (
    answer_all,
    closed_round,
    fresh,
    make_round,
    other_version,
    participant,
    statements,
)
from malbild.tenants.scope import scope


def url(name, *args):
    return reverse(f"assessments:{name}", args=["mittkoping", *args])


def test_answering_a_closed_round_is_refused(client, cast):
    round_ = closed_round(cast.org, cast.school, [cast.teacher], 2)
    first = statements(round_)[0]
    client.force_login(cast.teacher)
    with translation.override("en"):
        response = client.post(
            url("answer_statement", round_.pk, first.pk), {f"s{first.pk}-level": "4"},
            follow=True,
        )  # fmt: skip
    assert b"This round is closed" in response.content
    with scope(cast.org):
        assert Answer.objects.get(statement=first).level == 2


def test_a_statement_of_another_model_version_is_refused(cast):
    round_ = make_round(cast.org, cast.school, [cast.teacher])
    foreign = Statement.objects.filter(model=other_version()).order_by("key")[0]
    with scope(cast.org), translation.override("en"):
        with pytest.raises(ValidationError, match="another version"):
            services.save_answer(round_, participant(round_, cast.teacher), foreign, level=3)
        assert not Answer.objects.exists()


def test_a_statement_of_another_version_by_url_is_refused(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.teacher])
    foreign = Statement.objects.filter(model=other_version()).order_by("key")[0]
    client.force_login(cast.teacher)
    with translation.override("en"):
        response = client.post(
            url("answer_statement", round_.pk, foreign.pk), {f"s{foreign.pk}-level": "3"},
            follow=True,
        )  # fmt: skip
    assert b"another version of the maturity model" in response.content
    with scope(cast.org):
        assert not Answer.objects.exists()


def test_a_member_outside_the_unit_gets_404(client, cast):
    from conftest import give_role, make_user

    round_ = make_round(cast.org, cast.school, [cast.teacher])
    berga = make_user("berga@mittkoping.test", "Berit Berga")
    give_role(berga, cast.org, "unit_lead", cast.other_school)
    client.force_login(berga)
    for name in ("detail", "answer"):
        assert client.get(url(name, round_.pk)).status_code == 404
    assert client.post(url("close", round_.pk)).status_code == 404
    assert client.get(url("list")).status_code == 200
    assert round_.title.encode() not in client.get(url("list")).content


def test_another_organisations_round_is_404(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.teacher])
    client.force_login(cast.ekby_admin)
    assert client.get(url("detail", round_.pk)).status_code == 404


def test_closing_an_incomplete_round_is_refused_with_who_is_missing(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.rektor, cast.teacher])
    answer_all(round_, cast.rektor)
    answer_all(round_, cast.teacher, skip=3)
    client.force_login(cast.rektor)
    with translation.override("en"):
        response = client.post(url("close", round_.pk), follow=True)
    text = response.content.decode()
    assert "cannot be closed yet: 1 participant has not answered every statement" in text
    assert "Lars Lärare" in text
    assert fresh(round_).status == AssessmentRound.Status.OPEN
    with scope(cast.org):
        assert not RoundResult.objects.exists()


def test_a_teacher_may_not_close_a_round(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.rektor, cast.teacher])
    client.force_login(cast.teacher)
    assert client.post(url("close", round_.pk)).status_code == 403


def test_an_uninvited_member_of_the_unit_may_not_answer(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.rektor])
    client.force_login(cast.teacher)
    assert client.get(url("answer", round_.pk)).status_code == 403


def test_an_unknown_level_is_refused(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.teacher])
    first = statements(round_)[0]
    client.force_login(cast.teacher)
    client.post(url("answer_statement", round_.pk, first.pk), {f"s{first.pk}-level": "9"})
    with scope(cast.org):
        assert not Answer.objects.exists()
