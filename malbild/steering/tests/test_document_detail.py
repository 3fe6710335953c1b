from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from malbild.steering.tests.builders import make_adopted_target_vision, make_change, make_document
from malbild.targets.models import TargetVision
from malbild.tenants.scope import scope


def detail_url(org, document):
    return reverse("steering:detail", args=[org.slug, document.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "reader", "elected", "rektor", "admin"])
def test_every_member_reads_a_document_with_its_changes_in_order(client, cast, who):
    document = make_document(
        cast.org, "Nationell digitaliseringsstrategi för skolväsendet", kind="strategy",
        issuer="Regeringen", url="https://www.regeringen.se/strategi",
        summary="Strategin gällde 2017–2022.",
    )  # fmt: skip
    ended = make_change(document, date(2022, 12, 31), kind="repealed", description="Löpte ut.",
                        source="Regeringsbeslut U2017/04118")  # fmt: skip
    decided = make_change(
        document, date(2017, 10, 19), kind="decided", description="Beslutad.",
        source="Regeringsbeslut I:1", source_url="https://www.regeringen.se/b",
    )  # fmt: skip
    client.force_login(getattr(cast, who))
    response = client.get(detail_url(cast.org, document))
    assert response.status_code == 200
    assert response.context["changes"] == [decided, ended]
    html = response.content.decode()
    assert html.index("Beslutad.") < html.index("Löpte ut.")
    assert (
        '<a href="https://www.regeringen.se/b" rel="noopener noreferrer">Regeringsbeslut I:1</a>'
        in html
    )
    assert "Regeringsbeslut U2017/04118" in html
    assert 'href="https://www.regeringen.se/strategi"' in html
    assert "Strategin gällde 2017–2022." in html
    assert "2017-10-19" in html  # <time datetime>


@pytest.mark.django_db
def test_it_shows_the_målbild_versions_that_cite_the_document(client, cast):
    document = make_document(cast.org)
    other = make_document(cast.org, "Lokal IT-plan", kind="policy", level="local")
    version = make_adopted_target_vision(cast.org, document)
    with scope(cast.org):
        draft = TargetVision.objects.create(
            organisation=cast.org, number=2, title="Nästa målbild", statement="S",
            start_year=2026, end_year=2029, change_motive="M", if_nothing_changes="N",
        )  # fmt: skip
        draft.steering_documents.add(document)
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, document))
    assert response.context["target_visions"] == [draft, version]
    html = response.content.decode()
    assert reverse("targets:version", args=[cast.org.slug, 1]) in html
    assert reverse("targets:version", args=[cast.org.slug, 2]) in html
    assert "Digitalt lärande för alla" in html
    assert version.get_status_display() in html
    assert client.get(detail_url(cast.org, other)).context["target_visions"] == []


@pytest.mark.django_db
def test_a_coming_change_is_marked_in_text(client, cast):
    document = make_document(cast.org)
    make_change(document, timezone.localdate() + timedelta(days=60), kind="in_force")
    client.force_login(cast.teacher)
    html = client.get(detail_url(cast.org, document)).content.decode()
    assert '<span class="tag">' in html


@pytest.mark.django_db
def test_only_admins_see_the_links_to_edit_and_add_a_change(client, cast):
    document = make_document(cast.org)
    edit = reverse("steering:edit", args=[cast.org.slug, document.pk])
    add = reverse("steering:change_create", args=[cast.org.slug, document.pk])
    client.force_login(cast.admin)
    html = client.get(detail_url(cast.org, document)).content.decode()
    assert edit in html
    assert add in html
    client.force_login(cast.elected)
    html = client.get(detail_url(cast.org, document)).content.decode()
    assert edit not in html
    assert add not in html


@pytest.mark.django_db
def test_another_organisations_document_answers_404(client, cast):
    document = make_document(cast.org)
    client.force_login(cast.ekby_admin)
    assert client.get(detail_url(cast.org, document)).status_code == 404
    # Mittköping's id under Ekby's own address is just as unknown.
    assert client.get(detail_url(cast.ekby, document)).status_code == 404


@pytest.mark.django_db
def test_an_unknown_document_answers_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("steering:detail", args=[cast.org.slug, 999999])).status_code == 404
