"""Every page speaks the reader's language: no English in the Swedish interface, no Swedish in
the English one, except inside elements marked with the other `lang` and what people typed.

The crawl of the browser tests (`tests/e2e/test_crawl.py`: its roles, start pages, links and
list of routes), done in this process with Django's test client: the demo is loaded once for
the module, then each demo role walks every page it reaches by links from its start pages, first
with the interface in Swedish, then in English. The downloads met on the way are read too: every
Excel file, and a follow-up document's PDF through the HTML it is drawn from. How the other
language is found, and what counts as typed by people, is in `malbild/tests/languages.py`.
"""

import gettext
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from malbild.accounts.models import User
from malbild.assessments import content as maturity
from malbild.imports.files import COLUMNS as FILE_COLUMNS
from malbild.reports import pdf
from malbild.reports import services as reports
from malbild.reports.models import GeneratedReport
from malbild.tenants.scope import scope, unscoped
from malbild.tests.languages import Detector, Stored, known_strings, links_of
from tests.e2e.test_crawl import NOT_CRAWLED, ROLES, link_to_follow, named_routes, start_pages

# The tests only read what the module's fixture found; the mark makes pytest-django set up the
# test database (the fixture loads the demo into it once, and rolls it back).
pytestmark = pytest.mark.django_db

LANGUAGES = ("sv", "en")
ORIGIN = "http://testserver"
DRAWN_PDF = b"%PDF-1.7\n%%EOF\n"  # what the walk gets instead of a drawn PDF
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "sv" / "LC_MESSAGES" / "django.mo"
# The maturity model is Målbild's own text, not typed by people: it must follow the reader.
PRODUCT_TEXT = {("assessments", "maturitymodel"), ("assessments", "area"),
                ("assessments", "statement")}  # fmt: skip


# Each role walks each route once, except that the admin, who reaches nearly every page, walks
# each twice as the browser crawl does (the second period is the one with documents for the
# nämnd), and the anonymous visitor walks the public pages of each organisation (Mittköping's
# have news, Ekby's none yet).
VISITS = {"admin": 2}
PER_ORGANISATION = {"anonymous"}


@dataclass
class Walk:
    """One role's walk in one language: the routes it met and what it found."""

    routes: set[str] = field(default_factory=set)
    findings: list[str] = field(default_factory=list)


def route_of(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return "<no route>"


def visit_key(path: str, per_organisation: bool) -> tuple[str, str]:
    """What a walk counts its visits by: the route, and the organisation when asked."""
    parts = path.split("/")
    organisational = per_organisation and len(parts) > 3 and parts[1] in {"o", "offentlig"}
    return route_of(path), parts[2] if organisational else ""


def strings_in(value: object) -> Iterator[str]:
    """The strings of a stored value, inside JSON too (audit snapshots, a platform's values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def stored_texts() -> Iterator[str]:
    """Every value of every text and JSON column of Målbild's models, the maturity model
    aside."""
    with unscoped():
        for model in apps.get_models():
            meta = model._meta
            if not model.__module__.startswith("malbild.") or (
                (meta.app_label, meta.model_name) in PRODUCT_TEXT
            ):
                continue
            columns = [
                f.name
                for f in meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
                and not f.choices
            ]
            for row in model._base_manager.values_list(*columns) if columns else ():
                yield from strings_in(list(row))


def catalogue_pairs() -> list[tuple[str, str]]:
    """(English, Swedish) of the catalogue's messages and of the maturity model's texts."""
    with CATALOGUE.open("rb") as compiled:
        catalog: dict[object, str] = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    pairs = [
        (msgid.split("\x04")[-1], msgstr)
        for msgid, msgstr in catalog.items()
        if isinstance(msgid, str) and msgid
    ]
    return pairs + [(text.en, text.sv) for text in maturity.pairs()]


def text_of_download(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if not response.get("Content-Type", "").startswith(XLSX):
        return ""
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    cells = [sheet.title for sheet in book.worksheets]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += [value for value in row if isinstance(value, str)]
    # The measurement file's columns have the same names in every language (DESIGN.md §3).
    cells = [cell for cell in cells if cell not in FILE_COLUMNS]
    book.close()
    return "\n".join(cells)


def document_of(path: str) -> GeneratedReport | None:
    """The follow-up document a download belongs to, if it is one."""
    match = resolve(path)
    if match.view_name not in {"reports:pdf", "reports:xlsx"}:
        return None
    with unscoped():
        return GeneratedReport.objects.select_related("organisation").get(
            pk=match.kwargs["document_id"]
        )


def findings_in_download(
    response: Any, path: str, detectors: dict[str, Detector], language: str
) -> Iterator[str]:
    """A download is made for its reader, in the interface's language, except a follow-up
    document: it keeps the language it was asked for in (the nämnd's Swedish document stays
    Swedish for an English reader). A PDF is read from the HTML it was drawn from."""
    document = document_of(path)
    if document is not None:
        detector = detectors[document.language]
        if path.endswith(".pdf"):
            with scope(document.organisation):
                drawn_from = pdf.html(document.contents)
            yield from detector.findings(drawn_from)
            return
    else:
        detector = detectors[language]
    for line in text_of_download(response).splitlines():
        yield from detector.findings_in(line)


def walk(
    client: Client, detectors: dict[str, Detector], language: str, starts: list[str],
    visits: int = 1, per_organisation: bool = False,
) -> Walk:  # fmt: skip
    """Breadth-first from `starts` by links, each route `visits` times (per organisation when
    asked); every page read in `language`."""
    found = Walk()
    queue = list(starts)
    seen = set(starts)
    walked: Counter[tuple[str, str]] = Counter()
    while queue:
        url = queue.pop(0)
        key = visit_key(urlsplit(url).path, per_organisation)
        if walked[key] >= visits:
            continue
        walked[key] += 1
        response = client.get(url, follow=True)
        final = urlsplit(response.redirect_chain[-1][0] if response.redirect_chain else url).path
        found.routes |= {key[0], route_of(final)}
        where = f"{language}: GET {url} ({route_of(final)})"
        if response.status_code >= 400:
            found.findings.append(f"{where}: answered {response.status_code}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            found.findings += [
                f"{where}: «{sentence}»"
                for sentence in findings_in_download(response, final, detectors, language)
            ]
            continue
        html = response.content.decode()
        found.findings += [f"{where}: «{s}»" for s in detectors[language].findings(html)]
        for href in links_of(html):
            link = link_to_follow(urljoin(ORIGIN + final, href), ORIGIN)
            if link is not None and link not in seen:
                seen.add(link)
                queue.append(link)
    return found


@pytest.fixture(scope="module")
def walks(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Walk]:
    """Every (language, role)'s walk over the demo, loaded once and rolled back at the end."""
    from malbild.demo import content

    media = tmp_path_factory.mktemp("media")
    quick = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "MEDIA_ROOT": media,
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    }
    results: dict[str, Walk] = {}
    with django_db_blocker.unblock(), override_settings(**quick), transaction.atomic():
        caches["pages"].clear()
        content.load()
        # `make demo`'s worker generates the demo's follow-up document; here it is made at once,
        # so that the walk reads the PDF and the Excel file too. The walk reads the PDF from the
        # HTML it is drawn from (findings_in_download), so drawing it (seconds of WeasyPrint,
        # tested in reports/tests/test_files.py) is left out: the file served is a stand-in.
        with unscoped():
            queued = list(GeneratedReport.objects.select_related("organisation"))
        with mock.patch.object(pdf, "render", return_value=DRAWN_PDF):
            for document in queued:
                with scope(document.organisation):
                    reports.generate(document)
        stored = Stored.of(stored_texts())
        pairs = catalogue_pairs()
        detectors = {lang: Detector(lang, stored, known_strings(pairs, lang)) for lang in LANGUAGES}
        for language in LANGUAGES:
            User.objects.update(language=language)
            for name, role in ROLES.items():
                client = Client(HTTP_ACCEPT_LANGUAGE=language)
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                if role.email is not None:
                    client.force_login(User.objects.get(email=role.email))
                results[f"{language}-{name}"] = walk(
                    client, detectors, language, start_pages(role),
                    VISITS.get(name, 1), name in PER_ORGANISATION,
                )  # fmt: skip
        transaction.set_rollback(True)
    caches["pages"].clear()
    return results


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_the_readers_language(walks, language, role):
    found = walks[f"{language}-{role}"]
    assert not found.findings, (
        f"{len(found.findings)} pieces of the other language for {role} in {language}:\n"
        + "\n".join(found.findings)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_walk_reaches_every_page_of_the_browser_crawl(walks, language):
    reached = set().union(*(walks[f"{language}-{role}"].routes for role in ROLES))
    missing = named_routes() - reached - set(NOT_CRAWLED)
    assert not missing, f"not reached in {language}: {sorted(missing)}"
