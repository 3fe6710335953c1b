"""The open discussion: comments and replies, mentions that notify members (and only
members), ratings shown as distributions, and who took part."""

import pytest
from django.core import mail
from django.urls import reverse

from malbild.scanning import services
from malbild.scanning.models import Mention, Signal, SignalComment
from malbild.scanning.tests.builders import comment, fresh, make_signal, rating
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"scanning:{name}", args=["mittkoping", *args])


def comments(signal):
    with scope(signal.organisation):
        return list(SignalComment.objects.filter(signal=signal).order_by("id"))


def test_a_comment_by_someone_else_moves_a_new_signal_to_discussed(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.elected)
    response = client.post(url("comment", signal.pk), {"body": "Vad kostar det?"})
    [new] = comments(signal)
    assert response["Location"] == url("detail", signal.pk) + f"#comment-{new.pk}"
    assert new.author == cast.elected
    assert fresh(signal).state == Signal.State.DISCUSSED


def test_the_authors_own_comment_leaves_it_new(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.teacher)
    client.post(url("comment", signal.pk), {"body": "Ett tillägg."})
    assert fresh(signal).state == Signal.State.NEW


def test_a_reply_joins_the_thread_of_the_comment(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    first = comment(signal, cast.elected, "Frågan")
    answer = comment(signal, cast.admin, "Svaret", parent=first)
    client.force_login(cast.rektor)
    client.post(url("comment", signal.pk), {"body": "Svar på svaret", "parent": answer.pk})
    last = comments(signal)[-1]
    assert last.parent_id == first.pk  # threads are one level deep
    html = client.get(url("detail", signal.pk)).content.decode()
    assert html.index("Frågan") < html.index("Svaret") < html.index("Svar på svaret")


def test_a_reply_to_a_comment_of_another_signal_answers_404(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    other = comment(make_signal(cast.org, "Annan", by=cast.teacher), cast.admin)
    client.force_login(cast.rektor)
    response = client.post(url("comment", signal.pk), {"body": "x", "parent": other.pk})
    assert response.status_code == 404
    assert comments(signal) == []


def test_an_empty_comment_is_refused_with_a_message(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.rektor)
    response = client.post(url("comment", signal.pk), {"body": "   "})
    assert response.status_code == 400
    assert list(response.context["comment_form"].errors) == ["body"]
    assert comments(signal) == []


def test_a_mention_notifies_the_member_by_email(client, cast, django_capture_on_commit_callbacks):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.elected)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("comment", signal.pk),
            {"body": "@Rut Rektor och @larare@mittkoping.test, vad tycker ni?"},
            follow=True,
        )
    assert {m.to[0] for m in mail.outbox} == {"rektor@mittkoping.test", "larare@mittkoping.test"}
    assert "AI-verktyg i klassrummet" in mail.outbox[0].subject
    assert f"/o/mittkoping/omvarld/signaler/{signal.pk}/" in mail.outbox[0].body
    with scope(cast.org):
        assert {m.person for m in Mention.objects.all()} == {cast.rektor, cast.teacher}
    assert "Rut Rektor" in response.content.decode()


def test_a_mention_of_someone_outside_the_organisation_is_neither_notified_nor_revealed(
    client, cast, django_capture_on_commit_callbacks
):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.elected)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("comment", signal.pk),
            {"body": "Fråga @Eva Ekby eller @admin@ekby.test om deras erfarenheter."},
            follow=True,
        )
    assert mail.outbox == []
    with scope(cast.org):
        assert not Mention.objects.exists()
    html = response.content.decode()
    assert "comment__mentions" not in html
    assert html.count("Eva Ekby") == 1  # only as typed, in the comment itself


def test_the_longest_matching_name_wins(cast):
    with scope(cast.org):
        assert services.mentioned_members("Hej @Rut Rektor!") == [cast.rektor]
        assert services.mentioned_members("e-post: rut@example.org") == []


def test_scripts_in_comments_are_sanitised(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    comment(signal, cast.elected, "<script>alert(1)</script>[länk](javascript:alert(2)) *ok*")
    client.force_login(cast.reader)
    html = client.get(url("detail", signal.pk)).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<em>ok</em>" in html


def test_a_member_rates_once_and_may_change_it(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.rektor)
    client.post(url("rate", signal.pk), {"relevance": "2", "impact": "3"})
    client.post(url("rate", signal.pk), {"relevance": "5", "impact": "4"})
    with scope(cast.org):
        assert [(r.relevance, r.impact) for r in signal.ratings.all()] == [(5, 4)]


@pytest.mark.parametrize("data", [{"relevance": "6", "impact": "3"}, {"relevance": "x"}, {}])
def test_a_rating_out_of_the_scale_is_refused(client, cast, data):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.rektor)
    response = client.post(url("rate", signal.pk), data)
    assert response.status_code == 400
    with scope(cast.org):
        assert not signal.ratings.exists()


def test_ratings_show_as_distributions(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    rating(signal, cast.teacher, 5, 2)
    rating(signal, cast.rektor, 5, 4)
    rating(signal, cast.elected, 3, 4)
    with scope(cast.org):
        relevance, impact = services.distributions(signal)
    assert [(b.value, b.count) for b in relevance.bars] == [(1, 0), (2, 0), (3, 1), (4, 0), (5, 2)]
    assert relevance.mean == pytest.approx(13 / 3)
    assert [b.percent for b in impact.bars] == [0, 33, 0, 67, 0]
    client.force_login(cast.reader)
    assert "dist-bar--7" in client.get(url("detail", signal.pk)).content.decode()


def test_who_took_part_comes_from_politics_administration_and_schools(cast):
    signal = make_signal(cast.org, by=cast.teacher)
    comment(signal, cast.elected)
    comment(signal, cast.admin)
    rating(signal, cast.rektor)
    with scope(cast.org):
        groups = services.participants(signal, comments(signal))
    assert {g.key: g.people for g in groups} == {
        "politics": [cast.elected],
        "administration": [cast.admin],
        "schools": [cast.teacher, cast.rektor],
        "others": [],
    }


def test_a_reader_may_read_but_not_join_in(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.reader)
    html = client.get(url("detail", signal.pk)).content.decode()
    assert url("comment", signal.pk) not in html
    assert client.post(url("comment", signal.pk), {"body": "Hej"}).status_code == 403
