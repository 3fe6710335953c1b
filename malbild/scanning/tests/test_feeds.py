"""Fetching and reading feeds against a real HTTP server started in the test: good feeds, and
each kind of bad one the issue lists. Nothing of Målbild's own is mocked."""

import pytest

from malbild.scanning import feeds
from malbild.scanning.tests.builders import feed_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings):
    settings.FEED_ALLOW_PRIVATE = True  # the test server runs on 127.0.0.1
    with feed_server() as url:
        yield url


def refused(url: str, **limits) -> str:
    with pytest.raises(feeds.FeedError) as error:
        feeds.parse(feeds.fetch(url, **limits))
    return str(error.value)


def test_it_reads_an_rss_feed(server):
    feed = feeds.parse(feeds.fetch(f"{server}/rss.xml"))
    assert feed.version == "rss20"
    assert feed.title == "Skolnytt"
    assert [item.key for item in feed.items] == ["https://skolnytt.example/ai", "lgr-2025"]
    first = feed.items[0]
    assert first.title == "Ny forskning om AI i skolan"
    assert first.link == "https://skolnytt.example/ai"
    assert first.published_at is not None
    assert first.published_at.year == 2025


def test_it_keeps_no_markup_or_script_from_a_feed(server):
    summary = feeds.parse(feeds.fetch(f"{server}/rss.xml")).items[0].summary
    assert summary == "En studie visar."
    assert "<" not in summary
    assert "alert" not in summary


def test_it_reads_an_atom_feed(server):
    feed = feeds.parse(feeds.fetch(f"{server}/atom.xml"))
    assert feed.version == "atom10"
    assert [(i.key, i.link) for i in feed.items] == [("urn:fn:1", "https://fn.example/1")]


def test_it_refuses_an_html_page_saying_so(server):
    assert "web page (HTML)" in refused(f"{server}/page.html")


@pytest.mark.parametrize("path", ["/data.json", "/binary"])
def test_it_refuses_what_is_not_xml(server, path):
    assert "not a feed" in refused(f"{server}{path}")


def test_it_stops_reading_a_huge_feed(server):
    assert "larger than 5 MB" in refused(f"{server}/huge.xml")


@pytest.mark.parametrize("path", ["/laughs.xml", "/xxe.xml"])
def test_it_refuses_a_hostile_feed_before_parsing(server, path):
    assert "declares its own entities" in refused(f"{server}{path}")


def test_it_gives_up_on_a_slow_feed(server):
    assert "took longer than 1 seconds" in refused(f"{server}/slow.xml", timeout=1.0)


def test_it_says_when_the_server_answers_with_an_error(server):
    assert "status 404" in refused(f"{server}/gone.xml")


def test_it_follows_a_redirect_on_the_same_host(server):
    assert len(feeds.parse(feeds.fetch(f"{server}/same-host.xml")).items) == 2


def test_it_does_not_follow_a_redirect_to_another_host(server):
    assert "another host (localhost)" in refused(f"{server}/other-host.xml")


def test_it_refuses_a_private_address_unless_allowed(server, settings):
    settings.FEED_ALLOW_PRIVATE = False
    assert "private or internal network" in refused(f"{server}/rss.xml")
    assert "private or internal network" in refused("http://localhost:9/rss.xml")


@pytest.mark.parametrize(
    "address", ["http://10.1.2.3/x", "http://169.254.169.254/latest", "http://[::1]/x",
                "http://192.168.0.1/x", "http://[::ffff:127.0.0.1]/x"],
)  # fmt: skip
def test_it_refuses_private_and_link_local_addresses(settings, address):
    settings.FEED_ALLOW_PRIVATE = False
    with pytest.raises(feeds.FeedError, match="private or internal network"):
        feeds.fetch(address)


def test_it_never_takes_the_bytes_for_a_file_name():
    with pytest.raises(feeds.FeedError, match="not a feed"):
        feeds.parse(b"/etc/passwd")


def test_it_refuses_a_hostile_feed_in_utf16():
    data = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY a "b">]><rss/>'
    with pytest.raises(feeds.FeedError, match="declares its own entities"):
        feeds.parse(data.encode("utf-16"))


LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)
RSS = (
    '<rss version="2.0"><channel><title>{title}</title>'
    "<item><title>Nytt</title><link>https://example.org/a</link></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("codec", "declared"),
    [
        ("cp037", "ebcdic-cp-us"),  # EBCDIC: no byte of it reads as "<!ENTITY"
        ("utf-16-le", "utf-16"),  # no byte-order mark
        ("utf-16-be", "utf-16"),
        ("utf-32", "utf-32"),
    ],
)
def test_it_refuses_entities_in_any_encoding_the_parser_reads(codec, declared):
    text = f'<?xml version="1.0" encoding="{declared}"?>{LAUGHS}' + RSS.format(title="&c;")
    with pytest.raises(feeds.FeedError, match="declares its own entities"):
        feeds.parse(text.encode(codec))


@pytest.mark.parametrize(
    ("codec", "declared"), [("cp037", "ebcdic-cp-us"), ("utf-16-le", "utf-16")]
)
def test_it_reads_a_harmless_feed_in_those_encodings(codec, declared):
    text = f'<?xml version="1.0" encoding="{declared}"?>' + RSS.format(title="Skolverket")
    feed = feeds.parse(text.encode(codec))
    assert feed.title == "Skolverket"
    assert [item.title for item in feed.items] == ["Nytt"]


def test_it_reads_a_feed_that_only_names_its_public_dtd():
    # RSS 0.91 names Netscape's DTD; nothing is declared in the document and nothing is fetched.
    text = (
        '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">' + RSS.format(title="Gammal")
    )
    assert feeds.parse(text.encode()).title == "Gammal"


def test_it_refuses_an_address_that_is_not_http():
    with pytest.raises(feeds.FeedError, match="begins with https://"):
        feeds.fetch("file:///etc/passwd")
