import pytest
from django.urls import reverse

from conftest import audit_events

PROFILE = reverse("accounts:profile")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_saves_name_and_language_and_audits_the_change(client, teacher):
    client.force_login(teacher)
    response = client.post(PROFILE, {"name": "  Lena   Larsson ", "language": "en"})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.name == "Lena Larsson"
    assert teacher.language == "en"
    event = audit_events(action="accounts.profile_changed")[0]
    assert event.before == {"name": "Lena Lärare", "language": "sv"}
    assert event.after == {"name": "Lena Larsson", "language": "en"}
    # The next page speaks English.
    assert 'lang="en"' in client.get(PROFILE).content.decode()


@pytest.mark.django_db
def test_html_in_a_name_is_shown_as_text(client, teacher):
    client.force_login(teacher)
    client.post(PROFILE, {"name": "<script>alert(1)</script>", "language": "sv"})
    html = client.get(reverse("home")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x" * 151, "language": "sv"}, "som mest 150 tecken"),
        ({"name": "   ", "language": "sv"}, "Skriv ditt namn."),
        ({"name": "Lena", "language": "de"}, "Välj ett giltigt alternativ"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, teacher, data, message):
    client.force_login(teacher)
    response = client.post(PROFILE, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    teacher.refresh_from_db()
    assert (teacher.name, teacher.language) == ("Lena Lärare", "sv")
    assert not audit_events(action="accounts.profile_changed")
