"""What a researcher checks before trusting aggregate figures: rates, confusions, calibration.

- ``label_rates``: for every frame and stance label, how often it is
  predicted against how often it is present. A model can have a decent F1
  and still double a frame's share of an article: the share is what a
  researcher reports, so its bias is measured on its own.
- ``confusion_examples``: the most frequent stance confusions and frame
  errors, each with example sentences, so an error pattern can be read, not
  only counted.
- ``without_temperature``: a system's probabilities with the model's fitted
  temperatures undone (exactly: the temperature rescales logits, and logits
  are recovered from probabilities up to a constant that softmax ignores),
  so the report shows calibration before and after temperature scaling from
  one inference pass.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from stanceframe.eval.alignment import Aligned, Gold

EXAMPLES = 3
CELLS = 5
EPS = 1e-6


def _rate(count: int, n: int) -> float | None:
    return round(count / n, 6) if n else None


def _entry(gold: int, pred: int, n: int) -> dict[str, Any]:
    g, p = _rate(gold, n), _rate(pred, n)
    ratio = round(p / g, 4) if g and p is not None else None
    return {"gold": g, "predicted": p, "ratio": ratio, "n": n}


def label_rates(gold: Gold, aligned: Aligned) -> dict[str, dict[str, Any]]:
    """Per label: gold share, predicted share and predicted / gold (1.0 = unbiased)."""
    n_rows = len(gold.frame_row)
    frames = {
        lab: _entry(int(gold.frame_gold[:, j].sum()), int(aligned.frame_pred[:, j].sum()), n_rows)
        for j, lab in enumerate(gold.frame_labels)
    }
    g_counts, p_counts = Counter(gold.pair_gold), Counter(aligned.stance_pred)
    n_pairs = len(gold.pair_gold)
    stance = {lab: _entry(g_counts[lab], p_counts[lab], n_pairs) for lab in gold.stance_labels}
    return {"frames": frames, "stance": stance}


def confusion_examples(
    gold: Gold, aligned: Aligned, cells: int = CELLS, k: int = EXAMPLES
) -> dict[str, list[dict[str, Any]]]:
    """The ``cells`` most frequent stance confusions and frame errors, ``k`` sentences each.

    Examples are the model's most confident mistakes of that kind.
    """
    stance: dict[tuple[str, str], list[tuple[float, dict]]] = {}
    for u, (row, target) in enumerate(zip(gold.pair_row, gold.pair_target, strict=True)):
        g, p = gold.pair_gold[u], aligned.stance_pred[u]
        if g != p:
            ex = gold.examples[row]
            item = {"id": ex.id, "text": ex.text, "target": target}
            stance.setdefault((g, p), []).append((aligned.stance_probs[u][p], item))
    frames: dict[tuple[str, str], list[tuple[float, dict]]] = {}
    for r, row in enumerate(gold.frame_row):
        ex = gold.examples[row]
        for j, lab in enumerate(gold.frame_labels):
            truth, pred = bool(gold.frame_gold[r, j]), bool(aligned.frame_pred[r, j])
            if truth != pred:
                prob = float(aligned.frame_probs[r, j])
                kind = "false negative" if truth else "false positive"
                item = {"id": ex.id, "text": ex.text, "prob": round(prob, 4)}
                frames.setdefault((lab, kind), []).append((abs(float(truth) - prob), item))

    def top(groups, keys):
        ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:cells]
        out = []
        for key, members in ranked:
            members.sort(key=lambda m: (-m[0], m[1]["id"]))
            out.append(
                {
                    **dict(zip(keys, key, strict=True)),
                    "count": len(members),
                    "examples": [m[1] for m in members[:k]],
                }
            )
        return out

    return {"stance": top(stance, ("gold", "predicted")), "frames": top(frames, ("label", "error"))}


def without_temperature(aligned: Aligned, temperature: dict[str, float]) -> Aligned | None:
    """``aligned`` with the temperatures undone; None when both are 1 (nothing to undo)."""
    t_s, t_f = temperature.get("stance", 1.0), temperature.get("frames", 1.0)
    if t_s == 1.0 and t_f == 1.0:
        return None
    stance_probs = []
    for dist in aligned.stance_probs:
        labels = list(dist)
        logp = np.log(np.clip([dist[lab] for lab in labels], EPS, 1.0)) * t_s
        p = np.exp(logp - logp.max())
        p /= p.sum()
        stance_probs.append(dict(zip(labels, p.tolist(), strict=True)))
    probs = np.clip(aligned.frame_probs, EPS, 1 - EPS)
    logits = np.log(probs / (1 - probs)) * t_f
    frame_probs = 1.0 / (1.0 + np.exp(-logits))
    return Aligned(aligned.stance_pred, stance_probs, aligned.frame_pred, frame_probs)
