"""The signal's page and the list in place: with htmx a comment, a reply or a rating answers
the discussion or the ratings (and who took part), a state filter answers the results, each
said in the live region; without JavaScript everything posts and redirects, or loads the
page, as before."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import audit_events
from malbild.accounts.models import User
from malbild.lib.tests.htmx import htmx
from malbild.scanning.models import Rating, Signal, SignalComment
from malbild.scanning.tests.builders import comment, make_signal
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"scanning:{name}", args=["mittkoping", *args])


def comments(signal):
    with scope(signal.organisation):
        return list(SignalComment.objects.filter(signal=signal).order_by("id"))


def test_a_comment_with_htmx_answers_the_discussion_and_says_so(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.elected)
    response = client.post(
        url("comment", signal.pk), {"body": "Vad kostar det?"}, **htmx("discussion-section")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section aria-labelledby="discussion" id="discussion-section"')
    assert "<main" not in html
    [new] = comments(signal)
    assert f'id="comment-{new.pk}"' in html
    assert "Vad kostar det?" in html
    # The form comes back empty, who took part now names the commenter, and the live region
    # speaks.
    assert '<textarea name="body" cols="40" rows="4"' in html
    assert "Vad kostar det?</textarea>" not in html
    assert 'id="took-part-section" hx-swap-oob="true"' in html
    assert "Per Politiker" in html.split('id="took-part-section"')[1]
    assert "Your comment has been posted.</div>" in html
    assert "HX-Request" in response["Vary"]
    assert audit_events(action="scanning.commented")


def test_a_comment_without_htmx_still_redirects_to_it(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.elected)
    response = client.post(url("comment", signal.pk), {"body": "Vad kostar det?"})
    [new] = comments(signal)
    assert response.status_code == 302
    assert response["Location"] == url("detail", signal.pk) + f"#comment-{new.pk}"


def test_an_empty_comment_with_htmx_comes_back_with_its_message(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.rektor)
    response = client.post(url("comment", signal.pk), {"body": "   "}, **htmx("discussion-section"))
    assert response.status_code == 200  # htmx swaps no 4xx answer
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "Your comment was not posted: Write a comment.</div>" in html
    assert comments(signal) == []


def test_a_blank_comment_is_asked_for_in_the_forms_own_words_in_swedish(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    User.objects.filter(pk=cast.rektor.pk).update(language="sv")  # the others speak English here
    client.force_login(cast.rektor)
    with translation.override("sv"):
        response = client.post(
            url("comment", signal.pk), {"body": ""}, **htmx("discussion-section")
        )
    html = response.content.decode()
    assert "Skriv en kommentar." in html
    assert "Detta fält måste fyllas i." not in html
    assert comments(signal) == []


def test_an_empty_reply_with_htmx_keeps_its_thread_open_with_the_message(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    first = comment(signal, cast.elected, "Frågan")
    client.force_login(cast.rektor)
    response = client.post(
        url("comment", signal.pk), {"body": "", "parent": first.pk}, **htmx("discussion-section")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<details class="reply" open>' in html
    assert f'id="reply-{first.pk}-error"' in html
    assert len(comments(signal)) == 1


def test_a_rating_with_htmx_answers_the_ratings_and_says_so(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.rektor)
    response = client.post(
        url("rate", signal.pk), {"relevance": "4", "impact": "2"}, **htmx("ratings-section")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section aria-labelledby="ratings" id="ratings-section"')
    assert "1 rating, mean 4.0" in html
    assert "Change your rating" in html
    assert "Rut Rektor" in html.split('id="took-part-section"')[1]
    assert "Your rating has been saved.</div>" in html
    with scope(cast.org):
        assert Rating.objects.get(signal=signal).relevance == 4


def test_a_half_rating_with_htmx_comes_back_with_its_message(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.rektor)
    response = client.post(url("rate", signal.pk), {"relevance": "4"}, **htmx("ratings-section"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your rating was not saved: Choose how great its impact would be" in html
    with scope(cast.org):
        assert not Rating.objects.filter(signal=signal).exists()


def test_a_reader_may_not_comment_with_htmx_either(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.reader)
    response = client.post(url("comment", signal.pk), {"body": "Hej"}, **htmx("discussion-section"))
    assert response.status_code == 403
    assert comments(signal) == []


def test_a_state_filter_with_htmx_answers_the_results_and_counts_them(client, cast):
    make_signal(cast.org, "Ny signal", by=cast.teacher)
    make_signal(cast.org, "Diskuterad signal", by=cast.teacher, state=Signal.State.DISCUSSED)
    client.force_login(cast.reader)
    response = client.get(url("list") + "?tila=diskuterad", **htmx("signal-results"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="signal-results">')
    assert "Diskuterad signal" in html
    assert "Ny signal" not in html
    assert 'id="state-filter-diskuterad" aria-current="page"' in html
    assert "1 signal shown.</div>" in html
    assert "HX-Request" in response["Vary"]


def test_the_list_without_htmx_is_the_whole_page_and_varies_too(client, cast):
    make_signal(cast.org, "Ny signal", by=cast.teacher)
    client.force_login(cast.reader)
    response = client.get(url("list"))
    html = response.content.decode()
    assert "<main" in html
    assert 'id="signal-results"' in html
    assert 'hx-target="#signal-results"' in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, cast):
    client.force_login(cast.reader)
    response = client.get(url("list"), **htmx("signal-results", history_restore=True))
    assert "<main" in response.content.decode()
