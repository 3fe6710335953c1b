"""A whole class (and more) answering at the same moment, on a file-based SQLite database in WAL
mode with real threads: no "database is locked", and no answer lost (DESIGN.md §2 and §6).

Each thread is a pupil's browser (its own test client and its own database connection): it opens
the survey, waits for the others, then sends its answers through the real view, cookie, CSRF
check, limit per address and all. The in-memory test database ignores the busy timeout, so the
database is copied into a file first (as the self-assessment's concurrency test does)."""

import re
import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from malbild.surveys.models import Response
from malbild.surveys.tests.builders import make_survey
from malbild.tenants.scope import scope

PUPILS = 200
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def file_database(tmp_path):
    """Point new connections (those of new threads) at a file copy of the test database."""
    if connection.vendor != "sqlite":
        pytest.skip("the file-based WAL test is about SQLite")
    path = tmp_path / "concurrent.sqlite3"
    original = connections.settings["default"]
    copy = {**original, "NAME": str(path), "TEST": {**original.get("TEST", {}), "NAME": str(path)}}
    copy["OPTIONS"] = dict(settings.DATABASES["default"].get("OPTIONS", {}))

    def snapshot() -> None:
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()

    connections.settings["default"] = copy
    try:
        yield snapshot
    finally:
        connections.settings["default"] = original


@pytest.mark.django_db(transaction=True)
def test_two_hundred_pupils_answer_at_once_without_locks_or_lost_answers(cast, file_database):
    survey = make_survey(cast.org, cast.school, group_label="Hela skolan")
    file_database()  # copy the database now that the survey exists
    url = reverse("surveys_pupil:answer", args=[survey.code])
    barrier = threading.Barrier(PUPILS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def pupil(number: int) -> None:
        try:
            browser = Client(enforce_csrf_checks=True)
            page = browser.get(url)
            assert page.status_code == 200
            token = CSRF_INPUT.search(page.content.decode())
            assert token is not None
            barrier.wait(timeout=120)
            sent = browser.post(
                url,
                {"csrfmiddlewaretoken": token[1], "p_A1": str(number % 5),
                 "p_L1": str((number + 2) % 5), "text": f"Svar nummer {number}"},
                REMOTE_ADDR="10.20.30.40",  # the whole school behind one address
            )  # fmt: skip
            statuses.append(sent.status_code)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pupil, args=(n,)) for n in range(PUPILS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [302] * PUPILS

    out: dict[str, object] = {}

    def count() -> None:
        try:
            assert connections["default"].cursor().execute(
                "PRAGMA journal_mode"
            ).fetchone()[0] == "wal"  # fmt: skip
            with scope(cast.org):
                rows = Response.objects.filter(survey_id=survey.pk)
                out["answers"] = rows.count()
                out["texts"] = set(rows.values_list("text", flat=True))
        finally:
            connections.close_all()

    reader = threading.Thread(target=count)
    reader.start()
    reader.join()
    assert out["answers"] == PUPILS
    assert out["texts"] == {f"Svar nummer {n}" for n in range(PUPILS)}
