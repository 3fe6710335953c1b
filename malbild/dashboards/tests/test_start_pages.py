"""The organisation's start page and its public page, on the demo's Mittköping."""

from django.test import Client

from malbild.accounts.models import User

DEMO = "mittkoping-demo"


def logged_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_start_page_opens_with_what_needs_me_and_how_it_is_going(
    demo, django_assert_max_num_queries
):
    client = logged_in("rektor@mittkoping.example")
    with django_assert_max_num_queries(12):
        html = client.get("/o/mittkoping/").content.decode()
    assert html.index('id="todo-heading"') < html.index('id="status-heading"')
    assert html.index('id="status-heading"') < html.index('id="dates-heading"')
    assert "/o/mittkoping/uppfoljning/perioder/" in html  # a report to write
    assert "Mittköpings riktlinjer för digitala lärverktyg" in html  # a coming change
    assert "/o/mittkoping/nyheter/prenumeration/" in html  # the dates in one's own calendar


def test_admins_are_reminded_of_the_review_on_the_start_page(demo):
    admin_html = logged_in("forvaltning@mittkoping.example").get("/o/mittkoping/").content.decode()
    teacher_html = logged_in("larare@mittkoping.example").get("/o/mittkoping/").content.decode()
    assert "/o/mittkoping/malbild/omprovning/" in admin_html
    assert "/o/mittkoping/malbild/omprovning/" not in teacher_html


def test_the_public_page_shows_what_is_adopted_without_personal_data(demo, client):
    html = client.get("/offentlig/mittkoping/").content.decode()
    assert "Mittköpings digitala skola" in html
    assert "Elevdatorer från årskurs 4" in html
    assert "Barn- och utbildningsnämnden" in html
    assert html.index('id="status-heading"') < html.index('id="platform-heading"')
    assert "/offentlig/mittkoping/mal/enhet/" in html  # each school's own page
    for value in ["Medborgarfokus", "Öppenhet", "Tillit", "Ständiga förbättringar"]:
        assert value in html
    for person in User.objects.all():
        assert person.name not in html
        assert person.email not in html


def test_anonymous_visitors_find_the_public_page_from_the_start(demo, client):
    assert "/offentlig/mittkoping/" in client.get("/").content.decode()


def test_an_organisation_without_public_pages_answers_404(demo, client):
    from malbild.tenants.models import Organisation

    Organisation.objects.filter(slug="ekby").update(has_public_pages=False)
    assert client.get("/offentlig/ekby/").status_code == 404
    assert "/offentlig/ekby/" not in client.get("/").content.decode()


def test_the_coming_dates_hold_the_last_days_of_ones_pupil_surveys(demo):
    from datetime import timedelta

    from django.utils import timezone

    from malbild.surveys.models import Survey
    from malbild.tenants.models import Organisation
    from malbild.tenants.scope import scope

    with scope(Organisation.objects.get(slug="mittkoping")):
        survey = Survey.objects.filter(status=Survey.Status.OPEN).select_related("unit").first()
        assert survey is not None
        Survey.objects.filter(pk=survey.pk).update(
            closes_on=timezone.localdate() + timedelta(days=3)
        )
    link = f"/o/mittkoping/elevrosten/{survey.pk}/"
    rektor = logged_in("rektor@mittkoping.example").get("/o/mittkoping/").content.decode()
    dates = rektor[rektor.index('id="dates-heading"') :]
    dates = dates[: dates.index("</section>")]
    assert link in dates
    assert survey.title in dates
    politician = logged_in("politiker@mittkoping.example").get("/o/mittkoping/")
    assert link not in politician.content.decode()  # not a survey they run
