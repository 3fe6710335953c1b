import pytest
from django.urls import reverse

from conftest import make_user


@pytest.mark.django_db
def test_the_technical_admin_works_across_organisations_for_superusers(client, cast):
    client.force_login(make_user("root@test.example", is_staff=True, is_superuser=True))
    for name, obj in [("tenants_orgunit", cast.school), ("tenants_membership", None)]:
        target = (
            reverse(f"admin:{name}_change", args=[obj.pk])
            if obj
            else reverse(f"admin:{name}_changelist")
        )
        assert client.get(target).status_code == 200, name


@pytest.mark.django_db
def test_the_technical_admin_is_closed_to_municipal_administrators(client, cast):
    cast.admin.is_staff = True
    cast.admin.save()
    client.force_login(cast.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
