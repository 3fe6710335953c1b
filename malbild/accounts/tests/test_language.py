import pytest
from django.urls import reverse

from conftest import audit_events

SWITCH = reverse("set_language")


@pytest.mark.django_db
def test_anyone_can_switch_to_english_and_back(client):
    response = client.post(SWITCH, {"language": "en", "next": reverse("accessibility")})
    assert response.status_code == 302
    assert response["Location"] == reverse("accessibility")
    page = client.get(reverse("accessibility")).content.decode()
    assert 'lang="en"' in page
    assert "Accessibility statement for Målbild" in page
    client.post(SWITCH, {"language": "sv", "next": "/"})
    assert (
        "Tillgänglighetsredogörelse för Målbild"
        in client.get(reverse("accessibility")).content.decode()
    )


@pytest.mark.django_db
def test_a_signed_in_person_keeps_the_choice_on_their_profile(client, teacher):
    client.force_login(teacher)
    client.post(SWITCH, {"language": "en", "next": "/"})
    teacher.refresh_from_db()
    assert teacher.language == "en"
    assert audit_events(action="accounts.language_changed", actor=teacher)


@pytest.mark.django_db
def test_an_unknown_language_changes_nothing(client, teacher):
    client.force_login(teacher)
    response = client.post(SWITCH, {"language": "xx", "next": "/"})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.language == "sv"


@pytest.mark.django_db
def test_it_never_redirects_to_another_site(client):
    response = client.post(SWITCH, {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_a_get_changes_nothing(client):
    assert client.get(SWITCH, {"language": "en"}).status_code == 405


@pytest.mark.django_db
def test_the_profile_names_each_language_in_itself_and_marks_it(client, teacher):
    client.force_login(teacher)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="sv" selected lang="sv">svenska</option>' in page
    assert '<option value="en" lang="en">English</option>' in page
