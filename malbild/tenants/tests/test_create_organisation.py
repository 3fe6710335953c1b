import pytest
from django.core.management import CommandError, call_command

from conftest import audit_events
from malbild.accounts.models import User
from malbild.tenants.models import Membership, Organisation, OrgUnit
from malbild.tenants.scope import scope


@pytest.mark.django_db
def test_it_creates_the_organisation_its_top_unit_and_administrator():
    call_command("create_organisation", "Umeå kommun", "umea", "--admin", "Chef@Umea.example")
    organisation = Organisation.objects.get(slug="umea")
    user = User.objects.get(email="chef@umea.example")
    assert not user.has_usable_password()
    with scope(organisation):
        assert OrgUnit.objects.get().parent is None
        assert Membership.objects.get().role == "admin"
    assert audit_events(action="tenants.organisation_created")


@pytest.mark.django_db
def test_a_reserved_slug_is_refused_and_nothing_is_created():
    with pytest.raises(CommandError, match="reserv"):
        call_command("create_organisation", "Delat", "delat", "--admin", "a@b.example")
    assert not Organisation.objects.exists()
    assert not User.objects.exists()
