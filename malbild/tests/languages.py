"""Finding one language in a page written in the other (the crawl in `test_languages.py`).

A page's text is read the way a reader meets it: the text of its elements and the attributes
that speak (`alt`, `title`, `aria-label`, `placeholder`, a button's `value`), without `script`,
`style` and code
(`code`, `pre`, `kbd`, `samp`: commands and identifiers, in no language). Text inside an element
whose `lang` differs from the page's is skipped: it says which language it is in (WCAG 3.1.2).

What people typed is skipped by one rule: text stored in the database, in any text or JSON
column of Målbild's own models, is theirs, written in whatever language they wrote it (the
demo's people write Swedish, and the English interface must show their goals as they wrote
them; an audit snapshot or a frozen document keeps the words of its day). The only exception is
the maturity model, which is the product's own text and must follow the reader. Stored text is
compared word by word, so Markdown's marks and punctuation do not matter, and a text cut short
("…") is compared without its cut-off word.

Two detectors look at what is left, and each is built to be sure before it speaks:

- **Function words.** A sentence with a word that only the other language uses ("the", "with",
  "your" in a Swedish page; "och", "att", "för" in an English one) is in the wrong language.
  The lists hold short, frequent words that the other language does not have, so names and
  loanwords do not set them off.
- **Known strings.** A piece of text that is exactly a message of the other language in the
  catalogue (an English msgid whose Swedish differs, or such a Swedish msgstr) or the maturity
  model's text in the other language: single words such as "Leadership" have no function word.
"""

import html as entities
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

# Short words that are frequent in one language and are not words of the other.
ENGLISH_WORDS = frozenset({
    "the", "and", "of", "with", "your", "you", "is", "are", "this", "that", "these", "those",
    "to", "for", "from", "been", "has", "have", "was", "were", "will", "not", "it", "its",
    "which", "who", "what", "when", "where", "there", "here", "their", "they", "we", "our",
    "would", "should", "could", "cannot", "does", "doesn't", "don't", "isn't", "into", "about",
    "than", "only", "also", "or", "on"
})  # fmt: skip
SWEDISH_WORDS = frozenset({
    "och", "att", "för", "med", "inte", "är", "som", "på", "av", "till", "det", "den", "detta",
    "dessa", "ett", "eller", "har", "kan", "ska", "vi", "du", "din", "ditt", "dina", "från",
    "vid", "när", "hur", "vad", "alla", "finns", "efter", "utan", "sig", "sin", "sina", "också",
    "mot", "om", "så", "de", "dem", "vår", "våra", "här", "där", "varje", "samt", "genom",
    "mellan", "enligt", "bara", "kommer", "måste", "blir", "var"
})  # fmt: skip
FUNCTION_WORDS = {"sv": ENGLISH_WORDS, "en": SWEDISH_WORDS}  # what must not appear in a page

SKIPPED_ELEMENTS = frozenset({"script", "style", "template", "code", "pre", "kbd", "samp"})
VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
})  # fmt: skip
SPOKEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")

# Addresses and e-mail addresses are no language; words are letters (with ' inside), and words
# in capitals are abbreviations, which both languages share ("IT", "PDF", "API").
ADDRESS = re.compile(r"(?:https?://|mailto:|/)\S*|\S+@\S+")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
TRUNCATED = re.compile(r"\w*(?:…|\.\.\.)$")  # a cut-off word: "…med vårdnadsha…"
SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")


LINK = re.compile(r"<a\s[^>]*?\bhref=\"([^\"]*)\"", re.IGNORECASE)


def links_of(html: str) -> list[str]:
    """The targets of the page's `<a href>` links, as written (relative or not)."""
    return [entities.unescape(href) for href in LINK.findall(html)]


def words(text: str) -> list[str]:
    """The words of `text`, lower case, without addresses, numbers and punctuation."""
    found = WORD.findall(ADDRESS.sub(" ", text))
    return [word.lower() for word in found if len(word) < 2 or not word.isupper()]


def normalised(text: str) -> str:
    """`text` as its words, each between spaces (so containment means whole words)."""
    return " " + " ".join(words(text)) + " "


@dataclass
class Chunk:
    """One piece of text as the reader meets it: a text run or a spoken attribute."""

    text: str
    language: str  # the language the page declares for it (its nearest `lang`)


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[Chunk] = []
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, lang, skipped)
        self.skipping = 0  # how many open elements say "no language here"
        self.page_language = ""

    def _language(self) -> str:
        for _tag, lang, _skipped in reversed(self.stack):
            if lang:
                return lang
        return self.page_language

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").split("-")[0].lower() or None
        if tag == "html":
            self.page_language = lang or ""
        skipped = tag in SKIPPED_ELEMENTS
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, lang, skipped))
            self.skipping += skipped
        if self.skipping:
            return
        language = lang or self._language()
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.chunks.append(Chunk(str(values[name]), language))
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.chunks.append(Chunk(str(values["value"]), language))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element; an end tag that matches nothing is ignored.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                self.skipping -= sum(skipped for _tag, _lang, skipped in self.stack[index:])
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = " ".join(data.split())
        if text:
            self.chunks.append(Chunk(text, self._language()))


def chunks_of(html: str) -> tuple[str, list[Chunk]]:
    """The page's declared language and its readable text, piece by piece."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    return reader.page_language, reader.chunks


class Stored:
    """What people typed: the stored texts as word strings, for whole-word containment."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = sorted({t for t in texts if t.strip()}, key=len, reverse=True)
        self._joined = "\x00".join(self.texts)
        # Each text under its first word, longest first: the texts that can sit inside a piece
        # of text are among those filed under one of its words.
        self._by_first_word: dict[str, list[str]] = {}
        for text in self.texts:
            self._by_first_word.setdefault(text.split(" ", 2)[1], []).append(text)

    @classmethod
    def of(cls, values: Iterable[str]) -> "Stored":
        return cls(normalised(value) for value in values)

    def holds(self, text: str) -> bool:
        """Whether `text` (normalised) is all inside one stored text."""
        return text.strip() != "" and text in self._joined

    def without(self, text: str) -> str:
        """`text` (normalised) with every stored text inside it taken out."""
        candidates = sorted(
            {t for word in set(text.split()) for t in self._by_first_word.get(word, ())},
            key=len,
            reverse=True,
        )
        for stored in candidates:
            if len(stored) <= len(text) and stored in text:
                text = text.replace(stored, " | ")
        return text


@dataclass
class Detector:
    """Finds text of the other language in a page of `language` ("sv" or "en")."""

    language: str
    stored: Stored
    # Normalised strings that are surely the other language (see the module's docstring).
    known_foreign: frozenset[str] = frozenset()

    def findings(self, html: str) -> Iterator[str]:
        """The sentences of the page that are in the other language."""
        page_language, chunks = chunks_of(html)
        if page_language != self.language:
            yield f"<html lang={page_language!r}>, not {self.language!r}"
            return
        for chunk in chunks:
            if chunk.language != self.language:
                continue
            yield from self.findings_in(chunk.text)

    def findings_in(self, text: str) -> Iterator[str]:
        """The sentences of one piece of text that are in the other language."""
        text = TRUNCATED.sub("", text)  # what is cut off is a part of a word, in no language
        whole = normalised(text)
        if whole.strip() == "" or self.stored.holds(whole):
            return
        if whole in self.known_foreign:
            yield text
            return
        foreign = FUNCTION_WORDS[self.language]
        if not foreign.intersection(whole.split()):
            return
        if not foreign.intersection(self.stored.without(whole).split()):
            return  # what is left once people's text is taken out is sound
        for sentence in SENTENCE_END.split(text):
            said = normalised(sentence)
            if not foreign.intersection(said.split()) or self.stored.holds(said):
                continue
            # Text that people typed may sit inside a translated sentence ("Åsens skola and
            # the units under it"): what is left once it is taken out must be sound.
            left = self.stored.without(said)
            if foreign.intersection(left.split()):
                yield sentence


def known_strings(pairs: Iterable[tuple[str, str]], language: str) -> frozenset[str]:
    """Normalised texts that are surely not `language`, from (English, Swedish) pairs: the
    other language's side of each pair whose sides differ, less anything either side says."""
    english: set[str] = set()
    swedish: set[str] = set()
    same: set[str] = set()  # what both languages say alike ("Status", "Kolada")
    for en, sv in pairs:
        if "%" in en or "{" in en:
            continue  # placeholders: never shown as they are
        en_words, sv_words = normalised(en), normalised(sv)
        if not en_words.strip() or not sv_words.strip():
            continue
        if en_words == sv_words:
            same.add(en_words)
        else:
            english.add(en_words)
            swedish.add(sv_words)
    both = (english & swedish) | same
    return frozenset((english if language == "sv" else swedish) - both)
