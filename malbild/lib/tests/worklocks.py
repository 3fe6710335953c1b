"""Test helpers for `lib/worklocks.py`: a lock held, or looked at, by another thread with its own
database connection, as another process would."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from malbild.lib import worklocks


@contextmanager
def held_elsewhere(kind: worklocks.Kind, key: int) -> Iterator[None]:
    """The lock of (`kind`, `key`) held by another thread, as a live worker holds it."""
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with worklocks.working_on(kind, key):
                holding.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(10)
    try:
        yield
    finally:
        done.set()
        thread.join()


def abandoned_seen_from_elsewhere(kind: worklocks.Kind, key: int) -> bool:
    """Whether another thread finds the lock of (`kind`, `key`) free."""
    found: list[bool] = []

    def look() -> None:
        try:
            found.append(worklocks.is_abandoned(kind, key))
        finally:
            connection.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return found[0]
