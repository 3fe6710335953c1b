"""Full-text search (issue 14, item 2). These tests run unchanged on SQLite (FTS5, the default)
and on PostgreSQL (`scripts/with-postgres .venv/bin/pytest malbild/practices`), and expect the
same hits on both."""

import pytest
from django.db import connection

from malbild.practices import search
from malbild.practices.models import Practice
from malbild.practices.tests.builders import make_practice
from malbild.tenants import shared

SHARED = Practice.State.SHARED

# (query, the titles it must find) over the world below.
CASES = [
    ("ledarskap", {"Ledarskapet i förändring", "Ledarskapsutveckling för rektorer"}),
    ("LEDARSKAP", {"Ledarskapet i förändring", "Ledarskapsutveckling för rektorer"}),
    ("ledarskap rektor", {"Ledarskapsutveckling för rektorer"}),
    ("IT-strategi", {"En IT-strategi som lärarna äger"}),
    ('"IT strategi"', {"En IT-strategi som lärarna äger"}),
    ('"lärarna äger"', {"En IT-strategi som lärarna äger"}),
    ('"äger lärarna"', set()),
    ("mål", {"Mål som alla förstår"}),
    ("programmering c++", {"Programmering i C++ på högstadiet"}),
    ("c++", {"Programmering i C++ på högstadiet"}),
    ("AND", {"Andra året med digitala prov"}),
    ("ledarskap AND rektor", set()),
    ("ledarskap OR kompetens", set()),
    ("NOT ledarskap", set()),
    ("ledar* NEAR(rektor)", set()),
    ("skolverket.se", {"Mål som alla förstår"}),
    ("ingenting-sådant", set()),
]

# Queries that hold no word at all: no search, no error.
NO_WORDS = ['"', '""', "+", "*", "()", "'", "-", "&&|!:*", "   "]

# Queries that must simply not fail, whatever they find.
HOSTILE = [
    '"ledarskap',
    'ledarskap"',
    "ledarskap'",
    "'; DROP TABLE practices_practice; --",
    "a\\b",
    "NEAR(a b)",
    "col:ledarskap",
    "body:ledarskap",
    "^ledarskap",
    "ledarskap:*",
    "!ledarskap",
    "<->",
    "a <-> b",
    "{x y}",
    "ord " * 40,
    "x" * 500,
    "æøå ÆØÅ ü",
    "\x00",
    "ledarskap\tutveckling",
    "%",
    "_",
]


@pytest.fixture
def world(cast):
    make_practice(
        cast.org,
        cast.school,
        "Ledarskapet i förändring",
        state=SHARED,
        summary="Hur ledarskapet förändras när skolan blir digital.",
    )
    make_practice(
        cast.org,
        cast.root,
        "Ledarskapsutveckling för rektorer",
        state=SHARED,
        summary="Ett år av ledarskapsutveckling i nätverk.",
    )
    make_practice(
        cast.ekby,
        cast.ekby_root,
        "En IT-strategi som lärarna äger",
        state=SHARED,
        area="Infrastruktur",
        summary="Strategin skrevs med lärarna.",
        tips=(),
    )
    make_practice(
        cast.ekby,
        cast.ekby_school,
        "Programmering i C++ på högstadiet",
        state=SHARED,
        area="Användning",
        summary="Eleverna kodar robotar.",
        tips=("Låna robotar av gymnasiet",),
    )
    make_practice(
        cast.org,
        cast.other_school,
        "Mål som alla förstår",
        state=SHARED,
        area="Kompetens",
        summary="Se www.skolverket.se för stöd.",
        tips=("Skriv målen tillsammans",),
    )
    make_practice(
        cast.org,
        cast.school,
        "Andra året med digitala prov",
        state=SHARED,
        area="Användning",
        summary="Proven fungerar.",
        tips=(),
    )
    # A draft is never found in the shared library, however well it matches.
    make_practice(cast.org, cast.school, "Ledarskap i utkast")


def titles(query: str) -> set[str] | None:
    found = search.matching(shared.published(Practice), query)
    return None if found is None else set(found.values_list("title", flat=True))


@pytest.mark.django_db
def test_the_same_queries_find_the_same_practices_on_every_database(world):
    assert connection.vendor in ("sqlite", "postgresql")
    for query, expected in CASES:
        assert titles(query) == expected, f"{connection.vendor}: {query!r}"
    for query in NO_WORDS:
        assert titles(query) is None, query
    for query in HOSTILE:
        titles(query)  # never an error


def test_user_input_never_reaches_the_query_syntax():
    groups = search.parse('IT-strategi "digital kompetens" AND c++ ")')
    assert groups == [["it", "strategi"], ["digital", "kompetens"], ["and"], ["c"]]
    assert search.fts5_query(groups) == (
        '"it"* + "strategi"* AND "digital"* + "kompetens"* AND "and"* AND "c"*'
    )
    assert search.tsquery(groups) == (
        "'it':* <-> 'strategi':* & 'digital':* <-> 'kompetens':* & 'and':* & 'c':*"
    )


def test_a_query_is_cut_to_a_dozen_words():
    assert sum(len(g) for g in search.parse("ord " * 40)) == search.MAX_TERMS


@pytest.mark.django_db
def test_a_changed_practice_is_found_by_its_new_words_only(cast):
    from malbild.practices import services
    from malbild.tenants.scope import scope

    practice = make_practice(cast.org, cast.school, "Kollegialt lärande", state=SHARED)
    assert titles("kollegialt") == {"Kollegialt lärande"}
    with scope(cast.org):
        draft = services.Draft(
            title="Lärande i nätverk",
            summary="Nätverk mellan skolor.",
            focus_area=practice.focus_area,
            unit=practice.unit,
            contact_role="Rektor",
        )
        services.update(practice, None, draft)
    assert titles("kollegialt") == set()
    assert titles("nätverk") == {"Lärande i nätverk"}
