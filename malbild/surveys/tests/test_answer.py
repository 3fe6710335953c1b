"""A pupil answers without an account (`/elev/<code>/`): one row stored and nothing about the
pupil, one answer per device, a limit per address, and every kind of bad input refused with a
clear message and nothing stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import audit_events
from malbild.surveys import limits, services
from malbild.surveys.models import Response, Survey
from malbild.surveys.tests.builders import make_survey
from malbild.tenants.scope import scope, unscoped

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A pupil's browser that asks for English, so that pages compare against the msgids."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def survey(cast):
    return make_survey(cast.org, cast.school, group_label="5B")


def url(survey: Survey) -> str:
    return reverse("surveys_pupil:answer", args=[survey.code])


def found(code: str, *, recent: bool = True) -> Survey:
    survey = services.find(code, recent=recent)
    assert survey is not None
    return survey


def stored(survey: Survey) -> list[Response]:
    with scope(survey.organisation):
        return list(Response.objects.filter(survey=survey))


GOOD = {"p_A1": "4", "p_A2": "3", "p_I2": "0", "p_L1": "1", "text": ""}


def test_the_page_asks_every_statement_in_words_for_the_pupils_age(client, survey):
    response = client.get(url(survey))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The digital tools at school help me learn." in page  # years 4–6
    assert page.count('type="radio"') == 4 * 5
    assert "sessionid" not in response.cookies


def test_an_answer_is_one_row_with_nothing_about_the_pupil(client, survey):
    before = len(audit_events())
    response = client.post(url(survey), GOOD, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys_pupil:thanks")
    (row,) = stored(survey)
    assert row.answers == {"A1": 4, "A2": 3, "I2": 0, "L1": 1}
    assert {f.name for f in Response._meta.fields} == {
        "id",
        "organisation",
        "survey",
        "answers",
        "text",
        "text_state",
        "text_masked",
        "may_publish",
    }  # no time, no address, no device
    assert len(audit_events()) == before  # an event would say when, and from where
    assert "sessionid" not in response.cookies
    cookie = response.cookies[f"elevrosten-{survey.pk}"]
    assert cookie["httponly"]
    assert "10.1.2.3" not in cookie.value


def test_the_thanks_page_answers(client):
    assert client.get(reverse("surveys_pupil:thanks")).status_code == 200


def test_the_same_device_cannot_answer_twice(client, survey):
    assert client.post(url(survey), GOOD).status_code == 302
    again = client.get(url(survey))
    assert again.status_code == 200
    assert again.templates[0].name == "surveys/pupil/already.html"
    response = client.post(url(survey), GOOD)
    assert response.status_code == 409
    assert len(stored(survey)) == 1


def test_a_forged_cookie_does_not_count_as_answered(client, survey):
    client.cookies[f"elevrosten-{survey.pk}"] = str(survey.pk)  # unsigned
    assert client.get(url(survey)).templates[0].name == "surveys/pupil/answer.html"


def test_shared_devices_may_send_one_answer_after_another(client, cast):
    survey = make_survey(cast.org, cast.school, shared_devices=True)
    assert client.post(url(survey), GOOD).status_code == 302
    assert client.post(url(survey), GOOD).status_code == 302
    assert len(stored(survey)) == 2


def test_a_wrong_code_answers_404_with_a_way_to_type_it_again(client, survey):
    response = client.get(reverse("surveys_pupil:answer", args=["ZZZZZZ"]))
    assert response.status_code == 404
    assert "We cannot find that survey" in response.content.decode()
    assert client.post(reverse("surveys_pupil:answer", args=["ZZZZZZ"]), GOOD).status_code == 404
    assert client.get(reverse("surveys_pupil:answer", args=["<script>"])).status_code == 404


def test_a_closed_survey_takes_no_answers(client, cast, survey):
    with scope(cast.org):
        Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    assert client.get(url(survey)).status_code == 410
    assert client.post(url(survey), GOOD).status_code == 410
    assert stored(survey) == []


def test_the_code_stops_working_after_the_last_day(client, cast, survey):
    with scope(cast.org):
        Survey.objects.filter(pk=survey.pk).update(
            closes_on=timezone.localdate() - timedelta(days=1)
        )
    assert client.post(url(survey), GOOD).status_code == 410
    assert stored(survey) == []


def test_an_answer_to_a_statement_not_in_the_survey_is_refused(client, survey):
    response = client.post(url(survey), {**GOOD, "p_K3": "4"})
    assert response.status_code == 400
    assert "do not fit this survey" in response.content.decode()
    assert stored(survey) == []


def test_a_step_outside_the_scale_is_refused(client, survey):
    assert client.post(url(survey), {**GOOD, "p_A1": "7"}).status_code == 400
    assert client.post(url(survey), {**GOOD, "p_A1": "ja"}).status_code == 400
    assert stored(survey) == []


def test_an_empty_answer_is_refused(client, survey):
    response = client.post(url(survey), {"text": ""})
    assert response.status_code == 400
    assert "at least one of the statements" in response.content.decode()
    assert stored(survey) == []


def test_a_pupil_may_leave_a_statement_out(client, survey):
    assert client.post(url(survey), {"p_A1": "2"}).status_code == 302
    assert stored(survey)[0].answers == {"A1": 2}


def test_ten_thousand_characters_are_refused_and_the_choices_kept(client, survey):
    response = client.post(url(survey), {**GOOD, "text": "x" * 10_000})
    assert response.status_code == 400
    page = response.content.decode()
    assert "too much: at most 1000 characters" in page
    assert 'value="4" checked' in page or "checked" in page
    assert stored(survey) == []


def test_html_is_kept_as_text_and_shown_escaped(client, cast, survey):
    text = '<script>alert("hej")</script><b>Bra</b>'
    assert client.post(url(survey), {**GOOD, "text": text}).status_code == 302
    (row,) = stored(survey)
    assert row.text == text
    assert row.text_state == Response.TextState.UNREAD
    client.force_login(cast.teacher)
    page = client.get(reverse("surveys:texts", args=["mittkoping", survey.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;hej&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "written",
    ["Ring mig på 070-123 45 67", "ring 0701234567!", "+46 70 123 45 67", "mejla mig@skolan.se"],
)
def test_contact_details_are_taken_out_and_the_teacher_is_warned(client, cast, survey, written):
    assert client.post(url(survey), {**GOOD, "text": written}).status_code == 302
    (row,) = stored(survey)
    assert row.text_masked
    assert "[…]" in row.text
    assert "123" not in row.text
    assert "skolan.se" not in row.text
    client.force_login(cast.teacher)
    page = client.get(reverse("surveys:texts", args=["mittkoping", survey.pk])).content.decode()
    assert "[…]" in page


def test_numbers_that_are_no_telephone_number_stay(client, survey):
    written = "Vi har 25 datorer och 2024 2025 var bättre"
    assert client.post(url(survey), {**GOOD, "text": written}).status_code == 302
    (row,) = stored(survey)
    assert row.text == written
    assert not row.text_masked


def test_a_flood_from_one_address_is_stopped(client, cast):
    survey = make_survey(cast.org, cast.school, shared_devices=True, expected_pupils=10)
    allowed = limits.limit(survey)
    assert allowed == limits.FLOOR
    for _ in range(allowed):
        assert client.post(url(survey), GOOD, REMOTE_ADDR="10.9.9.9").status_code == 302
    response = client.post(url(survey), GOOD, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert len(stored(survey)) == allowed
    # Another address (another school) is not held back by it.
    assert client.post(url(survey), GOOD, REMOTE_ADDR="10.8.8.8").status_code == 302


def test_the_limit_keeps_no_address(client, cast, survey):
    client.post(url(survey), GOOD, REMOTE_ADDR="10.7.7.7")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM malbild_cache")
        rows = cursor.fetchall()
    assert rows
    assert not any("10.7.7.7" in key or "10.7.7.7" in value for key, value in rows)


def test_the_start_page_leads_to_the_survey_of_a_typed_code(client, survey):
    typed = f"{survey.code[:3].lower()} {survey.code[3:].lower()}"
    response = client.get(reverse("surveys_pupil:start"), {"kod": typed})
    assert response.status_code == 302
    assert response["Location"] == url(survey)
    wrong = client.get(reverse("surveys_pupil:start"), {"kod": "NOPE99"})
    assert wrong.status_code == 200
    assert "There is no survey with that code" in wrong.content.decode()


def test_an_answer_costs_a_constant_handful_of_queries(
    client, survey, django_assert_max_num_queries
):
    client.get(url(survey))
    # The survey was found when the page opened (0), the count per address (1 read, 3 to write
    # it: the cache counts its rows first, and a savepoint around them), the answer written only
    # if the survey is still open (1), an advisory lock on PostgreSQL.
    with django_assert_max_num_queries(10):
        assert client.post(url(survey), GOOD).status_code == 302


def test_an_answer_takes_the_survey_found_when_its_page_opened(
    client, survey, django_assert_num_queries
):
    client.get(url(survey))
    with django_assert_num_queries(0):
        assert services.find(survey.code, recent=True) is services.find(survey.code, recent=True)
    # Opening the page looks the survey up afresh.
    with django_assert_num_queries(1):
        assert found(survey.code, recent=False).pk == survey.pk


def test_an_answer_to_a_survey_another_process_closed_is_refused_not_stored(client, cast, survey):
    client.get(url(survey))  # this process holds the survey as open …
    with scope(cast.org):  # … and another one closes it
        Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    assert found(survey.code).is_open
    response = client.post(url(survey), GOOD)
    assert response.status_code == 410
    assert "closed" in response.content.decode()
    assert stored(survey) == []


def test_closing_forgets_the_survey_in_this_process(
    client, cast, survey, django_capture_on_commit_callbacks
):
    client.get(url(survey))
    with django_capture_on_commit_callbacks(execute=True), scope(cast.org):
        services.close_survey(survey, None)
    assert not found(survey.code).is_open
    assert client.post(url(survey), GOOD).status_code == 410
    assert stored(survey) == []


def test_a_recent_survey_is_looked_up_again_after_a_while(client, survey, monkeypatch):
    client.get(url(survey))
    later = services.monotonic() + services.RECENT_SECONDS + 1
    monkeypatch.setattr(services, "monotonic", lambda: later)
    with scope(survey.organisation):
        Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    assert not found(survey.code).is_open


def test_a_wrong_code_is_never_taken_from_the_recent_surveys(client, survey):
    assert services.find("ZZZZZZ", recent=True) is None
    assert services.find("<script>", recent=True) is None


def test_the_code_finds_the_survey_of_any_organisation(client, cast):
    ekby = make_survey(cast.ekby, cast.ekby_school)
    assert client.post(url(ekby), GOOD).status_code == 302
    with unscoped():
        assert Response.objects.get().organisation_id == cast.ekby.pk


def test_an_answer_that_arrives_while_the_survey_closes_is_refused_not_lost(client, cast, survey):
    with scope(cast.org):
        stale = Survey.objects.select_related("organisation", "unit", "bank").get(pk=survey.pk)
        services.close_survey(survey, None)
        assert stale.is_open  # the answering request still holds the open survey
        with pytest.raises(ValidationError):
            services.answer(stale, {"A1": 4})
    assert stored(survey) == []


def test_the_service_returns_the_row_it_wrote(cast, survey):
    with scope(cast.org):
        written = services.answer(survey, {"A1": 4, "L1": 0}, "Bra +46 70 123 45 67", True)
        row = Response.objects.get()
    assert written.pk == row.pk
    assert not written._state.adding
    assert (row.organisation_id, row.survey_id) == (cast.org.pk, survey.pk)
    assert row.answers == {"A1": 4, "L1": 0}
    assert (row.text, row.text_state, row.text_masked) == ("Bra […]", "unread", True)
    assert row.may_publish == survey.may_consent()
