"""「您是不是要写 X？」: the valid name nearest to a misspelt one (an event type, a rating, a
clause id, a contract id), found with :func:`difflib.get_close_matches`.

Every message that refuses a name it does not know adds :func:`did_you_mean` before its list of
what is valid, so a typing slip (``zero_pint``, ``4.6.l``, ``gaomidan-2025``) is answered with
the name meant.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6
"""How alike a valid name must be (difflib's ratio, 0..1) to be suggested: ``zero_pint`` →
``zero_point_order`` (0.72) is; ``很好`` → ``良好`` (0.5) is not, since two Chinese words that
share a character are not a typing slip."""

_LOOKALIKE = str.maketrans({"l": "1", "i": "1", "|": "1", "o": "0"})
"""Letters typed for the digits they look like (``4.6.l`` for ``4.6.1``), after case folding."""


def _folded(text: str) -> str:
    return str(text).casefold()


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` (letter case ignored; ``l`` or ``I`` read as ``1``, ``O`` as
    ``0``), or None when none is alike enough, or when two are equally alike: a guess between
    ``6.2`` and ``6.5`` for ``6.6`` would mislead."""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(_folded(choice), str(choice))
    key = _folded(word)
    lookalike = {text.translate(_LOOKALIKE): text for text in folded}
    if key.translate(_LOOKALIKE) in lookalike:
        return folded[lookalike[key.translate(_LOOKALIKE)]]
    found = difflib.get_close_matches(key, list(folded), n=2, cutoff=CUTOFF)
    if len(found) == 2 and _ratio(key, found[0]) == _ratio(key, found[1]):
        return None
    return folded[found[0]] if found else None


def _ratio(word: str, choice: str) -> float:
    matcher = difflib.SequenceMatcher(None, choice, word)
    return matcher.ratio()


def did_you_mean(word: str, choices: Iterable[str], before: str = "") -> str:
    """``您是不是要写 X？`` for the choice nearest to ``word``, after ``before`` (``；`` where it
    ends a sentence); empty when none is near, or when ``word`` is itself a choice."""
    found = nearest(word, choices)
    return f"{before}您是不是要写 {found}？" if found is not None and found != word else ""
