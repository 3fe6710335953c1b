import json

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from conftest import audit_events
from malbild.accounts.personal_data import export, parts
from malbild.scanning.models import SignalComment
from malbild.scanning.tests.builders import make_signal
from malbild.tenants.scope import scope

URL = reverse("accounts:personal_data")


def test_every_reference_to_a_person_is_part_of_the_export():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    named = {(part.model, field) for part in parts() for field in part.person_fields}
    collected = {part.model for part in parts() if part.collect is not None}
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("malbild.")
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is user_model
        and (model._meta.label, field.name) not in named
        and model._meta.label not in collected
    ]
    assert missing == [], "add these to the app's personal_data.py"


@pytest.mark.django_db
def test_the_download_holds_the_account_roles_writing_and_audit_trail(client, cast):
    signal = make_signal(cast.org, "Digitala nationella prov", by=cast.teacher)
    with scope(cast.org):
        SignalComment.objects.create(
            organisation=cast.org, signal=signal, author=cast.teacher, body="Vi testar i åk 9."
        )
        make_signal(cast.org, "Någon annans signal", by=cast.rektor)
    client.force_login(cast.teacher)
    client.post(reverse("accounts:profile"), {"name": "Lars Lärare", "language": "sv"})

    response = client.post(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="malbild-mina-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["format"] == "malbild-personal-data/1"
    assert data["account"]["email"] == "larare@mittkoping.test"
    assert data["account"]["name"] == "Lars Lärare"
    assert [m["role"] for m in data["tenants.memberships"]] == ["staff"]
    assert [s["title"] for s in data["scanning.signals"]] == ["Digitala nationella prov"]
    assert [c["body"] for c in data["scanning.comments"]] == ["Vi testar i åk 9."]
    assert "accounts.profile_changed" in [e["action"] for e in data["audit.events"]]
    assert "password" not in json.dumps(data["account"])


@pytest.mark.django_db
def test_the_download_is_audited_without_the_data(client, cast):
    client.force_login(cast.teacher)
    client.post(URL)
    event = audit_events(action="accounts.data_exported")[0]
    assert event.actor == cast.teacher
    assert event.before is None
    assert event.after is None


@pytest.mark.django_db
def test_it_holds_nothing_of_other_people(cast):
    make_signal(cast.org, "Rektorns signal", by=cast.rektor)
    data = export(cast.teacher)
    assert data["scanning.signals"] == []
    assert all(e["actor_id"] in (cast.teacher.pk, None) for e in data["audit.events"])


@pytest.mark.django_db
def test_secrets_are_left_out(cast):
    from malbild.announcements.models import Subscription

    with scope(cast.org):
        Subscription.objects.create(
            organisation=cast.org, user=cast.teacher, feed_token_hash="a" * 64
        )
    rows = export(cast.teacher)["communication.subscriptions"]
    assert len(rows) == 1
    assert "feed_token_hash" not in rows[0]


@pytest.mark.django_db
def test_it_needs_a_login_and_a_post(client, cast):
    assert client.post(URL)["Location"].startswith(reverse("accounts:login"))
    client.force_login(cast.teacher)
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_the_profile_page_offers_the_download(client, cast, english):
    client.force_login(cast.teacher)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'action="{URL}"' in page
    assert "Download your data (JSON)" in page
