"""Stance and frame metrics on plain label lists.

Stance is scored per (sentence, target) pair: accuracy, macro-F1, F_avg (the
SemEval-2016 measure: mean F1 of ``favor`` and ``against``), per-class
precision/recall/F1 and the confusion matrix. Frames are multi-label:
per-label precision/recall/F1, micro- and macro-F1, exact-match ratio and
Hamming loss.

Macro averages run over the schema labels that occur in the gold labels or
the predictions (scikit-learn's convention): a label nobody used has no
defined F1 and would only drag the mean to zero. F_avg always uses both
``favor`` and ``against`` when the schema has them, as SemEval does.

Scores are computed from confusion counts with numpy, because the bootstrap
recomputes them thousands of times; tests/test_metrics.py cross-checks every
number against scikit-learn's implementations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

FAVOR_AGAINST = ("favor", "against")


def _r(value: float) -> float:
    # Rounded so metrics.json diffs stay readable; 6 places is far below any CI width.
    return round(float(value), 6)


def label_indices(values: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Each value's position in ``labels`` (a ValueError names an unknown label)."""
    index = {lab: i for i, lab in enumerate(labels)}
    try:
        return np.array([index[v] for v in values], dtype=np.int64)
    except KeyError as exc:
        raise ValueError(f"label {exc.args[0]!r} is not one of {list(labels)}") from None


def confusion(gold_idx: np.ndarray, pred_idx: np.ndarray, n_labels: int) -> np.ndarray:
    """Confusion counts, rows = gold, columns = predicted (bincount: fast in the bootstrap)."""
    flat = np.bincount(gold_idx * n_labels + pred_idx, minlength=n_labels * n_labels)
    return flat.reshape(n_labels, n_labels)


def stance_scores(cm: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, F_avg and per-class scores from a confusion matrix."""
    labels = list(labels)
    n = int(cm.sum())
    if n == 0:
        return {"accuracy": None, "macro_f1": None, "f_avg": None, "per_class": {}}
    tp = np.diag(cm).astype(float)
    gold_n = cm.sum(axis=1).astype(float)
    pred_n = cm.sum(axis=0).astype(float)
    prec = _safe_div(tp, pred_n)
    rec = _safe_div(tp, gold_n)
    f1 = _safe_div(2 * tp, gold_n + pred_n)
    present = (gold_n + pred_n) > 0
    return {
        "accuracy": _r(tp.sum() / n),
        "macro_f1": _r(f1[present].mean()),
        "f_avg": f_avg_from(labels, list(f1)),
        "per_class": {
            lab: {
                "precision": _r(prec[i]),
                "recall": _r(rec[i]),
                "f1": _r(f1[i]),
                "support": int(gold_n[i]),
            }
            for i, lab in enumerate(labels)
        },
    }


def stance_metrics(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Metrics for single-label stance over aligned gold/predicted pair labels."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} labels, predictions {len(pred)}")
    labels = list(labels)
    cm = confusion(label_indices(gold, labels), label_indices(pred, labels), len(labels))
    out: dict[str, Any] = {"n": len(gold), "labels": labels}
    out.update(stance_scores(cm, labels))
    out["confusion"] = cm.tolist()
    return out


def f_avg_from(labels: Sequence[str], f1: Sequence[float]) -> float | None:
    """Mean F1 of favor and against, or None when the schema lacks either."""
    if not all(lab in labels for lab in FAVOR_AGAINST):
        return None
    idx = [list(labels).index(lab) for lab in FAVOR_AGAINST]
    return _r(np.mean([f1[i] for i in idx]))


def frames_to_matrix(rows: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    """Binary indicator matrix (rows x labels); labels outside the schema are ignored."""
    index = {lab: j for j, lab in enumerate(labels)}
    mat = np.zeros((len(rows), len(labels)), dtype=np.int8)
    for i, row in enumerate(rows):
        for lab in row:
            if lab in index:
                mat[i, index[lab]] = 1
    return mat


def frame_metrics_matrix(
    gold: np.ndarray, pred: np.ndarray, labels: Sequence[str]
) -> dict[str, Any]:
    """Multi-label metrics from two aligned 0/1 matrices (rows x labels)."""
    labels = list(labels)
    n = int(gold.shape[0])
    out: dict[str, Any] = {"n": n, "labels": labels}
    if n == 0 or not labels:
        out.update(
            micro_f1=None,
            macro_f1=None,
            exact_match=None,
            hamming_loss=None,
            per_label={},
            confusion={},
        )
        return out
    tp = (gold & pred).sum(axis=0).astype(float)
    fp = ((1 - gold) & pred).sum(axis=0).astype(float)
    fn = (gold & (1 - pred)).sum(axis=0).astype(float)
    prec = _safe_div(tp, tp + fp)
    rec = _safe_div(tp, tp + fn)
    f1 = _safe_div(2 * tp, 2 * tp + fp + fn)
    present = (tp + fp + fn) > 0
    micro = _safe_div(2 * tp.sum(), 2 * tp.sum() + fp.sum() + fn.sum())
    out["micro_f1"] = _r(micro)
    out["macro_f1"] = _r(f1[present].mean()) if present.any() else None
    out["exact_match"] = _r((gold == pred).all(axis=1).mean())
    out["hamming_loss"] = _r((gold != pred).mean())
    out["per_label"] = {
        lab: {
            "precision": _r(prec[j]),
            "recall": _r(rec[j]),
            "f1": _r(f1[j]),
            "support": int(gold[:, j].sum()),
        }
        for j, lab in enumerate(labels)
    }
    # Per label [[tn, fp], [fn, tp]], the layout of scikit-learn's multilabel_confusion_matrix.
    tn = n - tp - fp - fn
    out["confusion"] = {
        lab: [[int(tn[j]), int(fp[j])], [int(fn[j]), int(tp[j])]] for j, lab in enumerate(labels)
    }
    return out


def frame_metrics(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], labels: Sequence[str]
) -> dict[str, Any]:
    """Multi-label frame metrics over aligned gold/predicted label sets."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} rows, predictions {len(pred)}")
    return frame_metrics_matrix(
        frames_to_matrix(gold, labels), frames_to_matrix(pred, labels), labels
    )


def _safe_div(num: np.ndarray | float, den: np.ndarray | float) -> Any:
    # 0/0 counts as 0 (zero_division=0 in scikit-learn terms).
    num_arr = np.asarray(num, dtype=float)
    den_arr = np.asarray(den, dtype=float)
    return np.divide(num_arr, den_arr, out=np.zeros_like(num_arr), where=den_arr > 0)
