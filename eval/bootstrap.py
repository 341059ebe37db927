"""Percentile bootstrap confidence intervals that resample whole documents.

Sentences from one article share an author, topic and style, so they are not
independent; resampling sentences would make the intervals too narrow.
Each resample draws documents with replacement (a seeded numpy Generator)
and keeps every unit (sentence or sentence x target pair) of each drawn
document, as many times as the document was drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence

import numpy as np

Statistic = Callable[[np.ndarray], dict[Hashable, float | None]]


class DocGroups:
    """Positions of the units belonging to each document, in ``docs`` order."""

    def __init__(self, docs: Sequence[str], unit_docs: Sequence[str]):
        index = {doc: i for i, doc in enumerate(docs)}
        buckets: list[list[int]] = [[] for _ in docs]
        for pos, doc in enumerate(unit_docs):
            buckets[index[doc]].append(pos)
        self.per_doc = [np.asarray(b, dtype=np.int64) for b in buckets]

    def take(self, sample: np.ndarray) -> np.ndarray:
        """Unit positions for a sample of document positions (repeats kept)."""
        if len(sample) == 0:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([self.per_doc[d] for d in sample])


def percentile_interval(values: Sequence[float], level: float = 0.95) -> list[float] | None:
    """The central ``level`` percentile interval, or None when there are no values."""
    finite = [v for v in values if v is not None and not math.isnan(v)]
    if not finite:
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    lo, hi = np.percentile(np.asarray(finite, dtype=float), [tail, 100.0 - tail])
    return [round(float(lo), 6), round(float(hi), 6)]


def bootstrap(
    n_docs: int,
    statistic: Statistic,
    n_resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[Hashable, list[float] | None]:
    """Confidence intervals for every value ``statistic`` returns, by its name.

    ``statistic`` receives the drawn document positions (length ``n_docs``,
    with repeats) and returns named values; a value may be None when it is
    undefined on a resample (say, no frame-annotated row was drawn). A name
    undefined on more than half of the resamples gets no interval (None)
    rather than one estimated from a biased subset.
    """
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    if n_docs < 1:
        return {}
    rng = np.random.default_rng(seed)
    draws: dict[Hashable, list[float]] = {}
    undefined: dict[Hashable, int] = {}
    for _ in range(n_resamples):
        sample = rng.integers(0, n_docs, size=n_docs)
        for name, value in statistic(sample).items():
            if value is None or math.isnan(value):
                undefined[name] = undefined.get(name, 0) + 1
                draws.setdefault(name, [])
            else:
                draws.setdefault(name, []).append(float(value))
    return {
        name: None
        if undefined.get(name, 0) * 2 > n_resamples
        else percentile_interval(values, level)
        for name, values in draws.items()
    }
