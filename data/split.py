"""Deterministic train/dev/test splits grouped by document.

Whole documents go to one split, so no article leaks across splits. Topics
named as held out go to test only, which measures generalisation to topics
the model never saw.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from stanceframe.data.schema import SPLITS, Example


def parse_ratios(text: str) -> tuple[float, float, float]:
    parts = [p.strip() for p in text.split(",")]
    try:
        ratios = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(f"ratios must be three numbers like 0.7,0.15,0.15, got {text!r}") from None
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-6:
        raise ValueError(f"ratios must be three non-negative numbers summing to 1, got {text!r}")
    return ratios  # type: ignore[return-value]


def assign_splits(
    examples: Sequence[Example],
    ratios: tuple[float, float, float] = (0.7, 0.15, 0.15),
    seed: int = 13,
    holdout_topics: Sequence[str] = (),
) -> list[Example]:
    """Return the examples with ``split`` set; input order is kept.

    Documents are shuffled with ``seed`` and filled greedily by sentence count
    so the split sizes track the ratios in sentences, not only in documents.
    """
    by_doc: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        by_doc[ex.doc_id].append(ex)
    held = set(holdout_topics)
    doc_split: dict[str, str] = {}
    free_docs = []
    for doc, rows in by_doc.items():
        if any(r.topic in held for r in rows):
            doc_split[doc] = "test"
        else:
            free_docs.append(doc)
    rng = random.Random(seed)
    free_docs.sort()  # dict order depends on file order; sort first for determinism
    rng.shuffle(free_docs)
    total = len(examples)
    counts = dict.fromkeys(SPLITS, 0)
    for doc, split in doc_split.items():
        counts[split] += len(by_doc[doc])
    for doc in free_docs:
        # Put the document where the sentence count is furthest below its ratio.
        deficit = {s: ratios[i] * total - counts[s] for i, s in enumerate(SPLITS) if ratios[i] > 0}
        split = max(deficit, key=lambda s: deficit[s])
        doc_split[doc] = split
        counts[split] += len(by_doc[doc])
    out = []
    for ex in examples:
        row = Example(**{**ex.__dict__, "split": doc_split[ex.doc_id]})
        out.append(row)
    return out


def by_split(examples: Sequence[Example], split: str) -> list[Example]:
    return [ex for ex in examples if ex.split == split]


def carve_dev(
    examples: Sequence[Example], fraction: float, seed: int
) -> tuple[list[Example], list[Example]]:
    """A seeded dev slice of ``fraction`` of the sentences, by document, and the rest."""
    rows = assign_splits(examples, (1 - fraction, fraction, 0.0), seed=seed)
    return by_split(rows, "train"), by_split(rows, "dev")


def sample_rows(rows: Sequence[Example], n: int, seed: int) -> list[Example]:
    """At most ``n`` rows, a seeded sample when there are more (0 = all): a budget that
    keeps large datasets inside a CPU time limit."""
    if not n or len(rows) <= n:
        return list(rows)
    return random.Random(seed).sample(list(rows), n)
