"""Suggesting targets: the named actors an article mentions most, without an NER model.

A heuristic over capitalisation, good enough to tell a user which
``--target`` names are worth asking about:
- a name is a run of capitalised words, optionally joined by "of", "for",
  "and the" style connectors inside the run ("Agency for Mine Action");
- sentence-initial words and function words ("The", "According") are not
  names unless the word is never written in lower case in the article;
- title-case lines (headlines where every word is capitalised) are skipped;
- a possessive ("Armenia's") counts as the name, and a demonym ("Armenian",
  "Azerbaijanis") is merged into its country when the country is named too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# Words, plus punctuation as separate tokens so "Azerbaijanis (ANALYTICS)" or
# "Armenia, Azerbaijan" never run together into one name.
_WORD = re.compile(r"[A-Za-z][\w'’\-]*|[^\w\s]")
_CONNECTORS = {"of", "for", "on", "de", "la", "al", "the"}
_DEMONYM_SUFFIXES = ("n", "an", "ian", "i", "is", "ns", "ans", "ians", "ese", "ish", "ic")
# Capitalised words that are never a target by themselves.
_STOP_WORDS = """
    a an the this that these those it its they their there here he she we i you his her our
    but and or so yet if when while after before since despite although though however
    according in on at by for from with without into over under about as of to up
    mr mrs ms dr sir also meanwhile moreover yesterday today tomorrow last next
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
"""
_STOP = set(_STOP_WORDS.split())


def _clean(word: str) -> str:
    """Strip possessives and trailing punctuation: "Armenia’s" -> "Armenia"."""
    return re.sub(r"['’]s?$", "", word.rstrip("-"))


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _title_case_line(words: list[str]) -> bool:
    long = [w for w in words if len(w) > 3]
    return len(long) >= 4 and sum(_is_cap(w) for w in long) / len(long) > 0.8


def _runs(words: list[str]) -> list[tuple[int, list[str]]]:
    """Maximal runs of capitalised words as ``(first index, words)``; a connector
    ("of", "for") stays inside a run only between two capitalised words."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    begin = 0
    for i, word in enumerate(words):
        inner = word.lower() in _CONNECTORS and i + 1 < len(words) and _is_cap(words[i + 1])
        if _is_cap(word) or (current and inner):
            if not current:
                begin = i
            current.append(word)
        elif current:
            runs.append((begin, current))
            current = []
    if current:
        runs.append((begin, current))
    return runs


def _name_of(run: list[str], at_start: bool, lower_vocab: set[str], known: set[str]) -> str | None:
    words = [_clean(w) for w in run]
    # Drop leading function words ("The", "Despite"): "The Kestrian army" -> "Kestrian".
    while words and words[0].lower() in _STOP:
        words = words[1:]
        at_start = False
    while words and words[-1].lower() in _CONNECTORS:
        words = words[:-1]
    if not words or not words[0]:
        return None
    if len(words) == 1:
        word = words[0]
        if len(word) < 2 or word.lower() in _STOP:
            return None
        # A capitalised common word ("Officials said") also occurs in lower case,
        # and a sentence-initial word counts only if it is known as a name otherwise.
        if word.lower() in lower_vocab:
            return None
        if at_start and not any(
            word == m or _demonym_of(word, m) or _demonym_of(m, word) for m in known
        ):
            return None
    return " ".join(words)


def _first_word(words: list[str]) -> int:
    """Index of the first real word (a sentence may open with a quote mark or bracket)."""
    return next((i for i, w in enumerate(words) if w[:1].isalpha()), len(words))


def _lowercase_vocab(texts: Sequence[str]) -> set[str]:
    return {w for text in texts for w in _WORD.findall(text) if w[:1].islower()}


def _demonym_of(name: str, base: str) -> bool:
    """ "Kestrian"/"Kestrians" of "Kestria", "Azerbaijani" of "Azerbaijan"."""
    if len(base) < 4 or len(name) <= len(base) - 1:
        return False
    return any(
        name.startswith(stem) and name[len(stem) :] in _DEMONYM_SUFFIXES
        for stem in (base, base[:-1])
    )


def _merge_demonyms(counts: Counter) -> Counter:
    """Fold "Kestrian", "Kestrians" into "Kestria" when "Kestria" itself is named."""
    merged = Counter(counts)
    singles = [n for n in counts if " " not in n and len(n) >= 4]
    for name in sorted(singles, key=len, reverse=True):
        for base in sorted(singles, key=len):
            if len(base) < len(name) and base in merged and _demonym_of(name, base):
                merged[base] += merged.pop(name)
                break
    return merged


def suggest_targets(sentences: Sequence[str], top: int = 10) -> list[dict]:
    """``[{"name", "count"}]``: the ``top`` most mentioned actors, most frequent first."""
    lower_vocab = _lowercase_vocab(sentences)
    # Capitalised mid-sentence, or opening two sentences or more: a name, not just a
    # sentence-initial capital ("Kestria closed the dam. ... Kestria said ...").
    tokens = [_WORD.findall(text) for text in sentences]
    firsts = [_first_word(words) for words in tokens]
    mid_caps = {
        _clean(w)
        for words, k in zip(tokens, firsts, strict=True)
        for w in words[k + 1 :]
        if _is_cap(w)
    }
    openers = Counter(_clean(ws[k]) for ws, k in zip(tokens, firsts, strict=True) if k < len(ws))
    known = mid_caps | {w for w, n in openers.items() if n >= 2}
    counts: Counter = Counter()
    first_seen: dict[str, int] = {}
    for words, first in zip(tokens, firsts, strict=True):
        if _title_case_line(words):
            continue
        for begin, run in _runs(words):
            name = _name_of(run, begin == first, lower_vocab, known)
            if name:
                counts[name] += 1
                first_seen.setdefault(name, len(first_seen))
    # A country inside a longer name ("Foreign Minister of Azerbaijan") is a mention too.
    for name, count in list(counts.items()):
        for word in set(name.split()) if " " in name else ():
            if word in counts:
                counts[word] += count
    merged = _merge_demonyms(counts)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1], first_seen[kv[0]]))
    return [{"name": name, "count": count} for name, count in ranked[:top]]
