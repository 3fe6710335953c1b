"""Reading practices from files: Markdown (one practice a file) and a MediaWiki XML export (one
practice a page), into plain :class:`Parsed` items that the import page previews and
`services.import_drafts` writes, all or nothing.

Markdown convention (also shown on the import page):

    ---
    titel: Ledarskap nära lärarna
    område: Ledning
    kontakt: IT-strateg, barn- och utbildningsförvaltningen
    enhet: ASEN              (optional: the unit's code)
    e-post: it@kommun.se     (optional: a shared mailbox)
    ---
    The first paragraph is the summary.

    ## Tips
    - one tip a list item

    Everything else is the details.

Without front matter the title is the first `# heading`. English keys (title, area, contact,
unit, email, summary) work too.

MediaWiki: the latest revision of every page in the main namespace. `[[Kategori:Ledning]]` names
the key area, a `== Tips ==` section gives the tips, `== Sammanfattning ==` the summary (else the
first paragraph), `== Kontakt ==` the contact role; the rest becomes Markdown. A file larger than
MAX_XML_BYTES is refused before parsing; a file with a DOCTYPE is refused by the parser itself the
moment it meets one, before a single declaration in it is read (the standard library's expat
expands internal entities, the "billion laughs"). The parser has decoded the text by then, so the
encoding (UTF-16, with or without a byte-order mark) cannot hide it.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_MARKDOWN_BYTES = 200_000
MAX_XML_BYTES = 5_000_000
MAX_ITEMS = 200

KEYS = {
    "titel": "title",
    "title": "title",
    "område": "area",
    "omrade": "area",
    "nyckelområde": "area",
    "area": "area",
    "kontakt": "contact",
    "contact": "contact",
    "enhet": "unit",
    "unit": "unit",
    "e-post": "email",
    "epost": "email",
    "email": "email",
    "sammanfattning": "summary",
    "summary": "summary",
}
TIPS_HEADINGS = {"tips", "tips och råd", "råd", "tips and advice"}
SUMMARY_HEADINGS = {"sammanfattning", "summary"}
CONTACT_HEADINGS = {"kontakt", "contact"}


@dataclass
class Parsed:
    """One practice read from a file, before it is checked against the organisation."""

    source: str  # the file name or page title, for messages
    title: str = ""
    summary: str = ""
    details: str = ""
    area: str = ""
    contact: str = ""
    unit: str = ""
    email: str = ""
    tips: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> "Parsed":
        if not self.title:
            self.errors.append(_("It has no title."))
        elif len(self.title) > 200:
            self.errors.append(_("The title is longer than 200 characters."))
        if not self.summary:
            self.errors.append(_("It has no summary (the first paragraph)."))
        elif len(self.summary) > 1000:
            self.errors.append(_("The summary is longer than 1,000 characters."))
        for tip in self.tips:
            if len(tip) > 500:
                self.errors.append(_("A tip is longer than 500 characters."))
                break
        if len(self.tips) > 30:
            self.errors.append(_("It has more than 30 tips."))
        return self

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "title": self.title,
            "summary": self.summary,
            "details": self.details,
            "area": self.area,
            "contact": self.contact,
            "unit": self.unit,
            "email": self.email,
            "tips": self.tips,
        }


class ImportError_(ValueError):
    """The whole file cannot be read; the message says why, in the user's language."""


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(
            _("%(name)s is not UTF-8 text. Save it as UTF-8 and try again.") % {"name": name}
        ) from None


def _sections(lines: list[str], marker: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The lines before the first heading of level two (`marker` "##" or "=="), and each such
    section as (heading, lines)."""
    head: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        heading = _heading(line, marker)
        if heading is not None:
            sections.append((heading, []))
        elif sections:
            sections[-1][1].append(line)
        else:
            head.append(line)
    return head, sections


def _heading(line: str, marker: str) -> str | None:
    stripped = line.strip()
    if marker == "##":
        match = re.fullmatch(r"##\s+(.+?)\s*#*", stripped)
    else:
        match = re.fullmatch(r"==\s*([^=].*?)\s*==", stripped)
    return match.group(1).strip() if match else None


def _paragraphs(lines: list[str]) -> list[str]:
    text = "\n".join(lines).strip()
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _list_items(lines: list[str]) -> list[str]:
    items = []
    for line in lines:
        match = re.match(r"\s*(?:[-*+#•]+|\d+[.)])\s+(.*)", line)
        if match and match.group(1).strip():
            items.append(" ".join(match.group(1).split()))
    return items


def _split(
    item: Parsed, head: list[str], sections: list[tuple[str, list[str]]], level: str
) -> None:
    """Fill summary, tips, contact and details from the sections of a document."""
    paragraphs = _paragraphs(head)
    rest: list[str] = []
    for heading, lines in sections:
        name = heading.lower()
        if name in TIPS_HEADINGS:
            item.tips = _list_items(lines)
        elif name in SUMMARY_HEADINGS and not item.summary:
            item.summary = " ".join("\n".join(lines).split())
        elif name in CONTACT_HEADINGS and not item.contact:
            item.contact = " ".join(" ".join(lines).split())
        else:
            rest.append(f"{level} {heading}\n\n" + "\n".join(lines).strip())
    if not item.summary and paragraphs:
        item.summary = " ".join(paragraphs.pop(0).split())
    item.details = "\n\n".join([*paragraphs, *rest]).strip()


# Markdown -----------------------------------------------------------------------------------------


def read_markdown(data: bytes, name: str) -> Parsed:
    item = Parsed(source=name)
    if len(data) > MAX_MARKDOWN_BYTES:
        item.errors.append(_("The file is larger than 200 kB."))
        return item
    try:
        text = _decode(data, name)
    except ImportError_ as e:
        item.errors.append(str(e))
        return item
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            item.errors.append(_("The front matter that starts with --- never ends with ---."))
            return item
        for number, line in enumerate(lines[1:end], start=2):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            target = KEYS.get(key.strip().lower())
            if not sep or target is None:
                item.errors.append(
                    _(
                        "Line %(line)s of the front matter is not one of the known keys "
                        "(titel, område, kontakt, enhet, e-post, sammanfattning)."
                    )
                    % {"line": number}
                )
                continue
            setattr(item, target, " ".join(value.split()).strip("\"'"))
        lines = lines[end + 1 :]
    if not item.title:
        for i, line in enumerate(lines):
            match = re.fullmatch(r"#\s+(.+?)\s*#*", line.strip())
            if match:
                item.title = match.group(1)
                del lines[i]
                break
    head, sections = _sections(lines, "##")
    _split(item, head, sections, "##")
    return item.check()


# MediaWiki ----------------------------------------------------------------------------------------

CATEGORY = re.compile(r"\[\[\s*(?:Kategori|Category)\s*:\s*([^\]|]+?)\s*(?:\|[^\]]*)?\]\]", re.I)
TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>", re.S | re.I)
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
COMMENT = re.compile(r"<!--.*?-->", re.S)


def wikitext_to_markdown(text: str) -> str:
    """The parts of wikitext a municipal wiki page uses, as Markdown; the rest as plain text."""
    text = COMMENT.sub("", text)
    for _round in range(5):  # nested templates, innermost first
        text, found = TEMPLATE.subn("", text)
        if not found:
            break
    text = REF.sub("", text)
    text = re.sub(r"\[\[(?:File|Fil|Bild|Image):[^\]]*\]\]", "", text, flags=re.I)
    text = re.sub(r"\[\[[^\]|]*\|([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"\[\[([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"\[(https?://[^\s\]]+)\s+([^\]]+)\]", r"[\2](\1)", text)
    text = re.sub(r"\[(https?://[^\s\]]+)\]", r"<\1>", text)
    text = re.sub(r"'''(.+?)'''", r"**\1**", text)
    text = re.sub(r"''(.+?)''", r"*\1*", text)
    text = TAG.sub("", text)
    lines = []
    for line in text.split("\n"):
        heading = re.fullmatch(r"(={2,6})\s*(.+?)\s*\1", line.strip())
        if heading and len(heading.group(1)) > 2:
            lines.append("#" * len(heading.group(1)) + " " + heading.group(2))
            continue
        bullet = re.match(r"([*#]+)\s*(.*)", line)
        if bullet and not line.startswith("=="):
            depth = len(bullet.group(1)) - 1
            marker = "1." if bullet.group(1).endswith("#") else "-"
            lines.append("  " * depth + f"{marker} {bullet.group(2)}")
            continue
        lines.append(line)
    return "\n".join(lines)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Doctype(Exception):
    """Raised by the parser's own DOCTYPE handler: the document declares a DTD."""


class _NoDoctypeBuilder(ET.TreeBuilder):
    """The standard tree builder, except that expat's start of a DOCTYPE stops the parse (the
    C parser calls `doctype` as soon as it reads `<!DOCTYPE name`, before the internal subset)."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _Doctype(name)


def parse_xml(data: bytes) -> ET.Element:
    """The document's root element; _Doctype for any DTD, ET.ParseError for malformed XML."""
    parser = ET.XMLParser(target=_NoDoctypeBuilder())  # noqa: S314  (DTDs refused as they start)
    parser.feed(data)
    return parser.close()


def read_mediawiki(data: bytes, name: str) -> list[Parsed]:
    """Every page of the export as a practice. Raises ImportError_ for a file that cannot be
    read at all (too large, a DOCTYPE or entity declaration, malformed XML, not an export)."""
    if len(data) > MAX_XML_BYTES:
        raise ImportError_(_("The export is larger than 5 MB. Export fewer pages at a time."))
    try:
        root = parse_xml(data)
    except _Doctype:
        raise ImportError_(
            _(
                "The file declares a DOCTYPE or entities, which a MediaWiki export never does. "
                "It was not read."
            )
        ) from None
    except ET.ParseError as e:
        raise ImportError_(
            _("The file is not well-formed XML (%(error)s). Export it again from the wiki.")
            % {"error": str(e)}
        ) from None
    if _local(root.tag) != "mediawiki":
        raise ImportError_(_("This is XML, but not a MediaWiki export (no <mediawiki> root)."))
    items = []
    for page in root:
        if _local(page.tag) != "page":
            continue
        values = {_local(child.tag): child for child in page}
        ns = values.get("ns")
        if ns is not None and (ns.text or "0").strip() != "0":
            continue  # talk pages, templates, categories
        title = " ".join((values["title"].text or "").split()) if "title" in values else ""
        revisions = [child for child in page if _local(child.tag) == "revision"]
        text = ""
        if revisions:
            for child in revisions[-1]:
                if _local(child.tag) == "text":
                    text = child.text or ""
        items.append(_from_wikitext(title or name, title, text))
        if len(items) > MAX_ITEMS:
            raise ImportError_(
                _("The export holds more than %(max)s pages. Export fewer at a time.")
                % {"max": MAX_ITEMS}
            )
    if not items:
        raise ImportError_(_("The export holds no pages in the main namespace."))
    return items


def _from_wikitext(source: str, title: str, text: str) -> Parsed:
    item = Parsed(source=source, title=title)
    categories = CATEGORY.findall(text)
    if categories:
        item.area = categories[0].strip()
    text = CATEGORY.sub("", text)
    # Sections first on the wikitext (level-two headings), then each part to Markdown.
    head, sections = _sections(text.split("\n"), "==")
    head = wikitext_to_markdown("\n".join(head)).split("\n")
    sections = [(h, wikitext_to_markdown("\n".join(lines)).split("\n")) for h, lines in sections]
    _split(item, head, sections, "##")
    return item.check()
