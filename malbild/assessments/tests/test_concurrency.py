"""Four people answering at the same moment on a file-based SQLite database in WAL mode: no
"database is locked", no answer lost (DESIGN.md §2 and §6).

The in-memory test database ignores the busy timeout, so the test copies it (schema and data)
into a file with SQLite's backup API and lets each thread open its own connection to that file
with the project's SQLite options (WAL, IMMEDIATE transactions, a 30 s busy timeout)."""

import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from conftest import give_role, make_user
from malbild.assessments import services
from malbild.assessments.models import Answer, AssessmentRound, Participant, Statement
from malbild.assessments.tests.builders import make_round
from malbild.tenants.scope import scope

WRITERS = 4


@pytest.fixture
def file_database(tmp_path):
    """Point new connections (those of new threads) at a file copy of the test database."""
    if connection.vendor != "sqlite":
        pytest.skip("the file-based WAL test is about SQLite")
    path = tmp_path / "concurrent.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    copy = {**original, "NAME": str(path), "TEST": {**original.get("TEST", {}), "NAME": str(path)}}
    copy["OPTIONS"] = dict(settings.DATABASES["default"].get("OPTIONS", {}))
    connections.settings["default"] = copy
    try:
        yield path
    finally:
        connections.settings["default"] = original


def in_thread(work):
    """Run `work` in a new thread (a new connection, to the file) and return what it returns."""
    out: dict = {}

    def run():
        try:
            out["value"] = work()
        except BaseException as error:
            out["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")


@pytest.mark.django_db(transaction=True)
def test_four_people_answer_at_once_without_locks_or_lost_answers(cast, file_database):
    people = [cast.teacher, cast.rektor]
    for i in range(WRITERS - 2):
        person = make_user(f"larare{i}@mittkoping.test", f"Lärare {i}")
        give_role(person, cast.org, "staff", cast.school)
        people.append(person)
    round_ = make_round(cast.org, cast.school, people)
    # The copy is made after the data exists: copy again now.
    target = sqlite3.connect(file_database)
    connection.connection.backup(target)
    target.close()

    assert in_thread(
        lambda: connections["default"].cursor().execute("PRAGMA journal_mode").fetchone()[0]
    ) == "wal"  # fmt: skip

    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def answer_everything(user_id: int) -> None:
        try:
            with scope(cast.org):
                round_here = AssessmentRound.objects.get(pk=round_.pk)
                me = Participant.objects.get(round=round_here, user_id=user_id)
                chosen = list(Statement.objects.filter(model_id=round_here.model_id))
                barrier.wait()
                for statement in chosen:
                    services.save_answer(round_here, me, statement, level=user_id % 5)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer_everything, args=(p.pk,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    def counts():
        with scope(cast.org):
            total = Statement.objects.filter(model_id=round_.model_id).count()
            answers = Answer.objects.filter(round_id=round_.pk).count()
            answered = sorted(Participant.objects.filter(round_id=round_.pk).values_list(
                "answered", flat=True))  # fmt: skip
            return total, answers, answered

    total, answers, answered = in_thread(counts)
    assert answers == total * WRITERS
    assert answered == [total] * WRITERS
