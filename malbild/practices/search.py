"""Full-text search of practices, the same on SQLite (FTS5) and PostgreSQL (tsvector).

Both databases index the same normalised text (`normalise`: lower case, words of letters and
digits separated by single spaces), so their tokenisers have nothing left to disagree about. A
query is split into words; words in quotes, and the parts of a hyphenated word ("IT-strategi"),
form a phrase. Every word matches as a prefix ("ledarskap" finds "ledarskapet" and
"ledarskapsutveckling"). Only words of letters and digits ever reach the query syntax, each one
quoted, so operators, quotes and brackets typed into the box are plain text, never syntax.

SQLite: a contentless-style FTS5 table `practices_practice_fts(body)` with rowid = practice id,
created by the migration and kept in step by `practices.services` (:func:`reindex`).
PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)`` (the 'simple' configuration:
no stemming and no stop words, so the hits are the same as SQLite's).
"""

import re

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from malbild.practices.models import Practice

WORD = re.compile(r"[^\W_]+")
MAX_WORD = 60  # longer "words" are noise (a pasted URL or hash), not something people search
MAX_TERMS = 12  # words in one query
FTS_TABLE = "practices_practice_fts"


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if len(w) <= MAX_WORD]


def normalise(*parts: str) -> str:
    """The text both databases index: lower-case words separated by single spaces."""
    return " ".join(words(" ".join(parts)))


def parse(query: str) -> list[list[str]]:
    """The query as groups of words: a group of one is a word, a longer group a phrase. Text in
    double quotes is one phrase (an unclosed quote runs to the end); at most MAX_TERMS words."""
    groups: list[list[str]] = []
    for index, part in enumerate(query.split('"')):
        if index % 2:  # inside quotes
            groups.append(words(part))
        else:
            groups.extend(words(chunk) for chunk in part.split())
    found: list[list[str]] = []
    budget = MAX_TERMS
    for group in groups:
        if group and budget > 0:
            found.append(group[:budget])
            budget -= len(found[-1])
    return found


def fts5_query(groups: list[list[str]]) -> str:
    """`"it"* + "strategi"* AND "ledarskap"*`: every word quoted (quotes doubled) and a prefix."""

    def quoted(word: str) -> str:
        return '"' + word.replace('"', '""') + '"*'

    return " AND ".join(" + ".join(quoted(w) for w in group) for group in groups)


def tsquery(groups: list[list[str]]) -> str:
    """`'it':* <-> 'strategi':* & 'ledarskap':*`: every lexeme quoted (quotes doubled), a prefix."""

    def quoted(word: str) -> str:
        return "'" + word.replace("'", "''").replace("\\", "\\\\") + "':*"

    return " & ".join(" <-> ".join(quoted(w) for w in group) for group in groups)


def matching(practices: QuerySet[Practice], query: str) -> QuerySet[Practice] | None:
    """`practices` narrowed to those matching `query`; None when the query holds no word to
    search for (only punctuation, say), so the page can say so."""
    groups = parse(query)
    if not groups:
        return None
    table = Practice._meta.db_table
    if connection.vendor == "postgresql":
        # The table name is a constant; the query is a parameter.
        condition = RawSQL(  # noqa: S611
            f"to_tsvector('simple'::regconfig, {table}.search_text) "
            "@@ to_tsquery('simple'::regconfig, %s)",
            [tsquery(groups)],
            output_field=BooleanField(),
        )
    else:
        condition = RawSQL(  # noqa: S611
            f"{table}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
            [fts5_query(groups)],
            output_field=BooleanField(),
        )
    return practices.filter(condition)


def reindex(practice: Practice) -> None:
    """Bring SQLite's FTS5 row of `practice` up to date (PostgreSQL's index follows the column)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [practice.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
            [practice.pk, practice.search_text],
        )


def unindex(practice_id: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [practice_id])  # noqa: S608
