"""Calibration: expected calibration error (ECE) and reliability-diagram bins.

A well-calibrated head is right 80 % of the time when it says 0.8. For stance
the confidence is the probability of the predicted (argmax) label and the
outcome is whether it was right; for frames every (sentence, label) decision
counts, with the label's probability against its gold presence.
ECE = sum over equal-width bins of (bin share) x |accuracy - mean confidence|.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def reliability_bins(
    confidence: Sequence[float], outcome: Sequence[float], n_bins: int = 10
) -> list[dict[str, Any]]:
    """Per equal-width bin over [0, 1]: edges, count, mean confidence, observed rate.

    Empty bins are kept (count 0, means None) so plots and tables line up.
    """
    conf = np.asarray(confidence, dtype=float)
    hit = np.asarray(outcome, dtype=float)
    if conf.shape != hit.shape:
        raise ValueError(f"{conf.size} confidences but {hit.size} outcomes")
    # Bin i holds [i/n, (i+1)/n); the last also holds 1.0. The epsilon keeps 0.3 in
    # [0.3, 0.4) although 0.3 * 10 is not exactly 3 in binary floating point.
    which = np.clip(np.floor(conf * n_bins + 1e-9).astype(int), 0, n_bins - 1)
    bins = []
    for i in range(n_bins):
        mask = which == i
        count = int(mask.sum())
        bins.append(
            {
                "lo": round(i / n_bins, 6),
                "hi": round((i + 1) / n_bins, 6),
                "count": count,
                "confidence": round(float(conf[mask].mean()), 6) if count else None,
                "accuracy": round(float(hit[mask].mean()), 6) if count else None,
            }
        )
    return bins


def ece(confidence: Sequence[float], outcome: Sequence[float], n_bins: int = 10) -> float | None:
    """Expected calibration error; None when there is nothing to score."""
    bins = reliability_bins(confidence, outcome, n_bins)
    total = sum(b["count"] for b in bins)
    if total == 0:
        return None
    gap = sum(b["count"] * abs(b["accuracy"] - b["confidence"]) for b in bins if b["count"])
    return round(gap / total, 6)


def stance_calibration(
    probs: Sequence[dict[str, float]], gold: Sequence[str], n_bins: int = 10
) -> dict[str, Any]:
    """Calibration of the stance head: argmax probability vs correctness."""
    conf, hit = [], []
    for dist, label in zip(probs, gold, strict=True):
        best = max(dist, key=lambda k: dist[k])
        conf.append(dist[best])
        hit.append(1.0 if best == label else 0.0)
    return {
        "n": len(conf),
        "n_bins": n_bins,
        "ece": ece(conf, hit, n_bins),
        "bins": reliability_bins(conf, hit, n_bins),
    }


def frame_calibration(
    probs: np.ndarray, gold: np.ndarray, labels: Sequence[str], n_bins: int = 10
) -> dict[str, Any]:
    """Calibration of the frame head: each label's probability vs its presence.

    ``probs`` and ``gold`` are (rows x labels); the pooled diagram uses every
    cell, ``per_label`` gives each label's own ECE.
    """
    return {
        "n": int(probs.size),
        "n_bins": n_bins,
        "ece": ece(probs.ravel(), gold.ravel(), n_bins),
        "per_label": {lab: ece(probs[:, j], gold[:, j], n_bins) for j, lab in enumerate(labels)},
        "bins": reliability_bins(probs.ravel(), gold.ravel(), n_bins),
    }
