"""Aligning predictions with gold labels, and scoring systems with bootstrap CIs.

Units: stance is scored per (sentence, gold target) pair; frames per sentence
whose ``frames`` is annotated (not None). Every system (the model and each
baseline) is scored on exactly the same units, and every bootstrap resample
is shared between systems, so their intervals and paired differences are
comparable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.eval.bootstrap import DocGroups, bootstrap
from stanceframe.eval.metrics import (
    confusion,
    frame_metrics_matrix,
    frames_to_matrix,
    label_indices,
    stance_metrics,
    stance_scores,
)

# The numbers that get confidence intervals (and paired differences vs baselines).
HEADLINE = {
    "stance": ("accuracy", "macro_f1", "f_avg"),
    "frames": ("micro_f1", "macro_f1", "exact_match", "hamming_loss"),
}


def _extend(labels: Sequence[str], found: set[str]) -> list[str]:
    # Gold labels the model's schema lacks still count (as errors), after its own.
    return list(labels) + sorted(found - set(labels))


@dataclass
class Gold:
    """Gold labels of the evaluated rows, laid out as scoring units."""

    examples: list[Example]
    stance_labels: list[str]
    frame_labels: list[str]
    pair_row: list[int]  # example index of each (sentence, target) pair
    pair_target: list[str]
    pair_gold: list[str]
    frame_row: list[int]  # example index of each frame-annotated sentence
    frame_gold: np.ndarray  # (frame rows x frame labels) 0/1
    docs: list[str]
    pair_groups: DocGroups
    frame_groups: DocGroups

    @classmethod
    def build(cls, examples: Sequence[Example], schema: LabelSchema) -> Gold:
        examples = list(examples)
        pairs = [(i, t, lab) for i, ex in enumerate(examples) for t, lab in ex.targets.items()]
        frame_row = [i for i, ex in enumerate(examples) if ex.frames is not None]
        stance_labels = _extend(schema.stance_labels, {lab for _, _, lab in pairs})
        frame_labels = _extend(
            schema.frame_labels, {f for i in frame_row for f in examples[i].frames or []}
        )
        docs = sorted({ex.doc_id for ex in examples})
        return cls(
            examples=examples,
            stance_labels=stance_labels,
            frame_labels=frame_labels,
            pair_row=[p[0] for p in pairs],
            pair_target=[p[1] for p in pairs],
            pair_gold=[p[2] for p in pairs],
            frame_row=frame_row,
            frame_gold=frames_to_matrix(
                [examples[i].frames or [] for i in frame_row], frame_labels
            ),
            docs=docs,
            pair_groups=DocGroups(docs, [examples[i].doc_id for i, _, _ in pairs]),
            frame_groups=DocGroups(docs, [examples[i].doc_id for i in frame_row]),
        )

    def request_targets(self) -> list[list[str]]:
        """The targets to ask each prediction for: the row's gold targets."""
        return [list(ex.targets) for ex in self.examples]


@dataclass
class Aligned:
    """One system's predictions on the gold units."""

    stance_pred: list[str]
    stance_probs: list[dict[str, float]]
    frame_pred: np.ndarray
    frame_probs: np.ndarray


def align(gold: Gold, preds: Sequence[dict[str, Any]]) -> Aligned:
    """Pick each unit's prediction out of per-sentence prediction dicts."""
    if len(preds) != len(gold.examples):
        raise ValueError(f"{len(preds)} predictions for {len(gold.examples)} rows")
    stance_pred, stance_probs = [], []
    for row, target in zip(gold.pair_row, gold.pair_target, strict=True):
        stance_pred.append(preds[row]["stance"][target])
        stance_probs.append(preds[row]["stance_probs"][target])
    frame_pred = frames_to_matrix([preds[i]["frames"] for i in gold.frame_row], gold.frame_labels)
    frame_probs = np.array(
        [
            [preds[i]["frame_probs"].get(lab, 0.0) for lab in gold.frame_labels]
            for i in gold.frame_row
        ],
        dtype=float,
    ).reshape(len(gold.frame_row), len(gold.frame_labels))
    return Aligned(stance_pred, stance_probs, frame_pred, frame_probs)


def system_metrics(gold: Gold, aligned: Aligned) -> dict[str, Any]:
    """``{"stance": ..., "frames": ...}`` for one system on all evaluated units."""
    return {
        "stance": stance_metrics(gold.pair_gold, aligned.stance_pred, gold.stance_labels),
        "frames": frame_metrics_matrix(gold.frame_gold, aligned.frame_pred, gold.frame_labels),
    }


Key = tuple[str, ...]


def _flat_scores(
    gold: Gold,
    gold_idx: np.ndarray,
    pred_idx: np.ndarray,
    frame_pred: np.ndarray,
    pairs: np.ndarray,
    rows: np.ndarray,
) -> dict[Key, float | None]:
    """Headline and per-label scores of one system on one resample, by metric path."""
    n_lab = len(gold.stance_labels)
    stance = stance_scores(confusion(gold_idx[pairs], pred_idx[pairs], n_lab), gold.stance_labels)
    frames = frame_metrics_matrix(gold.frame_gold[rows], frame_pred[rows], gold.frame_labels)
    out: dict[Key, float | None] = {}
    for head, scores in (("stance", stance), ("frames", frames)):
        for name in HEADLINE[head]:
            out[(head, name)] = scores.get(name)
    # A class absent from the resample has no defined F1 there (not a zero).
    for lab, s in stance.get("per_class", {}).items():
        out[("stance", "per_class", lab, "f1")] = s["f1"] if s["support"] else None
    for lab, s in frames.get("per_label", {}).items():
        out[("frames", "per_label", lab, "f1")] = s["f1"] if s["support"] else None
    return out


def confidence_intervals(
    gold: Gold, systems: dict[Key, Aligned], n_resamples: int, seed: int
) -> dict[Key, list[float] | None]:
    """95 % intervals keyed ``system path + metric path``, e.g.
    ``("model", "stance", "macro_f1")`` or ``("baselines", "majority", "frames", "micro_f1")``;
    plus ``("diff",) + baseline path + metric`` for the paired difference model
    minus baseline, computed on the same resamples."""
    gold_idx = label_indices(gold.pair_gold, gold.stance_labels)
    coded = {
        name: (label_indices(a.stance_pred, gold.stance_labels), a.frame_pred)
        for name, a in systems.items()
    }
    model = ("model",)

    def statistic(sample: np.ndarray) -> dict[Key, float | None]:
        pairs, rows = gold.pair_groups.take(sample), gold.frame_groups.take(sample)
        per_system = {
            name: _flat_scores(gold, gold_idx, pred_idx, frame_pred, pairs, rows)
            for name, (pred_idx, frame_pred) in coded.items()
        }
        values: dict[Key, float | None] = {}
        for name, scores in per_system.items():
            for key, value in scores.items():
                values[name + key] = value
            if name == model or model not in per_system:
                continue
            for head, metrics in HEADLINE.items():
                for metric in metrics:
                    a, b = per_system[model][(head, metric)], scores[(head, metric)]
                    values[("diff",) + name + (head, metric)] = (
                        None if a is None or b is None else a - b
                    )
        return values

    return bootstrap(len(gold.docs), statistic, n_resamples=n_resamples, seed=seed)  # type: ignore[return-value]


def topic_breakdown(
    examples: Sequence[Example],
    preds: Sequence[dict[str, Any]],
    schema: LabelSchema,
    train_examples: Sequence[Example] | None,
) -> dict[str, Any] | None:
    """The model's headline F1s on topics seen in training vs topics never seen.

    The bundled corpus holds some topics out of training on purpose; this is
    where that design pays off: the gap estimates how much scores drop on
    subjects the model has not been trained on. ``None`` without topic fields.
    """
    train_topics = {ex.topic for ex in train_examples or [] if ex.topic}
    if not train_topics or not any(ex.topic for ex in examples):
        return None
    out: dict[str, Any] = {}
    for name, seen in (("seen_topics", True), ("unseen_topics", False)):
        idx = [
            i for i, ex in enumerate(examples) if ex.topic and (ex.topic in train_topics) == seen
        ]
        if not idx:
            continue
        sub = [examples[i] for i in idx]
        gold = Gold.build(sub, schema)
        scores = system_metrics(gold, align(gold, [preds[i] for i in idx]))
        out[name] = {
            "topics": sorted({ex.topic for ex in sub}),
            "n_sentences": len(sub),
            "n_docs": len({ex.doc_id for ex in sub}),
            "stance_macro_f1": scores["stance"].get("macro_f1"),
            "frames_macro_f1": scores["frames"].get("macro_f1"),
        }
    return out
