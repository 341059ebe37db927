"""The bundled corpus validates, holds its floors per layer, and stays clear of the seed.

The written layer keeps the quotas it was written to; the real layer is
published news at its natural base rates: whole Wikinews articles, NewsMTSC
sentences from train articles only, splits by article, a blind second pass.
"""

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
def everything():
    return load_corpus()  # validates against the default schema, raises on any problem


@pytest.fixture(scope="module")
def corpus(everything):
    """The written layer (its quotas and hard cases are by design)."""
    return [ex for ex in everything if ex.layer == "written"]


@pytest.fixture(scope="module")
def real(everything):
    return [ex for ex in everything if ex.layer == "real"]


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
def test_no_sentence_borrows_from_the_seed_article(everything):
    seed = set()
    for path in SEED_DIR.glob("*.txt"):
        seed |= _shingles(path.read_text(encoding="utf-8"))
    borrowed = [ex.id for ex in everything if _shingles(ex.text) & seed]
    assert not borrowed, f"sentences sharing a 6-word run with the seed: {borrowed[:5]}"


def test_every_row_has_a_layer(everything, corpus, real):
    assert len(corpus) + len(real) == len(everything)


def test_real_layer_size_and_sources(real):
    assert len(real) >= 2500
    wikinews = [ex for ex in real if ex.source["dataset"] == "Wikinews"]
    newsmtsc = [ex for ex in real if ex.source["dataset"] == "NewsMTSC"]
    assert len({ex.doc_id for ex in wikinews}) >= 150 and len(newsmtsc) >= 1000
    for ex in wikinews:
        assert ex.source["url"].startswith("https://en.wikinews.org/wiki/")
        assert "CC BY 2.5" in ex.source["license"]
    for ex in newsmtsc:
        assert ex.source["file"] == "train.jsonl" and set(ex.source["polarity"]) <= set(ex.targets)
    assert len({ex.topic for ex in wikinews}) >= 7


def test_wikinews_articles_are_whole_with_their_targets_on_every_sentence(real):
    by_doc: dict[str, list] = {}
    for ex in real:
        if ex.source["dataset"] == "Wikinews":
            by_doc.setdefault(ex.doc_id, []).append(ex)
    for doc, rows in by_doc.items():
        assert [ex.id for ex in rows] == [f"{doc}-s{i:02d}" for i in range(len(rows))], doc
        assert rows[0].text == rows[0].source["title"].strip()  # the headline is s00
        shared = set.intersection(*(set(ex.targets) for ex in rows))
        assert 1 <= len(shared) <= 3, doc  # the article's targets, asked of every sentence


def test_real_splits_by_article_with_a_large_test_split(real):
    share = Counter(ex.split for ex in real)
    assert share["test"] >= 600
    for split, lo, hi in (("train", 0.55, 0.65), ("dev", 0.15, 0.25), ("test", 0.15, 0.25)):
        assert lo <= share[split] / len(real) <= hi, split
    doc_splits: dict[str, set] = {}
    for ex in real:
        doc_splits.setdefault(ex.doc_id, set()).add(ex.split)
    assert all(len(s) == 1 for s in doc_splits.values())


NEWSMTSC = Path(__file__).resolve().parents[1].parent / "shared" / "external" / "newsmtsc"


@pytest.mark.skipif(not NEWSMTSC.is_dir(), reason="../shared/external/newsmtsc not present")
def test_no_newsmtsc_sentence_comes_from_a_benchmark_article(real):
    import json

    held = set()
    for name in ("devtest_rw.jsonl", "devtest_mt.jsonl"):
        for line in (NEWSMTSC / name).read_text(encoding="utf-8").split("\n"):
            if line:
                held.add("ns-" + "_".join(json.loads(line)["primary_gid"].split("_")[:3]))
    from stanceframe.data.corpus import AUX_PATHS
    from stanceframe.data.io import read_examples

    aux = read_examples(AUX_PATHS["newsmtsc"])
    assert not {ex.doc_id for ex in real} & held
    assert not {ex.doc_id for ex in aux} & held


def test_real_blind_pass_agrees_and_adjudication_is_in_the_corpus(real):
    import json

    from stanceframe.data.agreement import PASSES, REAL_DIR

    result = agreement_files(*PASSES["real"])
    assert result["sentences"] >= 500
    for frame in DEFAULT_FRAMES:
        assert result["frames"][frame]["kappa"] >= 0.8, frame
    assert result["stance"]["kappa"] >= 0.8
    rows = {ex.id: ex for ex in real}
    lines = (REAL_DIR / "adjudication.jsonl").read_text(encoding="utf-8").split("\n")
    for decision in map(json.loads, filter(None, lines)):
        ex = rows[decision["id"]]
        assert ex.targets == decision["final"]["targets"]
        assert ex.frames == decision["final"]["frames"]


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
