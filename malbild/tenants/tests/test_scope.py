import pytest
from django.apps import apps

from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import NoActiveOrganisation, TenantManager, scope, unscoped


@pytest.mark.django_db
def test_a_tenant_table_refuses_queries_without_an_organisation(cast):
    with pytest.raises(NoActiveOrganisation):
        list(OrgUnit.objects.all())


@pytest.mark.django_db
def test_a_scope_sees_only_its_own_organisation(cast):
    with scope(cast.ekby):
        assert set(OrgUnit.objects.values_list("name", flat=True)) == {
            "Ekby skolförvaltning",
            "Ekby skola",
        }
        assert not OrgUnit.objects.filter(pk=cast.school.pk).exists()


@pytest.mark.django_db
def test_unscoped_sees_everything(cast):
    with unscoped():
        assert OrgUnit.objects.count() == 7


@pytest.mark.django_db
def test_scopes_nest_and_restore(cast):
    with scope(cast.org):
        with scope(cast.ekby):
            assert OrgUnit.objects.filter(pk=cast.school.pk).count() == 0
        assert OrgUnit.objects.filter(pk=cast.school.pk).count() == 1
    with pytest.raises(NoActiveOrganisation):
        OrgUnit.objects.count()


# Models that belong to no single organisation, each with its reason.
GLOBAL_MODELS = {
    "tenants.organisation": "it is the tenant",
    "accounts.user": "a person may belong to several organisations",
    "accounts.ssoidentity": "a person's account at the login service, like the person's own",
    "server.scheduledrun": "housekeeping of the installation",
    "assessments.maturitymodel": "the self-assessment's maturity model is the same for everyone",
    "assessments.area": "part of the maturity model",
    "assessments.statement": "part of the maturity model",
    "surveys.bank": "the pupil survey's bank of statements is the same for everyone",
    "surveys.area": "part of the bank of statements",
    "surveys.statement": "part of the bank of statements",
}


def test_every_tenant_owned_table_has_its_own_organisation_column_and_scoped_manager():
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("malbild.") or label in GLOBAL_MODELS:
            continue
        field = model._meta.get_field("organisation")
        assert field.is_relation, label
        assert field.related_model is Organisation, label
        assert isinstance(model._default_manager, TenantManager), label
