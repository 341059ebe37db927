"""The bundled corpus holds its floors (issue 3), validates, and stays clear of the seed."""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from stanceframe.data.agreement import agreement_files
from stanceframe.data.corpus import HOLDOUT_TOPICS, load_corpus
from stanceframe.data.schema import DEFAULT_FRAMES, DEFAULT_STANCES

SEED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seed"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()  # validates against the default schema, raises on any problem


def test_size_documents_topics_genres(corpus):
    assert len(corpus) >= 1500
    assert len({ex.doc_id for ex in corpus}) >= 90
    assert len({ex.topic for ex in corpus}) >= 20
    assert len({ex.genre for ex in corpus}) >= 5
    assert all(ex.split in ("train", "dev", "test") for ex in corpus)


def test_frame_floors(corpus):
    n = len(corpus)
    counts = Counter(f for ex in corpus for f in ex.frames)
    for frame in DEFAULT_FRAMES:
        assert counts[frame] / n >= 0.20, frame
    assert sum(1 for ex in corpus if not ex.frames) / n >= 0.20
    pairs = Counter(p for ex in corpus for p in combinations(sorted(ex.frames), 2))
    for pair in combinations(sorted(DEFAULT_FRAMES), 2):
        assert pairs[pair] >= 50, pair


def test_stance_floors(corpus):
    labels = Counter(s for ex in corpus for s in ex.targets.values())
    total = sum(labels.values())
    for stance in DEFAULT_STANCES:
        assert labels[stance] / total >= 0.15, stance
    assert sum(1 for ex in corpus if len(ex.targets) >= 2) / len(corpus) >= 0.20


def test_splits_by_document_with_test_only_topics(corpus):
    doc_splits = {}
    for ex in corpus:
        doc_splits.setdefault(ex.doc_id, set()).add(ex.split)
    assert all(len(s) == 1 for s in doc_splits.values())
    share = Counter(ex.split for ex in corpus)
    assert 0.6 <= share["train"] / len(corpus) <= 0.8
    topics = {s: {ex.topic for ex in corpus if ex.split == s} for s in ("train", "dev", "test")}
    test_only = topics["test"] - topics["train"] - topics["dev"]
    assert len(test_only) >= 3 and set(HOLDOUT_TOPICS) <= test_only
    # every split also carries in-topic documents, so both kinds of test exist
    assert topics["test"] - set(HOLDOUT_TOPICS)


def _shingles(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="../shared/seed not present")
def test_no_sentence_borrows_from_the_seed_article(corpus):
    seed = set()
    for path in SEED_DIR.glob("*.txt"):
        seed |= _shingles(path.read_text(encoding="utf-8"))
    borrowed = [ex.id for ex in corpus if _shingles(ex.text) & seed]
    assert not borrowed, f"sentences sharing a 6-word run with the seed: {borrowed[:5]}"


def test_agreement_passes_are_recomputable(corpus):
    result = agreement_files()
    assert result["sentences"] >= 300
    assert result["stance"]["pairs"] >= 300
    for frame in DEFAULT_FRAMES:
        assert 0.0 < result["frames"][frame]["kappa"] <= 1.0
    ids = {ex.id for ex in corpus}
    from stanceframe.data.agreement import FIRST_PASS
    from stanceframe.data.io import read_examples

    assert {ex.id for ex in read_examples(FIRST_PASS)} <= ids
