"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from malbild.tests.matrix import Case

CASES: dict[str, list[Case]] = {}
