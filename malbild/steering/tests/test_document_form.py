import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.steering.tests.builders import documents, fresh, make_document


def create_url(org):
    return reverse("steering:create", args=[org.slug])


def edit_url(org, document):
    return reverse("steering:edit", args=[org.slug, document.pk])


def document_data(**overrides):
    return {
        "title": "Läroplan för grundskolan, förskoleklassen och fritidshemmet",
        "kind": "curriculum",
        "level": "national",
        "issuer": "Skolverket",
        "url": "https://www.skolverket.se/lgr22",
        "summary": "Lgr22 gäller från 1 juli 2022.",
        **overrides,
    }


@pytest.mark.django_db
def test_an_admin_adds_a_document_and_it_is_audited(client, cast):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), document_data(title="  Läroplan   Lgr22 "))
    [document] = documents(cast.org)
    assert response.status_code == 302
    assert response["Location"] == reverse("steering:detail", args=[cast.org.slug, document.pk])
    assert document.title == "Läroplan Lgr22"
    assert document.organisation == cast.org
    assert document.url == "https://www.skolverket.se/lgr22"
    [event] = audit_events(action="steering.document_saved", target_id=str(document.pk))
    assert event.actor == cast.admin
    assert event.organisation == cast.org
    assert event.before is None
    assert event.after["title"] == "Läroplan Lgr22"


@pytest.mark.django_db
def test_the_form_is_shown_to_an_admin(client, cast):
    client.force_login(cast.admin)
    response = client.get(create_url(cast.org))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("title", "kind", "level", "issuer", "url", "summary"):
        assert f'for="id_{name}"' in html


@pytest.mark.django_db
def test_an_admin_edits_a_document_and_it_is_audited_with_before_and_after(client, cast):
    document = make_document(cast.org, "Skollag", url="")
    client.force_login(cast.admin)
    form = client.get(edit_url(cast.org, document))
    assert form.status_code == 200
    assert 'value="Skollag"' in form.content.decode()
    response = client.post(
        edit_url(cast.org, document),
        document_data(title="Skollagen (2010:800)", kind="law", issuer="Riksdagen"),
    )
    assert response.status_code == 302
    assert fresh(document).title == "Skollagen (2010:800)"
    [event] = audit_events(action="steering.document_saved", target_id=str(document.pk))
    assert event.before["title"] == "Skollag"
    assert event.after["title"] == "Skollagen (2010:800)"


@pytest.mark.django_db
def test_saving_a_document_unchanged_writes_nothing(client, cast):
    document = make_document(cast.org, "Skollagen", url="", summary="")
    client.force_login(cast.admin)
    data = {"title": "Skollagen", "kind": "law", "level": "national", "issuer": "Riksdagen",
            "url": "", "summary": ""}  # fmt: skip
    assert client.post(edit_url(cast.org, document), data).status_code == 302
    assert audit_events(action="steering.document_saved") == []


@pytest.mark.django_db
def test_a_document_keeps_its_own_title_in_another_case(client, cast):
    document = make_document(cast.org, "Skollagen")
    client.force_login(cast.admin)
    response = client.post(edit_url(cast.org, document), document_data(title="SKOLLAGEN"))
    assert response.status_code == 302
    assert fresh(document).title == "SKOLLAGEN"


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["Lokal it-plan", "LOKAL IT-PLAN", "lokal  IT-plan "])
def test_a_title_already_taken_in_another_case_is_refused(client, cast, title):
    make_document(cast.org, "Lokal IT-plan", kind="policy", level="local")
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), document_data(title=title))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "Lokal IT-plan" in response.context["form"].errors["title"][0]
    assert 'role="alert"' in response.content.decode()
    assert [d.title for d in documents(cast.org)] == ["Lokal IT-plan"]


@pytest.mark.django_db
def test_a_title_taken_with_swedish_letters_in_another_case_is_refused(client, cast):
    make_document(cast.org, "Läroplan för förskolan")
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), document_data(title="LÄROPLAN FÖR FÖRSKOLAN"))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert len(documents(cast.org)) == 1


@pytest.mark.django_db
def test_renaming_to_a_title_already_taken_is_refused_and_changes_nothing(client, cast):
    make_document(cast.org, "Skollagen")
    document = make_document(cast.org, "Skolförordningen")
    client.force_login(cast.admin)
    response = client.post(edit_url(cast.org, document), document_data(title="skollagen"))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert fresh(document).title == "Skolförordningen"
    assert audit_events(action="steering.document_saved") == []


@pytest.mark.django_db
def test_the_same_title_in_another_organisation_is_fine(client, cast):
    make_document(cast.ekby, "Skollagen")
    client.force_login(cast.admin)
    assert client.post(create_url(cast.org), document_data(title="Skollagen")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/lag.pdf",
        "http://",
    ],
)
def test_a_link_that_is_not_a_web_address_is_refused(client, cast, url):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), document_data(url=url))
    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert documents(cast.org) == []


@pytest.mark.django_db
def test_a_javascript_link_on_edit_changes_nothing(client, cast):
    document = make_document(cast.org, "Skollagen", url="https://www.riksdagen.se/skollag")
    client.force_login(cast.admin)
    response = client.post(
        edit_url(cast.org, document), document_data(title="Skollagen", url="javascript:alert(1)")
    )
    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert fresh(document).url == "https://www.riksdagen.se/skollag"


@pytest.mark.django_db
def test_a_link_without_a_scheme_becomes_https(client, cast):
    client.force_login(cast.admin)
    client.post(create_url(cast.org), document_data(url="www.skolverket.se"))
    assert documents(cast.org)[0].url == "https://www.skolverket.se"


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["title", "issuer", "kind", "level"])
def test_a_missing_required_field_is_refused(client, cast, field):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), document_data(**{field: "  "}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert documents(cast.org) == []


@pytest.mark.django_db
def test_an_unknown_kind_is_refused(client, cast):
    client.force_login(cast.admin)
    response = client.post(create_url(cast.org), document_data(kind="rumour"))
    assert "kind" in response.context["form"].errors
    assert documents(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "elected", "rektor", "reader"])
def test_only_admins_may_add_or_edit(client, cast, who):
    document = make_document(cast.org, "Skollagen")
    client.force_login(getattr(cast, who))
    assert client.get(create_url(cast.org)).status_code == 403
    assert client.post(create_url(cast.org), document_data()).status_code == 403
    assert client.get(edit_url(cast.org, document)).status_code == 403
    response = client.post(edit_url(cast.org, document), document_data(title="Ändrad"))
    assert response.status_code == 403
    assert [d.title for d in documents(cast.org)] == ["Skollagen"]
    assert audit_events(action="steering.document_saved") == []


@pytest.mark.django_db
def test_another_organisations_admin_gets_404_and_changes_nothing(client, cast):
    document = make_document(cast.org, "Skollagen")
    client.force_login(cast.ekby_admin)
    assert client.get(create_url(cast.org)).status_code == 404
    assert client.post(create_url(cast.org), document_data()).status_code == 404
    assert client.get(edit_url(cast.org, document)).status_code == 404
    assert client.post(edit_url(cast.org, document), document_data()).status_code == 404
    # Mittköping's document under Ekby's address, where Eva is admin: still unknown.
    assert client.post(edit_url(cast.ekby, document), document_data()).status_code == 404
    assert fresh(document).title == "Skollagen"
    assert documents(cast.ekby) == []
    assert audit_events(action="steering.document_saved") == []
