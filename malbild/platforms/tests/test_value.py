import pytest
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils import timezone, translation

from malbild.platforms.models import Value
from malbild.platforms.tests import builders
from malbild.tenants.scope import scope


def url(name, org, *args):
    return reverse(f"platform:{name}", args=[org.slug, *args])


def value(org, key):
    with scope(org):
        return Value.objects.get(key=key)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reader", "teacher", "elected", "admin"])
def test_every_member_reads_a_value_and_what_expresses_it(client, cast, who):
    builders.in_force(cast.org)
    tillit = value(cast.org, "tillit")
    client.force_login(getattr(cast, who))
    response = client.get(url("value", cast.org, tillit.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tillit</h1>" in html
    assert "Vi litar på varandra." in html
    assert 'id="expressed-heading"' in html
    assert url("detail", cast.org) in html


@pytest.mark.django_db
def test_a_value_no_longer_in_the_platform_says_since_when(client, cast):
    builders.in_force(cast.org)
    builders.in_force(cast.org, core_values=builders.VALUES[:2])  # tillit is left out
    tillit = value(cast.org, "tillit")
    assert tillit.retired_at is not None
    client.force_login(cast.reader)
    response = client.get(url("value", cast.org, tillit.pk))
    assert response.status_code == 200
    with translation.override("sv"):
        since = format_date(timezone.localtime(tillit.retired_at), "j F Y")
    assert since in response.content.decode()
    assert response.context["value"].retired_at == tillit.retired_at
    # A value still in force says nothing of the kind.
    kept = client.get(url("value", cast.org, value(cast.org, "oppenhet").pk))
    assert kept.context["value"].retired_at is None


@pytest.mark.django_db
def test_a_retired_value_is_reachable_from_the_version_that_had_it(client, cast):
    first = builders.in_force(cast.org)
    builders.in_force(cast.org, core_values=builders.VALUES[:2])
    client.force_login(cast.reader)
    html = client.get(url("version", cast.org, first.number)).content.decode()
    assert url("value", cast.org, value(cast.org, "tillit").pk) in html


@pytest.mark.django_db
def test_another_organisations_value_answers_404(client, cast):
    builders.in_force(cast.ekby)
    ekby_value = value(cast.ekby, "tillit")
    client.force_login(cast.admin)
    assert client.get(url("value", cast.org, ekby_value.pk)).status_code == 404
    client.force_login(cast.ekby_admin)
    builders.in_force(cast.org)
    assert client.get(url("value", cast.org, value(cast.org, "tillit").pk)).status_code == 404


@pytest.mark.django_db
def test_html_in_a_value_is_shown_as_text(client, cast):
    builders.in_force(
        cast.org, core_values=[{"name": "<b>Mod</b>", "description": "<script>x()</script>"}]
    )
    with scope(cast.org):
        mod = Value.objects.get()
    client.force_login(cast.reader)
    html = client.get(url("value", cast.org, mod.pk)).content.decode()
    assert "<script>x()" not in html
    assert "<b>Mod" not in html
    assert "&lt;b&gt;Mod&lt;/b&gt;" in html
