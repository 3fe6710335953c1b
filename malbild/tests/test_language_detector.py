"""The detector of `test_languages.py` finds what it should and nothing else (it guards the
guard): no database, only pages written here."""

from malbild.tests.languages import Detector, Stored, known_strings

PAIRS = [("Leadership", "Ledning"), ("Status", "Status"), ("Save", "Spara")]
TYPED = Stored.of(
    [
        "Åsens skola",
        "Barn- och utbildningsnämnden",
        "Vi använder en enkel app för bilder och ljud och delar ett urval med vårdnadshavarna.",
        "Fler elever ska **klara** målen i [matematik](https://example.org/) och svenska.",
    ]
)


def page(body: str, language: str = "sv") -> str:
    head = "<head><title>Sida</title></head>"
    return f'<!doctype html><html lang="{language}">{head}<body>{body}</body></html>'


def found(body: str, language: str = "sv") -> list[str]:
    detector = Detector(language, TYPED, known_strings(PAIRS, language))
    return list(detector.findings(page(body, language)))


def test_an_english_sentence_in_a_swedish_page_is_reported():
    assert found("<p>Målen bryts ned. Choose the unit you work with.</p>") == [
        "Choose the unit you work with."
    ]


def test_a_swedish_sentence_in_an_english_page_is_reported():
    assert found("<p>Goals are broken down. Välj enheten som du arbetar med.</p>", "en") == [
        "Välj enheten som du arbetar med."
    ]


def test_sound_pages_in_either_language_are_not_reported():
    assert found("<h1>Mål</h1><p>Välj enheten som du arbetar med och spara.</p>") == []
    assert found("<h1>Goals</h1><p>Choose the unit you work with and save.</p>", "en") == []


def test_text_marked_with_the_other_language_is_not_reported():
    assert found('<p>Citat: <q lang="en">the best of both worlds</q></p>') == []
    assert found('<button lang="sv">På svenska</button>', "en") == []
    assert found('<div lang="en"><p>All of it <span>is English</span></p></div>') == []


def test_what_people_typed_is_not_reported_even_in_a_translated_sentence():
    # Swedish goals in the English interface: they are shown as their authors wrote them.
    assert found("<p>Fler elever ska <strong>klara</strong> målen i matematik</p>", "en") == []
    cut_off = "Vi använder en enkel app för bilder och ljud och delar ett urval med vårdnadsha…"
    assert found(f"<td>{cut_off}</td>", "en") == []
    assert found("<p>Barn- och utbildningsnämnden adopts the målbild.</p>", "en") == []
    # ...but what is around them must be in the interface's language.
    assert found("<p>Åsens skola och enheterna under den</p>") == []
    assert found("<p>Åsens skola and the units under it</p>") == [
        "Åsens skola and the units under it"
    ]


def test_a_single_word_left_untranslated_is_reported_from_the_catalogue():
    assert found("<table><th>Leadership</th><th>Status</th></table>") == ["Leadership"]
    assert found("<button>Spara</button>", "en") == ["Spara"]
    assert found("<button>Save</button><th>Status</th>", "en") == []


def test_spoken_attributes_are_read():
    assert found('<img src="x.png" alt="A picture of the school">') == ["A picture of the school"]
    assert found('<nav aria-label="Where you are"></nav>') == ["Where you are"]
    assert found('<input type="submit" value="Save the goal">') == ["Save the goal"]


def test_code_scripts_addresses_and_abbreviations_are_in_no_language():
    body = (
        "<script>const the = 'and of the';</script><style>.the{}</style>"
        "<p><code>git log --oneline the</code></p><pre>for x in the list</pre>"
        "<p>Kontakta IT-avdelningen på it@kommun.example eller https://the.example/and/of</p>"
    )
    assert found(body) == []


def test_a_page_that_declares_the_wrong_language_is_reported():
    detector = Detector("sv", TYPED)
    assert list(detector.findings(page("<p>Hej</p>", "en"))) == ["<html lang='en'>, not 'sv'"]
