"""Pick the sentences worth labelling next: uncertainty, diverse, or random.

Uncertainty of one decision, in [0, 1] (1 = on the fence):
- a frame with probability ``p`` and threshold ``t``: ``1 - |p - t| / room``,
  ``room`` being the distance from ``t`` to the end of the scale on ``p``'s side;
- a stance: ``1 - (p_first - p_second)``, one minus the margin of the top label.

A sentence's uncertainty is its *least sure* decision (the maximum over its
frames and targets): one doubtful call is enough to make a label informative.

``diverse`` spreads the same ranking over the encoder's view of the pool:
k-means (scikit-learn) on mean-pooled sentence vectors with ``k = n / 5``
clusters (at least 2), then round-robin over clusters, each time taking the
most uncertain sentence left in the cluster, with at most ``per_article``
sentences of one article. ``random`` is the control a loop is measured against.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

STRATEGIES = ("uncertainty", "diverse", "random")


@dataclass
class Candidate:
    """One sentence of the pool with its context, targets and the model's view of it."""

    id: str
    article_id: str
    sentence_index: int
    text: str
    prev: str = ""
    next: str = ""
    start: int | None = None
    end: int | None = None
    targets: list[str] = field(default_factory=list)
    prediction: dict[str, Any] | None = None
    uncertainty: float = 0.0

    def task_fields(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "prev": self.prev,
            "next": self.next,
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "start": self.start,
            "end": self.end,
        }


def frame_uncertainty(p: float, threshold: float) -> float:
    room = threshold if p < threshold else 1.0 - threshold
    return 1.0 - min(1.0, abs(p - threshold) / room) if room > 0 else 0.0


def stance_uncertainty(probs: dict[str, float]) -> float:
    top = sorted(probs.values(), reverse=True)
    return 1.0 - (top[0] - top[1]) if len(top) > 1 else 0.0


def sentence_uncertainty(prediction: dict[str, Any], thresholds: dict[str, float]) -> float:
    """The least sure decision of a ``predict`` row (see the module docstring)."""
    scores = [
        frame_uncertainty(p, thresholds.get(label, 0.5))
        for label, p in prediction.get("frame_probs", {}).items()
    ]
    scores += [stance_uncertainty(d) for d in prediction.get("stance_probs", {}).values()]
    return max(scores, default=0.0)


def attach_predictions(predictor, pool: Sequence[Candidate], batch_size: int = 32, progress=False):
    """Score the pool in one pass and set each candidate's prediction and uncertainty."""
    preds = predictor.predict(
        [c.text for c in pool], [c.targets for c in pool], batch_size, progress=progress
    )
    for cand, pred in zip(pool, preds, strict=True):
        cand.prediction = pred
        cand.uncertainty = sentence_uncertainty(pred, predictor.thresholds)


def sentence_vectors(predictor, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Unit-length sentence vectors (the frame head's input, in fp32), in input order."""
    import torch

    from stanceframe.model.encoding import encode_sentences, length_sorted_batches, make_batch

    encoded = encode_sentences(predictor.tokenizer, texts, predictor.max_length)
    pad = predictor.tokenizer.pad_token_id or 0
    net = predictor.network.eval()
    out = np.zeros((len(texts), net.encoder.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for idx in length_sorted_batches([len(e.input_ids) for e in encoded], batch_size):
            batch = make_batch([encoded[i] for i in idx], [], {}, pad)
            _, _, vectors = net.sentence_states(batch["input_ids"], batch["attention_mask"])
            out[idx] = vectors.float().numpy()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def pick(
    pool: Sequence[Candidate],
    n: int,
    strategy: str,
    seed: int = 13,
    per_article: int = 3,
    vectors: np.ndarray | None = None,
) -> list[Candidate]:
    """The ``n`` candidates to label next, most useful first (``random``: seeded)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}, expected one of {list(STRATEGIES)}")
    n = min(n, len(pool))
    if strategy == "random":
        return random.Random(seed).sample(list(pool), n)
    # Ties (e.g. an untrained model) break by a seeded shuffle, not by input order.
    order = list(range(len(pool)))
    random.Random(seed).shuffle(order)
    ranked = sorted(order, key=lambda i: -pool[i].uncertainty)
    if strategy == "uncertainty":
        return [pool[i] for i in ranked[:n]]
    if vectors is None:
        raise ValueError("the diverse strategy needs sentence vectors")
    return [pool[i] for i in _spread(pool, ranked, n, seed, per_article, vectors)]


def _spread(pool, ranked, n, seed, per_article, vectors) -> list[int]:
    from sklearn.cluster import KMeans

    k = max(2, min(len(pool), n // 5))
    labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(vectors)
    queues = {c: [i for i in ranked if labels[i] == c] for c in range(k)}
    taken: list[int] = []
    per: Counter = Counter()
    while len(taken) < n and any(queues.values()):
        # Clusters whose best remaining sentence is most uncertain go first in each round.
        for c in sorted(queues, key=lambda c: -pool[queues[c][0]].uncertainty if queues[c] else 1):
            queue = queues[c]
            while queue:
                i = queue.pop(0)
                if not per_article or per[pool[i].article_id] < per_article:
                    taken.append(i)
                    per[pool[i].article_id] += 1
                    break
            if len(taken) == n:
                break
    return taken
