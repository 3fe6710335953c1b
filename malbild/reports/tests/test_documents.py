"""The documents of a period: asking for one, its page and progress, the downloads, and every
way a request can go wrong."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import audit_events
from malbild.followup.tests.builders import closed_period, make_period, world
from malbild.lib.tests.htmx import htmx
from malbild.reports import excel
from malbild.reports.models import GeneratedReport
from malbild.reports.tests.builders import BERGA_ANALYSIS, followup
from malbild.tenants.scope import scope

Status = GeneratedReport.Status


def url(name, *args):
    return reverse(f"reports:{name}", args=["mittkoping", *args])


def ask(client, user, period, unit, language="en", capture=None, drafts=True):
    client.force_login(user)
    data = {"unit": unit.pk, "language": language, **({"drafts": "on"} if drafts else {})}
    if capture is None:
        return client.post(url("request", period.pk), data)
    with capture(execute=True):
        return client.post(url("request", period.pk), data)


def documents(org):
    with scope(org):
        return list(GeneratedReport.objects.select_related("unit").order_by("id"))


def actions() -> list[str]:
    events = sorted(audit_events(action__startswith="reports."), key=lambda e: e.pk)
    return [e.action for e in events]


def files_under(settings) -> list[str]:
    """The documents' files kept (in the database: server.storage)."""
    from malbild.server.models import StoredFile

    return sorted(
        StoredFile.objects.filter(name__startswith="reports/").values_list("name", flat=True)
    )


@pytest.mark.django_db
def test_an_admin_generates_a_document_listed_with_its_pdf_and_excel(
    cast, client, django_capture_on_commit_callbacks
):
    f = followup(cast)
    response = ask(
        client, cast.admin, f.period, cast.root, capture=django_capture_on_commit_callbacks
    )
    (document,) = documents(cast.org)
    assert response.status_code == 302
    assert response["Location"] == url("document", document.pk)
    assert document.status == Status.DONE
    assert document.progress == 100
    assert document.with_drafts  # an admin reads every draft
    assert document.requested_by == cast.admin
    assert len(document.pdf_sha256) == len(document.xlsx_sha256) == 64

    page = client.get(url("documents", f.period.pk)).content.decode()
    assert f'href="{url("pdf", document.pk)}"' in page
    assert f'href="{url("xlsx", document.pk)}"' in page
    assert url("pdf", document.pk).endswith(".pdf")
    assert url("xlsx", document.pk).endswith(".xlsx")
    detail = client.get(url("document", document.pk)).content.decode()
    assert document.pdf_sha256 in detail
    assert 'hx-get="' not in detail

    pdf = client.get(url("pdf", document.pk))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    xlsx = client.get(url("xlsx", document.pk))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    assert b"".join(xlsx.streaming_content).startswith(b"PK")
    assert actions() == ["reports.requested", "reports.generated"]


@pytest.mark.django_db
def test_the_period_page_links_to_its_documents(cast, client):
    f = followup(cast)
    client.force_login(cast.reader)
    page = client.get(reverse("followup:period_detail", args=["mittkoping", f.period.pk]))
    assert f'href="{url("documents", f.period.pk)}"' in page.content.decode()
    listing = client.get(url("documents", f.period.pk))
    assert listing.status_code == 200
    assert b'action="' + url("request", f.period.pk).encode() not in listing.content  # reads only


@pytest.mark.django_db
def test_an_empty_period_says_why_and_queues_nothing(cast, client):
    world(cast)
    period = make_period(cast.org, "Delår 2")
    response = ask(client, cast.admin, period, cast.root)
    assert response.status_code == 400
    assert "Nothing has been reported for Delår 2 in" in response.content.decode()
    assert documents(cast.org) == []


@pytest.mark.django_db
def test_another_organisations_period_answers_404(cast, client):
    followup(cast)
    ekby_period = closed_period(cast.ekby, "Ekbys delår")
    client.force_login(cast.admin)
    assert client.get(url("documents", ekby_period.pk)).status_code == 404
    assert ask(client, cast.admin, ekby_period, cast.root).status_code == 404
    assert documents(cast.org) == documents(cast.ekby) == []


@pytest.mark.django_db
def test_another_organisations_unit_answers_404(cast, client):
    f = followup(cast)
    assert ask(client, cast.admin, f.period, cast.ekby_root).status_code == 404
    assert documents(cast.org) == []


@pytest.mark.django_db
def test_a_rektor_may_not_ask_for_the_subtree_above_their_school(
    cast, client, django_capture_on_commit_callbacks
):
    f = followup(cast)
    response = ask(client, cast.rektor, f.period, cast.root)
    assert response.status_code == 403
    assert documents(cast.org) == []
    ask(client, cast.rektor, f.period, cast.school, capture=django_capture_on_commit_callbacks)
    (document,) = documents(cast.org)
    assert document.unit == cast.school
    assert document.with_drafts
    assert document.is_done


@pytest.mark.django_db
def test_the_form_offers_the_units_the_person_may_ask_for(cast, client):
    f = followup(cast)

    def offered(user) -> list[int]:
        client.force_login(user)
        form = client.get(url("documents", f.period.pk)).context["form"]
        return list(form.fields["unit"].queryset.values_list("pk", flat=True))

    assert offered(cast.rektor) == [cast.school.pk, cast.team.pk]
    assert set(offered(cast.admin)) == {
        cast.root.pk, cast.area.pk, cast.school.pk, cast.team.pk, cast.other_school.pk
    }  # fmt: skip


@pytest.mark.django_db
def test_staff_and_readers_may_not_ask_for_documents(cast, client):
    f = followup(cast)
    assert ask(client, cast.teacher, f.period, cast.school).status_code == 403
    assert ask(client, cast.reader, f.period, cast.root).status_code == 403
    assert documents(cast.org) == []


@pytest.mark.django_db
def test_a_document_with_drafts_is_read_only_by_those_who_read_the_drafts(
    cast, client, django_capture_on_commit_callbacks
):
    f = followup(cast)
    ask(client, cast.admin, f.period, cast.root, capture=django_capture_on_commit_callbacks)
    (with_drafts,) = documents(cast.org)
    client.force_login(cast.elected)
    for name in ("document", "pdf", "xlsx"):
        assert client.get(url(name, with_drafts.pk)).status_code == 404
    assert (
        url("document", with_drafts.pk)
        not in client.get(url("documents", f.period.pk)).content.decode()
    )

    # The elected member's own document of the same subtree leaves the draft out.
    ask(client, cast.elected, f.period, cast.root, capture=django_capture_on_commit_callbacks)
    own = documents(cast.org)[-1]
    assert own.pk != with_drafts.pk
    assert not own.with_drafts
    assert own.is_done
    response = client.get(url("pdf", own.pk))
    assert response.status_code == 200
    response.close()
    assert BERGA_ANALYSIS not in str(own.contents)


@pytest.mark.django_db
def test_the_namnds_document_leaves_drafts_out_and_elected_members_read_it(
    cast, client, django_capture_on_commit_callbacks
):
    f = followup(cast)
    ask(
        client, cast.admin, f.period, cast.root, drafts=False,
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    (document,) = documents(cast.org)
    assert not document.with_drafts
    assert BERGA_ANALYSIS not in str(document.contents)
    client.force_login(cast.elected)
    listing = client.get(url("documents", f.period.pk)).content.decode()
    assert url("document", document.pk) in listing
    assert "No document has been generated" not in listing
    page = client.get(url("document", document.pk))
    assert page.status_code == 200
    response = client.get(url("pdf", document.pk))
    assert response.status_code == 200
    response.close()


@pytest.mark.django_db
def test_the_request_form_leaves_drafts_out_unless_asked(cast, client):
    f = followup(cast)
    client.force_login(cast.admin)
    form = client.get(url("documents", f.period.pk)).context["form"]
    assert form["drafts"].value() in (None, False)
    assert 'name="drafts"' in client.get(url("documents", f.period.pk)).content.decode()


@pytest.mark.django_db
def test_a_finished_documents_checksums_are_folded_away(cast, client):
    f = followup(cast)
    with scope(cast.org):
        done = GeneratedReport.objects.create(
            organisation=cast.org, period=f.period, unit=cast.school, language="sv",
            status=Status.DONE, progress=100, pdf_sha256="a" * 64, xlsx_sha256="b" * 64,
        )  # fmt: skip
    client.force_login(cast.elected)
    page = client.get(url("document", done.pk)).content.decode()
    main, folded = page.split('<details class="checksums">')
    assert "a" * 64 not in main
    assert "a" * 64 in folded.split("</details>")[0]
    assert "b" * 64 in folded.split("</details>")[0]


@pytest.mark.django_db
def test_asking_again_while_the_same_document_is_generated_returns_it(cast, client):
    f = followup(cast)
    with scope(cast.org):
        running = GeneratedReport.objects.create(
            organisation=cast.org, period=f.period, unit=cast.root, language="en",
            with_drafts=True, status=Status.RUNNING, progress=40, requested_by=cast.admin,
        )  # fmt: skip
    response = ask(client, cast.admin, f.period, cast.root)
    assert response.status_code == 302
    assert response["Location"] == url("document", running.pk)
    assert documents(cast.org) == [running]
    # In another language it is another document.
    ask(client, cast.admin, f.period, cast.root, language="sv")
    assert len(documents(cast.org)) == 2


@pytest.mark.django_db
def test_the_database_refuses_two_documents_in_progress_for_the_same_request(cast):
    f = followup(cast)
    fields = {
        "organisation": cast.org, "period": f.period, "unit": cast.root, "language": "sv",
        "with_drafts": False,
    }  # fmt: skip
    with scope(cast.org):
        GeneratedReport.objects.create(status=Status.QUEUED, **fields)
        GeneratedReport.objects.create(status=Status.DONE, **fields)  # kept ones may be many
        with pytest.raises(IntegrityError), transaction.atomic():
            GeneratedReport.objects.create(status=Status.RUNNING, **fields)


@pytest.mark.django_db
def test_a_task_failing_halfway_lists_nothing_and_may_be_retried(
    cast, client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    f = followup(cast)

    def broken(contents):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(excel, "render", broken)
    ask(client, cast.admin, f.period, cast.root, capture=django_capture_on_commit_callbacks)
    (document,) = documents(cast.org)
    assert document.status == Status.FAILED
    assert "the disk is full" in document.error
    assert not document.pdf_file
    assert not document.pdf_sha256
    assert files_under(settings) == []  # the PDF was rendered, but never written in place
    listing = client.get(url("documents", f.period.pk)).content.decode()
    assert url("pdf", document.pk) not in listing
    assert client.get(url("pdf", document.pk)).status_code == 404
    page = client.get(url("document", document.pk)).content.decode()
    assert "The document could not be generated" in page
    assert url("retry", document.pk) in page
    assert actions() == ["reports.requested", "reports.failed"]

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("retry", document.pk))
    assert response["Location"] == url("document", document.pk)
    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.error == ""
    assert len(files_under(settings)) == 2


@pytest.mark.django_db
def test_only_a_failed_document_is_retried(cast, client, django_capture_on_commit_callbacks):
    f = followup(cast)
    ask(client, cast.admin, f.period, cast.root, capture=django_capture_on_commit_callbacks)
    (document,) = documents(cast.org)
    response = client.post(url("retry", document.pk), follow=True)
    assert "Only a document that failed can be generated again." in response.content.decode()


@pytest.mark.django_db
def test_the_page_polls_while_the_document_is_generated(cast, client):
    f = followup(cast)
    with scope(cast.org):
        queued = GeneratedReport.objects.create(
            organisation=cast.org, period=f.period, unit=cast.school, language="sv",
            with_drafts=False, status=Status.RUNNING, progress=30,
        )  # fmt: skip
    client.force_login(cast.reader)
    partial = client.get(url("document", queued.pk) + "?progress=1", **htmx())
    text = partial.content.decode()
    assert "<h1" not in text
    assert 'hx-trigger="every 2s"' in text
    assert 'value="30"' in text
    # It updates itself: reloading is only offered to a browser without JavaScript.
    assert "<noscript>" in text
    assert text.index("refresh the page") > text.index("<noscript>")
    assert client.get(url("pdf", queued.pk)).status_code == 404  # nothing until it is done


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_few_documents_and_many(cast, client):
    f = followup(cast)
    client.force_login(cast.admin)

    def keep(count):
        with scope(cast.org):
            for _index in range(count):
                GeneratedReport.objects.create(
                    organisation=cast.org, period=f.period, unit=cast.school, language="sv",
                    status=Status.FAILED, requested_by=cast.rektor,
                )  # fmt: skip

    keep(1)
    client.get(url("documents", f.period.pk))  # sessions and caches settle
    with CaptureQueriesContext(connection) as few:
        client.get(url("documents", f.period.pk))
    keep(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("documents", f.period.pk))
    assert response.content.decode().count("/uppfoljning/dokument/") == 21
    assert len(many) == len(few) <= 15
