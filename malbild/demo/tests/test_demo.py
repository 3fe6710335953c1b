import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import make_user
from malbild.accounts.models import User
from malbild.demo import content


@pytest.mark.django_db
def test_the_demo_people_can_log_in(client):
    call_command("demo", "--no-serve")
    for person in content.PEOPLE:
        response = client.post(
            reverse("accounts:login"), {"username": person.email, "password": content.PASSWORD}
        )
        assert response.status_code == 302, person.email
        client.post(reverse("accounts:logout"))


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")
    assert User.objects.count() == len(content.PEOPLE)


@pytest.mark.django_db
def test_it_refuses_a_database_with_real_people():
    make_user("anna@kommun.se")
    with pytest.raises(CommandError, match="not part of the demo"):
        call_command("demo", "--no-serve")
    assert not User.objects.filter(email__endswith="mittkoping.example").exists()


@pytest.mark.django_db
def test_it_refuses_production_mode(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("demo", "--no-serve")
