"""Atom and iCalendar, written with Django's feedgenerator and the standard library."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from malbild.announcements.models import Announcement
from malbild.lib.markdown import render as markdown


@dataclass(frozen=True)
class Notice:
    """An entry of a personal feed that is not an announcement (an invitation to tell a story)."""

    title: str
    link: str
    description: str
    published: datetime


def atom(
    *,
    title: str,
    link: str,
    feed_url: str,
    description: str,
    announcements: Iterable[Announcement],
    item_link: Callable[[Announcement], str],
    language: str,
    notices: Iterable[Notice] = (),
) -> bytes:
    """An Atom document of published announcements, newest first, with sanitised HTML; a
    personal feed adds the person's notices first."""
    items = list(announcements)
    feed = Atom1Feed(
        title=title,
        link=link,
        description=description,
        feed_url=feed_url,
        language=language,
        feed_guid=feed_url,
    )
    for notice in notices:
        feed.add_item(
            title=notice.title,
            link=notice.link,
            description=format_html("<p>{}</p>", notice.description),
            pubdate=notice.published,
            updateddate=notice.published,
            unique_id=notice.link,
        )
    for announcement in items:
        url = item_link(announcement)
        feed.add_item(
            title=announcement.title,
            link=url,
            description=str(markdown(announcement.body)),
            pubdate=announcement.published_at,
            updateddate=announcement.updated_at,
            unique_id=url,
            categories=[announcement.get_kind_display()],
        )
    return feed.writeString("utf-8").encode()


@dataclass(frozen=True)
class Event:
    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, start = [], 0
    while start < len(raw):
        end = min(start + (75 if start == 0 else 74), len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(raw[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def ical(name: str, events: Iterable[Event], now: datetime | None = None) -> bytes:
    """An iCalendar document of whole-day events."""
    stamp = (now or timezone.now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Målbild//Målbild//SV",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"SUMMARY:{_escape(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{_escape(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
