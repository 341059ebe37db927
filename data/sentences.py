"""Sentence splitting with character offsets into the original text.

pysbd handles abbreviations (Mr., U.S., Jan. 5), decimals and thousands
separators. We split on line breaks first so a headline or byline without a
full stop is its own sentence, then locate every pysbd segment in the
original string, so ``text[start:end] == sentence`` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_LINE = re.compile(r"[^\r\n]+")


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd  # imported lazily: building the segmenter compiles many regexes

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order, stripped, with ``[start, end)`` offsets."""
    out: list[Sentence] = []
    for line in _LINE.finditer(text):
        chunk = line.group()
        if not chunk.strip():
            continue
        cursor = 0
        for segment in _segmenter().segment(chunk):
            piece = segment.strip()
            if not piece:
                continue
            found = chunk.find(piece, cursor)
            if found < 0:
                # pysbd altered the text (it should not with clean=False); fall
                # back to the remainder of the line so no text is ever dropped.
                found = cursor + (len(chunk[cursor:]) - len(chunk[cursor:].lstrip()))
                piece = chunk[found:].rstrip()
            start = line.start() + found
            out.append(Sentence(len(out), piece, start, start + len(piece)))
            cursor = found + len(piece)
    return out
