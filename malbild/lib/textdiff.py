"""A word-level comparison of two texts, for showing what a new version changed."""

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


def word_diff(before: str, after: str) -> list[Piece]:
    """The pieces of `after` with what was removed from `before`, word by word.

    Whitespace is kept as its own token so that the text reads as written; runs of the same kind
    are merged so that a rewritten sentence is one <del> and one <ins>, not a word salad.
    """
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            _add(pieces, "same", "".join(old[a1:a2]))
        else:
            if a2 > a1:
                _add(pieces, "removed", "".join(old[a1:a2]))
            if b2 > b1:
                _add(pieces, "added", "".join(new[b1:b2]))
    return pieces


def _add(pieces: list[Piece], kind: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))


def has_changes(pieces: list[Piece]) -> bool:
    return any(piece.kind != "same" for piece in pieces)
