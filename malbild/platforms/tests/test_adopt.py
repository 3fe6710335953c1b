import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import audit_events, stored_files
from malbild.platforms.models import Decision, PlatformVersion, Value
from malbild.platforms.tests import builders
from malbild.platforms.tests.builders import PDF, draft_form_data, fresh
from malbild.tenants.scope import scope


def url(name, org, *args):
    return reverse(f"platform:{name}", args=[org.slug, *args])


def decision_data(draft, **overrides):
    return {
        "body": "Kommunfullmäktige",
        "decided_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "reference": "§ 42",
        "lock_version": draft.lock_version,
        **overrides,
    }


def decisions(org):
    with scope(org):
        return list(Decision.objects.all())


def values(org):
    with scope(org):
        return {v.key: v for v in Value.objects.all()}


@pytest.mark.django_db
def test_the_decision_form_takes_files_and_summarises_what_is_put_in_force(client, cast):
    builders.draft(cast.org, vision="Visionen som ska beslutas.")
    client.force_login(cast.admin)
    response = client.get(url("adopt", cast.org))
    assert response.status_code == 200
    assert response.context["form"].is_multipart()
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Visionen som ska beslutas." in html
    assert "Tillit" in html
    assert response.context["form"]["body"].value() == "Kommunfullmäktige"


@pytest.mark.django_db
def test_start_edit_and_adopt_puts_the_new_version_in_force(client, cast):
    first = builders.in_force(cast.org)
    client.force_login(cast.admin)
    # Start a new draft and change it: öppenhet goes, tillit is renamed, one value is new.
    client.post(url("draft_start", cast.org))
    with scope(cast.org):
        draft = PlatformVersion.objects.get(status=PlatformVersion.Status.DRAFT)
    rows = [
        draft.core_values[0],
        {"key": "tillit", "name": "Förtroende", "description": "Vi litar på varandra."},
        {"name": "Ständiga förbättringar", "description": "Vi blir bättre."},
    ]
    saved = client.post(
        url("draft", cast.org), draft_form_data(draft, vision="En ny vision.", values=rows)
    )
    assert saved.status_code == 302
    draft = fresh(draft)
    minutes = SimpleUploadedFile("KF protokoll 2026-03.pdf", PDF, content_type="application/pdf")
    response = client.post(url("adopt", cast.org), {**decision_data(draft), "minutes": minutes})
    assert response.status_code == 302
    assert response["Location"] == url("detail", cast.org)

    adopted, previous = fresh(draft), fresh(first)
    assert adopted.status == PlatformVersion.Status.ADOPTED
    assert previous.status == PlatformVersion.Status.SUPERSEDED
    assert previous.vision == first.vision  # kept as it was
    decision = adopted.decision
    assert decision is not None
    assert (decision.body, decision.reference) == ("Kommunfullmäktige", "§ 42")
    assert decision.recorded_on_behalf
    assert decision.made_by == cast.admin
    assert decision.minutes.name.endswith(".pdf")
    with decision.minutes.open("rb") as kept:
        assert kept.read() == PDF
    by_key = values(cast.org)
    assert by_key["tillit"].name == "Förtroende"
    assert by_key["tillit"].retired_at is None
    assert by_key["standiga-forbattringar"].retired_at is None
    assert by_key["oppenhet"].retired_at is not None
    assert audit_events(action="platform.adopted", target_id=str(adopted.pk))
    # Every member now sees the new version, with a link to the minutes.
    client.force_login(cast.teacher)
    html = client.get(url("detail", cast.org)).content.decode()
    assert "En ny vision." in html
    assert url("decision_minutes", cast.org, decision.pk) in html


@pytest.mark.django_db
def test_a_draft_without_a_vision_is_refused_with_a_message(client, cast):
    draft = builders.draft(cast.org, vision="")
    client.force_login(cast.admin)
    response = client.post(url("adopt", cast.org), decision_data(draft))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'class="error-summary"' in response.content.decode()
    assert fresh(draft).status == PlatformVersion.Status.DRAFT
    assert decisions(cast.org) == []


@pytest.mark.django_db
def test_a_decision_dated_in_the_future_is_refused(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url("adopt", cast.org), decision_data(draft, decided_on=tomorrow))
    assert response.status_code == 200
    assert response.context["form"].errors["decided_on"]
    assert fresh(draft).status == PlatformVersion.Status.DRAFT
    assert decisions(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"body": "   "}, {"decided_on": "igår"}, {"decided_on": ""}, {"reference": "x" * 61}],
)
def test_a_decision_with_a_missing_or_malformed_field_is_refused(client, cast, changes):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    response = client.post(url("adopt", cast.org), decision_data(draft, **changes))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(changes)
    assert fresh(draft).status == PlatformVersion.Status.DRAFT


@pytest.mark.django_db
def test_minutes_that_are_not_a_pdf_are_refused(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    fake = SimpleUploadedFile("protokoll.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client.post(url("adopt", cast.org), {**decision_data(draft), "minutes": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"]
    assert fresh(draft).status == PlatformVersion.Status.DRAFT
    assert decisions(cast.org) == []
    assert stored_files(".pdf") == []


@pytest.mark.django_db
def test_minutes_larger_than_the_limit_are_refused(client, cast, settings):
    settings.MAX_UPLOAD_MB = 1
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    big = SimpleUploadedFile("stort.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    response = client.post(url("adopt", cast.org), {**decision_data(draft), "minutes": big})
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"]
    assert fresh(draft).status == PlatformVersion.Status.DRAFT
    assert stored_files(".pdf") == []


@pytest.mark.django_db
def test_a_draft_saved_after_the_summary_was_shown_is_not_put_in_force(client, cast):
    draft = builders.draft(cast.org, vision="Den visade texten.")
    client.force_login(cast.admin)
    shown_lock = draft.lock_version
    client.post(url("draft", cast.org), draft_form_data(draft, vision="En senare text."))
    response = client.post(url("adopt", cast.org), decision_data(draft, lock_version=shown_lock))
    assert response.status_code == 409
    assert "En senare text." in response.content.decode()  # the summary, as it is now
    assert fresh(draft).status == PlatformVersion.Status.DRAFT
    assert decisions(cast.org) == []
    again = client.post(url("adopt", cast.org), decision_data(fresh(draft)))
    assert again.status_code == 302
    assert fresh(draft).status == PlatformVersion.Status.ADOPTED


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["elected", "rektor", "teacher", "reader"])
def test_only_admins_record_the_decision(client, cast, who):
    draft = builders.draft(cast.org)
    client.force_login(getattr(cast, who))
    assert client.get(url("adopt", cast.org)).status_code == 403
    assert client.post(url("adopt", cast.org), decision_data(draft)).status_code == 403
    assert fresh(draft).status == PlatformVersion.Status.DRAFT


@pytest.mark.django_db
def test_another_organisations_admin_cannot_adopt(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.ekby_admin)
    assert client.post(url("adopt", cast.org), decision_data(draft)).status_code == 404
    assert client.post(url("adopt", cast.ekby), decision_data(draft)).status_code == 404
    assert fresh(draft).status == PlatformVersion.Status.DRAFT


@pytest.mark.django_db
def test_without_an_open_draft_there_is_nothing_to_adopt(client, cast):
    builders.in_force(cast.org)
    client.force_login(cast.admin)
    assert client.get(url("adopt", cast.org)).status_code == 404
