from hypothesis import given
from hypothesis import strategies as st

from malbild.lib.textdiff import Piece, has_changes, word_diff


def test_it_marks_added_and_removed_words():
    pieces = word_diff(
        "Alla elever ska ha tillgång.", "Alla elever och lärare ska ha god tillgång."
    )
    assert Piece("added", " och lärare") in pieces
    assert Piece("added", "god ") in pieces
    assert has_changes(pieces)


def test_the_same_text_has_no_changes():
    assert not has_changes(word_diff("Samma text.", "Samma text."))


@given(st.text(), st.text())
def test_both_texts_can_be_read_back_from_the_pieces(before, after):
    pieces = word_diff(before, after)
    assert "".join(p.text for p in pieces if p.kind != "removed") == after
    assert "".join(p.text for p in pieces if p.kind != "added") == before
