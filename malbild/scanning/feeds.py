"""Fetching and reading RSS and Atom feeds, carefully (DESIGN.md §2).

Fetching: httpx with a 10 s limit on the whole fetch, at most 5 MB (streamed, and stopped as soon
as it is more), redirects only to the same host, and no private, loopback or link-local address
unless `settings.FEED_ALLOW_PRIVATE` (the demo). The address is resolved and checked once, and the
connection goes to exactly that address (with the host name in the Host header and for TLS), so
a name that resolves differently a moment later cannot slip past the check.

Reading: the document is first decoded the way feedparser decodes it (its own encoding detection:
byte-order marks, UTF-16 and UTF-32 without them, EBCDIC, the XML declaration), and a document
whose decoded text declares entities or a DOCTYPE with an internal subset is refused before any
parser sees it (entity expansion, external entities), whatever its encoding. A DOCTYPE that only
names a public DTD (RSS 0.91) declares nothing; feedparser drops it and fetches nothing. The
decoded bytes, exactly those checked, go to feedparser as a stream (never as a string it might
take for a URL or a file name), and a document in which feedparser finds no feed version is not
a feed.
"""

import hashlib
import html
import io
import ipaddress
import re
import socket
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import httpx
import nh3
from django.conf import settings
from django.utils.translation import gettext as _
from feedparser.encodings import convert_to_utf8

TIMEOUT = 10.0  # seconds for the whole fetch
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_ITEMS = 200  # items read from one document
USER_AGENT = "Malbild-omvarldsbevakning/1.0 (+https://github.com/malbild)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
HOSTILE = re.compile(rb"<!ENTITY|<!DOCTYPE[^>]*\[", re.IGNORECASE)


class FeedError(Exception):
    """A feed that could not be fetched or read. `str(error)` is the message people see."""


@dataclass
class Item:
    key: str
    title: str
    link: str = ""
    summary: str = ""
    published_at: datetime | None = None


@dataclass
class Feed:
    title: str
    version: str
    items: list[Item] = field(default_factory=list)


# Addresses ----------------------------------------------------------------------------------------


# IPv6 prefixes whose addresses carry an IPv4 address in their last 32 bits, which a gateway on
# the way (NAT64, or an old stack for IPv4-compatible ones) delivers the request to.
_LAST_32_BITS = (
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix (RFC 6052)
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (RFC 4291, deprecated)
)
# NAT64 with the local-use prefix (RFC 8215) translates into the operator's own network.
_NEVER_PUBLIC = (ipaddress.IPv6Network("64:ff9b:1::/48"),)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for (none for an ordinary IPv6 address)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:  # 2002::/16
        return [ip.sixtofour]
    if ip.teredo is not None:  # 2001::/32: the server and the client it tunnels to
        return list(ip.teredo)
    if any(ip in network for network in _LAST_32_BITS):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _is_public(address: str) -> bool:
    """Whether `address` is on the public internet; an IPv6 address that embeds an IPv4 address
    is judged by that IPv4 address (and all of them must be public)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in _NEVER_PUBLIC):
            return False
        embedded = _embedded_ipv4(ip)
        if embedded:
            return all(v4.is_global and not v4.is_multicast for v4 in embedded)
    return ip.is_global and not ip.is_multicast


def _allow_private(allow_private: bool | None) -> bool:
    return settings.FEED_ALLOW_PRIVATE if allow_private is None else allow_private


def resolve(host: str, port: int, allow_private: bool | None = None) -> str:
    """The address to connect to for `host`; FeedError when it cannot be found or when any of
    its addresses is private (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FeedError(
            _("The host %(host)s could not be found. Check the address.") % {"host": host}
        ) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FeedError(_("The host %(host)s could not be found.") % {"host": host})
    if not _allow_private(allow_private) and not all(_is_public(a) for a in addresses):
        raise FeedError(private_message(host))
    return addresses[0]


def private_message(host: str) -> str:
    return _(
        "The address %(host)s leads to a private or internal network address, and Målbild only "
        "fetches feeds from the public internet."
    ) % {"host": host}


def check_address(url: str) -> None:
    """At the time a source is added: refuse an address that is not http(s) or that resolves to
    a private address. A host that cannot be resolved now is accepted; fetching will say."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FeedError(_("A feed address begins with https:// or http://."))
    try:
        resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except FeedError as e:
        if str(e) == private_message(parts.hostname):
            raise


# Fetching -----------------------------------------------------------------------------------------


def _decode(raw: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body without its content encoding, never more than `max_bytes` (a zip bomb stops)."""
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return raw
    if encoding not in {"gzip", "x-gzip", "deflate"}:
        raise FeedError(_("The server sent the feed in an encoding Målbild cannot read."))
    try:
        decoder = zlib.decompressobj(wbits=47)  # gzip or zlib, detected from the header
        body = decoder.decompress(raw, max_bytes + 1)
    except zlib.error:
        raise FeedError(_("The server sent a damaged, compressed feed.")) from None
    if len(body) > max_bytes or decoder.unconsumed_tail:
        raise FeedError(too_large(max_bytes))
    return body


def too_large(max_bytes: int) -> str:
    return _("The feed is larger than %(size)s MB, more than Målbild reads.") % {
        "size": max_bytes // (1024 * 1024) or 1
    }


def too_slow(timeout: float) -> str:
    return _("The server took longer than %(seconds)s seconds to send the feed.") % {
        "seconds": f"{timeout:g}"
    }


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    allow_private: bool | None = None,
) -> bytes:
    """The body of the document at `url`, or FeedError with a message for people."""
    deadline = time.monotonic() + timeout
    first = urlsplit(url)
    host = (first.hostname or "").lower()
    current = url
    try:
        with httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"},
        ) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                parts = urlsplit(current)
                if parts.scheme not in {"http", "https"} or not parts.hostname:
                    raise FeedError(_("A feed address begins with https:// or http://."))
                if parts.hostname.lower() != host:
                    raise FeedError(
                        _("The server redirects the feed to another host (%(host)s), which "
                          "Målbild does not follow. Use the new address if you trust it.")
                        % {"host": parts.hostname}
                    )  # fmt: skip
                port = parts.port or (443 if parts.scheme == "https" else 80)
                address = resolve(parts.hostname, port, allow_private)
                netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
                pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
                host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{port}"
                extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
                request = client.build_request(
                    "GET", pinned, headers={"Host": host_header}, extensions=extensions
                )
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FeedError(
                            _("The server answered with status %(status)s instead of the feed.")
                            % {"status": response.status_code}
                        )
                    length = response.headers.get("content-length", "")
                    if length.isdigit() and int(length) > max_bytes:
                        raise FeedError(too_large(max_bytes))
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_raw():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FeedError(too_large(max_bytes))
                        if time.monotonic() > deadline:
                            raise FeedError(too_slow(timeout))
                        chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise FeedError(too_slow(timeout))
                    return _decode(
                        b"".join(chunks), response.headers.get("content-encoding", ""), max_bytes
                    )
                finally:
                    response.close()
            raise FeedError(_("The server redirects the feed too many times."))
    except httpx.TimeoutException:
        raise FeedError(too_slow(timeout)) from None
    except httpx.HTTPError as e:
        raise FeedError(
            _("The feed could not be fetched (%(reason)s).") % {"reason": type(e).__name__}
        ) from None


# Reading ------------------------------------------------------------------------------------------


def plain(text: Any) -> str:
    """Text without markup, entities or extra whitespace (what a feed says, never its HTML)."""
    cleaned = nh3.clean(str(text or ""), tags=set())
    return " ".join(html.unescape(cleaned).split())


def _web_link(value: Any) -> str:
    link = str(value or "").strip()
    if len(link) > 500 or urlsplit(link).scheme not in {"http", "https"}:
        return ""
    return link


def _when(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def decoded(data: bytes) -> bytes:
    """The document as feedparser will parse it: UTF-8, with its XML declaration saying so, by
    feedparser's own encoding detection (a document it cannot decode comes back unchanged, and
    feedparser then reads it as UTF-8 too)."""
    return convert_to_utf8({}, data, feedparser.FeedParserDict())


def parse(data: bytes) -> Feed:
    """The feed in `data`, or FeedError saying why it is not one."""
    data = decoded(data)
    if HOSTILE.search(data):
        raise FeedError(
            _("The document declares its own entities (a DOCTYPE with definitions), which feeds "
              "do not need and which can be used to attack the reader. Målbild does not read it.")
        )  # fmt: skip
    result = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    if not result.get("version"):
        head = data[:4096].lstrip().lower()
        if head.startswith(b"<!doctype html") or b"<html" in head:
            raise FeedError(
                _("The address leads to a web page (HTML), not to a feed. Look on the page for "
                  "its RSS or Atom link and use that address.")
            )  # fmt: skip
        raise FeedError(_("The document is not a feed: Målbild reads RSS and Atom."))
    items: list[Item] = []
    for entry in result.entries[:MAX_ITEMS]:
        title = plain(entry.get("title"))[:300]
        link = _web_link(entry.get("link"))
        if not title and not link:
            continue
        key = str(entry.get("id") or "").strip() or link
        if not key:
            key = "sha256:" + hashlib.sha256(title.encode()).hexdigest()
        items.append(
            Item(
                key=key[:500],
                title=title or link[:300],
                link=link,
                summary=plain(entry.get("summary"))[:5000],
                published_at=_when(entry),
            )
        )
    return Feed(title=plain(result.feed.get("title"))[:120], version=result.version, items=items)
