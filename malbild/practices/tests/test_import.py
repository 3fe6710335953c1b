"""Importing practices from Markdown files and a MediaWiki export: a preview with every error,
then all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import audit_events
from malbild.practices import importers
from malbild.practices.models import Practice
from malbild.practices.tests.builders import make_practice
from malbild.targets.models import FocusArea
from malbild.tenants.scope import scope

MARKDOWN = """---
titel: Ledarskap nära lärarna
område: Ledning
kontakt: IT-strateg
---
Rektorerna leder digitaliseringen tillsammans med lärarna.

## Tips
- Börja i ledningsgruppen
- Avsätt tid varje vecka

## Så gjorde vi
Vi träffades **varannan vecka**.
"""

WIKI = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">
  <siteinfo><sitename>Skolwiki</sitename></siteinfo>
  <page>
    <title>Digitala prov</title><ns>0</ns>
    <revision><text>Gammal text.</text></revision>
    <revision><text xml:space="preserve">Alla prov skrivs digitalt sedan ett år. {{Mall|x}}

== Tips ==
* Prova med ett ämne först
* Ha '''laddade''' datorer i reserv

== Kontakt ==
Provsamordnare

== Bakgrund ==
Se [https://www.skolverket.se Skolverket] och [[Provpolicy|vår policy]].
[[Kategori:Användning]]</text></revision>
  </page>
  <page><title>Diskussion:Digitala prov</title><ns>1</ns><revision><text>x</text></revision></page>
</mediawiki>
"""


def md(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


def form(cast, *files):
    with scope(cast.org):
        area = FocusArea.objects.get(name="Kompetens")
    return {"uploads": list(files), "focus_area": area.pk, "unit": cast.school.pk,
            "contact_role": "Rektor"}  # fmt: skip


@pytest.fixture
def areas(cast):
    make_practice(cast.org, cast.other_school, "Finns redan")


def url(name):
    return reverse(f"practices:{name}", args=["mittkoping"])


def test_markdown_with_front_matter_is_read():
    item = importers.read_markdown(MARKDOWN.encode(), "a.md")
    assert item.errors == []
    assert item.title == "Ledarskap nära lärarna"
    assert item.area == "Ledning"
    assert item.summary == "Rektorerna leder digitaliseringen tillsammans med lärarna."
    assert item.tips == ["Börja i ledningsgruppen", "Avsätt tid varje vecka"]
    assert item.details.startswith("## Så gjorde vi")


def test_markdown_without_front_matter_takes_the_first_heading():
    item = importers.read_markdown(b"# Rubrik\n\nSammanfattning.\n\nMer text.", "b.md")
    assert (item.title, item.summary, item.details) == ("Rubrik", "Sammanfattning.", "Mer text.")


def test_mediawiki_pages_become_practices():
    (item,) = importers.read_mediawiki(WIKI.encode(), "wiki.xml")
    assert item.title == "Digitala prov"
    assert item.area == "Användning"
    assert item.summary == "Alla prov skrivs digitalt sedan ett år."
    assert item.tips == ["Prova med ett ämne först", "Ha **laddade** datorer i reserv"]
    assert item.contact == "Provsamordnare"
    assert "[Skolverket](https://www.skolverket.se)" in item.details
    assert "vår policy" in item.details
    assert "[[" not in item.details


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<mediawiki><page><title>x</title>", "not well-formed"),
        (b"<html><body/></html>", "not a MediaWiki export"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;">]><mediawiki>&lol2;</mediawiki>',
            "DOCTYPE",
        ),
        (b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><mediawiki/>', "DOCTYPE"),
        (b"<mediawiki></mediawiki>", "no pages"),
        (b"\xff\xfe<mediawiki>", "not well-formed"),
    ],
)
def test_a_bad_mediawiki_export_is_refused_with_a_reason(data, message):
    with pytest.raises(importers.ImportError_, match=message):
        importers.read_mediawiki(data, "wiki.xml")


LAUGHS = (
    '<!DOCTYPE mediawiki [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


@pytest.mark.parametrize(
    ("codec", "declared"),
    [("utf-8", "utf-8"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-16-be", "utf-16")],
)
def test_a_dtd_is_refused_whatever_the_encoding(codec, declared):
    page = "<page><title>&c;</title><ns>0</ns><revision><text>&c;</text></revision></page>"
    text = f'<?xml version="1.0" encoding="{declared}"?>{LAUGHS}<mediawiki>{page}</mediawiki>'
    with pytest.raises(importers.ImportError_, match="DOCTYPE"):
        importers.read_mediawiki(text.encode(codec), "wiki.xml")


def test_a_file_in_an_encoding_the_parser_cannot_read_is_refused_unread():
    text = f'<?xml version="1.0" encoding="cp037"?>{LAUGHS}<mediawiki>&c;</mediawiki>'
    with pytest.raises(importers.ImportError_, match="not well-formed"):
        importers.read_mediawiki(text.encode("cp037"), "wiki.xml")


def test_an_export_in_utf16_is_read():
    text = '<?xml version="1.0" encoding="utf-16"?>' + WIKI
    (item,) = importers.read_mediawiki(text.encode("utf-16"), "wiki.xml")
    assert item.title == "Digitala prov"


def test_a_huge_mediawiki_export_is_refused_before_it_is_parsed():
    data = b"<mediawiki>" + b" " * importers.MAX_XML_BYTES + b"</mediawiki>"
    with pytest.raises(importers.ImportError_, match="larger than 5 MB"):
        importers.read_mediawiki(data, "wiki.xml")


def test_too_many_pages_are_refused():
    page = b"<page><title>P%d</title><ns>0</ns><revision><text>T.</text></revision></page>"
    data = b"<mediawiki>" + b"".join(page % i for i in range(250)) + b"</mediawiki>"
    with pytest.raises(importers.ImportError_, match="more than 200 pages"):
        importers.read_mediawiki(data, "wiki.xml")


@pytest.mark.django_db
def test_preview_then_commit_imports_every_practice_as_a_draft(client, cast, areas):
    client.force_login(cast.rektor)
    response = client.post(
        url("import"),
        form(cast, md("a.md", MARKDOWN), md("b.md", "# Läsa på skärm\n\nDet går bra.\n")),
    )
    assert response.status_code == 200
    assert response.context["payload"]
    with scope(cast.org):
        assert Practice.objects.count() == 1  # the preview writes nothing
    response = client.post(url("import_commit"), {"payload": response.context["payload"]})
    assert response.status_code == 302
    with scope(cast.org):
        imported = {p.title: p for p in Practice.objects.exclude(title="Finns redan")}
        assert set(imported) == {"Ledarskap nära lärarna", "Läsa på skärm"}
        assert imported["Ledarskap nära lärarna"].focus_area.name == "Ledning"
        assert imported["Läsa på skärm"].focus_area.name == "Kompetens"  # the default
        assert all(p.state == Practice.State.DRAFT for p in imported.values())
    assert len(audit_events(action="practices.imported")) == 1


@pytest.mark.django_db
def test_one_bad_file_stops_the_whole_import(client, cast, areas):
    client.force_login(cast.rektor)
    bad = md("c.md", "---\ntitel: Utan sammanfattning\nområde: Okänt område\n---\n")
    response = client.post(url("import"), form(cast, md("a.md", MARKDOWN), bad))
    html = response.content.decode()
    assert response.status_code == 400
    assert not response.context["payload"]
    assert "It has no summary" in html
    assert "is not one of ours" in html
    with scope(cast.org):
        assert Practice.objects.count() == 1


@pytest.mark.django_db
def test_a_malformed_wiki_export_is_shown_as_an_error(client, cast, areas):
    client.force_login(cast.rektor)
    data = form(cast, SimpleUploadedFile("wiki.xml", b"<mediawiki><page>", "text/xml"))
    response = client.post(url("import"), data)
    assert response.status_code == 400
    assert "not well-formed XML" in response.content.decode()


@pytest.mark.django_db
def test_an_entity_bomb_is_refused(client, cast, areas):
    client.force_login(cast.rektor)
    bomb = b'<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><mediawiki/>'
    response = client.post(url("import"), form(cast, SimpleUploadedFile("w.xml", bomb)))
    assert "declares a DOCTYPE" in response.content.decode()


@pytest.mark.django_db
def test_a_practice_for_a_unit_outside_ones_subtree_is_an_error(client, cast, areas):
    client.force_login(cast.rektor)
    text = MARKDOWN.replace("kontakt: IT-strateg", "kontakt: IT-strateg\nenhet: BERGA")
    response = client.post(url("import"), form(cast, md("a.md", text)))
    assert "You may not write practices for Berga skola" in response.content.decode()


@pytest.mark.django_db
def test_a_tampered_or_stale_preview_imports_nothing(client, cast, areas):
    client.force_login(cast.rektor)
    response = client.post(url("import_commit"), {"payload": "forged"})
    assert response.status_code == 302
    with scope(cast.org):
        assert Practice.objects.count() == 1


@pytest.mark.django_db
def test_a_title_taken_since_the_preview_rolls_back_everything(client, cast, areas):
    client.force_login(cast.rektor)
    second = md("b.md", "# Läsa på skärm\n\nDet går bra.\n")
    response = client.post(url("import"), form(cast, md("a.md", MARKDOWN), second))
    make_practice(cast.org, cast.school, "Läsa på skärm")
    client.post(url("import_commit"), {"payload": response.context["payload"]})
    with scope(cast.org):
        assert not Practice.objects.filter(title="Ledarskap nära lärarna").exists()
