import pytest
from django.core.exceptions import ValidationError

from malbild.tenants.models import Organisation


@pytest.mark.parametrize("slug", ["o", "offentlig", "delat", "konto", "api", "django-admin"])
def test_a_reserved_word_cannot_be_a_slug(slug):
    organisation = Organisation(name="Test", slug=slug)
    with pytest.raises(ValidationError) as e:
        organisation.full_clean()
    assert "reserverat" in str(e.value) or "reserved" in str(e.value)


@pytest.mark.parametrize("slug", ["Mittkoping", "mitt--koping", "-mitt", "mitt köping"])
def test_a_malformed_slug_is_refused(slug):
    with pytest.raises(ValidationError):
        Organisation(name="Test", slug=slug).full_clean()


@pytest.mark.django_db
def test_unit_paths_follow_the_tree(cast):
    assert cast.root.path == f"/{cast.root.pk}/"
    assert cast.team.path == f"{cast.school.path}{cast.team.pk}/"
    assert cast.team.depth == 3
    assert cast.school.contains(cast.team)
    assert not cast.team.contains(cast.school)
    assert cast.team.ancestor_ids() == [cast.root.pk, cast.area.pk, cast.school.pk]
