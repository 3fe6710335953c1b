import pytest
from django.urls import reverse

from conftest import audit_events, give_role, make_user
from malbild.platforms.models import PlatformVersion
from malbild.platforms.tests import builders
from malbild.platforms.tests.builders import draft_form_data, fresh
from malbild.tenants.scope import scope


def url(name, org, *args):
    return reverse(f"platform:{name}", args=[org.slug, *args])


def versions(org):
    with scope(org):
        return list(PlatformVersion.objects.order_by("number"))


# Starting a draft ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_starts_a_draft_as_a_copy_of_the_version_in_force(client, cast):
    current = builders.in_force(cast.org, vision="Gällande vision.")
    client.force_login(cast.admin)
    response = client.post(url("draft_start", cast.org))
    assert response.status_code == 302
    assert response["Location"] == url("draft", cast.org)
    draft = versions(cast.org)[-1]
    assert draft.status == PlatformVersion.Status.DRAFT
    assert draft.number == current.number + 1
    assert (draft.vision, draft.core_values) == ("Gällande vision.", current.core_values)
    assert audit_events(action="platform.draft_started", target_id=str(draft.pk))


@pytest.mark.django_db
def test_starting_again_while_a_draft_is_open_goes_to_that_draft(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    response = client.post(url("draft_start", cast.org))
    assert response["Location"] == url("draft", cast.org)
    assert [v.pk for v in versions(cast.org)] == [draft.pk]


@pytest.mark.django_db
def test_a_draft_is_started_only_by_post(client, cast):
    client.force_login(cast.admin)
    assert client.get(url("draft_start", cast.org)).status_code == 405
    assert versions(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["elected", "rektor", "teacher", "reader"])
def test_only_admins_start_and_edit_drafts(client, cast, who):
    draft = builders.draft(cast.org, vision="Orörd.")
    client.force_login(getattr(cast, who))
    assert client.post(url("draft_start", cast.org)).status_code == 403
    assert client.get(url("draft", cast.org)).status_code == 403
    response = client.post(url("draft", cast.org), draft_form_data(draft, vision="Ändrad."))
    assert response.status_code == 403
    assert fresh(draft).vision == "Orörd."


@pytest.mark.django_db
def test_another_organisations_admin_gets_404(client, cast):
    draft = builders.draft(cast.org, vision="Orörd.")
    client.force_login(cast.ekby_admin)
    assert client.post(url("draft_start", cast.org)).status_code == 404
    assert client.get(url("draft", cast.org)).status_code == 404
    response = client.post(url("draft", cast.org), draft_form_data(draft, vision="Ändrad."))
    assert response.status_code == 404
    assert fresh(draft).vision == "Orörd."
    # Nor does Ekby's own draft page reach Mittköping's draft.
    assert client.get(url("draft", cast.ekby)).status_code == 404


@pytest.mark.django_db
def test_the_draft_page_answers_404_when_no_draft_is_open(client, cast):
    builders.in_force(cast.org)
    client.force_login(cast.admin)
    assert client.get(url("draft", cast.org)).status_code == 404


# Editing ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_shows_the_draft_with_a_few_empty_rows_for_new_values(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    response = client.get(url("draft", cast.org))
    assert response.status_code == 200
    values = response.context["values"]
    assert len(values.forms) == len(draft.core_values) + 3
    assert values.forms[0].initial["key"] == "medborgarfokus"
    html = response.content.decode()
    assert f'name="lock_version" value="{draft.lock_version}"' in html


@pytest.mark.django_db
def test_an_admin_saves_the_draft_keeping_renamed_values_and_dropping_empty_rows(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    rows = [
        {"key": "medborgarfokus", "name": "Elevfokus", "description": "Eleven först."},
        {"key": "oppenhet", "name": "", "description": ""},  # emptied: removed
        {"key": "tillit", "name": "  Tillit  ", "description": "Vi litar på varandra."},
        {"name": "Ständiga förbättringar", "description": "Vi blir bättre hela tiden."},
        {"name": "", "description": ""},  # an extra row left empty
    ]
    data = draft_form_data(draft, vision="  Ny vision.  ", values=rows)
    response = client.post(url("draft", cast.org), data)
    assert response.status_code == 302
    assert response["Location"] == url("version", cast.org, draft.number)
    saved = fresh(draft)
    assert saved.vision == "Ny vision."
    assert saved.lock_version == draft.lock_version + 1
    assert saved.core_values == [
        {"key": "medborgarfokus", "name": "Elevfokus", "description": "Eleven först."},
        {"key": "tillit", "name": "Tillit", "description": "Vi litar på varandra."},
        {
            "key": "standiga-forbattringar",
            "name": "Ständiga förbättringar",
            "description": "Vi blir bättre hela tiden.",
        },
    ]
    assert audit_events(action="platform.draft_saved", target_id=str(draft.pk))


@pytest.mark.django_db
def test_a_new_value_never_takes_the_key_of_another(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    rows = [
        {"key": "tillit", "name": "Förtroende", "description": "Omdöpt."},
        {"name": "Tillit", "description": "Ett nytt värde med det gamla namnet."},
    ]
    client.post(url("draft", cast.org), draft_form_data(draft, values=rows))
    keys = [v["key"] for v in fresh(draft).core_values]
    assert keys == ["tillit", "tillit-2"]


@pytest.mark.django_db
def test_a_value_with_a_description_but_no_name_is_refused(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    rows = [*draft.core_values, {"name": " ", "description": "Utan namn."}]
    response = client.post(url("draft", cast.org), draft_form_data(draft, values=rows))
    assert response.status_code == 200
    row = response.context["values"].forms[3]
    assert row.errors["name"]
    assert 'class="error-summary"' in response.content.decode()
    assert f'href="#{row["name"].id_for_label}"' in response.content.decode()
    assert fresh(draft).lock_version == draft.lock_version
    assert fresh(draft).core_values == draft.core_values


@pytest.mark.django_db
def test_two_values_with_the_same_name_are_refused(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    rows = [*draft.core_values, {"name": "TILLIT", "description": "Igen."}]
    response = client.post(url("draft", cast.org), draft_form_data(draft, values=rows))
    assert response.status_code == 200
    assert response.context["values"].forms[3].errors["name"]
    assert fresh(draft).core_values == draft.core_values


@pytest.mark.django_db
def test_a_tampered_lock_is_refused_with_a_message(client, cast):
    draft = builders.draft(cast.org)
    client.force_login(cast.admin)
    data = {**draft_form_data(draft, vision="Ändrad."), "lock_version": "inte ett tal"}
    response = client.post(url("draft", cast.org), data)
    assert response.status_code == 200
    assert response.context["form"].errors["lock_version"]
    assert fresh(draft).vision == draft.vision


# Two people editing the same draft ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_later_of_two_saves_is_told_of_the_earlier_and_nothing_is_lost(client, cast):
    draft = builders.draft(cast.org, vision="Startversionen.")
    client.force_login(cast.admin)
    first = client.post(url("draft", cast.org), draft_form_data(draft, vision="Annas vision."))
    assert first.status_code == 302
    # A second admin opened the draft at the same time, read at the same lock.
    bertil = make_user("bertil@mittkoping.test", "Bertil Andra")
    give_role(bertil, cast.org, "admin")
    client.force_login(bertil)
    rows = [*draft.core_values, {"name": "Mod", "description": "Vi vågar."}]
    second = client.post(
        url("draft", cast.org), draft_form_data(draft, vision="Bertils vision.", values=rows)
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "Bertils vision." in html  # his own input, kept in the form
    assert "Annas vision." in html  # the text the other person saved, beside it
    assert "Anna Admin" in html  # and who saved it
    assert 'value="Mod"' in html
    assert fresh(draft).vision == "Annas vision."  # nothing overwritten
    assert second.context["form"]["lock_version"].value() == str(fresh(draft).lock_version)
    # Having seen both, he saves again, and his text replaces hers knowingly.
    again = client.post(
        url("draft", cast.org),
        draft_form_data(fresh(draft), vision="Bertils vision, med Annas tanke.", values=rows),
    )
    assert again.status_code == 302
    assert fresh(draft).vision == "Bertils vision, med Annas tanke."
    assert [v["name"] for v in fresh(draft).core_values][-1] == "Mod"


@pytest.mark.django_db
def test_saving_a_draft_that_was_put_in_force_meanwhile_is_a_conflict_too(client, cast):
    old = builders.in_force(cast.org)
    newer = builders.draft(cast.org)
    assert newer.lock_version == old.lock_version  # same lock: only the number tells them apart
    client.force_login(cast.admin)
    response = client.post(url("draft", cast.org), draft_form_data(old, vision="Sent ändrad."))
    assert response.status_code == 409
    assert fresh(newer).vision == newer.vision
    assert fresh(old).vision == old.vision
