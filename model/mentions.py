"""Where a target is mentioned in a sentence, as character spans.

The stance head pools the encoder's states over these spans, so it judges
the words *around the target* ("Kestria's refusal", "Valdoria, showing
goodwill") instead of the sentence's overall tone. Matching is deliberately
simple and predictable: the whole name, else its distinctive words, each
also matching inflected and demonym forms ("Kestria" -> "Kestrian",
"Kestria's"; "Azerbaijan" -> "Azerbaijani"). Metonyms ("Yerevan" for
Armenia) and pronouns are not matched; the target segment of the input still
tells the head which actor it is judging.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words too generic to identify a target on their own.
GENERIC = frozenset(
    """
    the of and for in on at to a an government ministry ministries republic kingdom state
    states national federal people peoples party council commission committee authority
    authorities agency office department union forces army police court president
    minister company group international new north south east west central united
    democratic
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def _stem(word: str) -> str:
    # Drop a final vowel so "Kestria" matches "Kestrian" and "Kestrians";
    # keep at least four letters so short names do not match everything.
    if len(word) > 4 and word[-1].lower() in "aeiouy":
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def _patterns(target: str) -> tuple[re.Pattern, ...]:
    name = target.strip()
    if not name:
        return ()
    if len(name) <= 3:  # "UN", "EU": exact case, whole word, or "un" would match "under"
        return (re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)"),)
    whole = re.compile(r"(?<!\w)" + re.escape(name) + r"\w*", re.IGNORECASE)
    words = [w for w in re.findall(r"[\w'-]+", name) if len(w) >= 4 and w.lower() not in GENERIC]
    parts = [re.compile(r"(?<!\w)" + re.escape(_stem(w)) + r"\w*", re.IGNORECASE) for w in words]
    return (whole, *parts)


def find_mentions(text: str, target: str) -> list[tuple[int, int]]:
    """Character spans of ``target`` in ``text``: whole-name matches, else word matches."""
    pats = _patterns(target)
    if not pats:
        return []
    spans = [m.span() for m in pats[0].finditer(text)]
    if spans:
        return spans
    return sorted({m.span() for pat in pats[1:] for m in pat.finditer(text)})


def token_in_spans(offset: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    start, end = offset
    return end > start and any(start < s_end and end > s_start for s_start, s_end in spans)
