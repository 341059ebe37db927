"""Baselines trained on the train split and scored beside the model.

- ``majority``: the most frequent stance label; each frame present when most
  training sentences carry it. Its probabilities are the training rates.
- ``tfidf_logreg``: TF-IDF word uni- and bigrams with logistic regression;
  one binary classifier per frame (one-vs-rest), and for stance one
  multinomial classifier whose features are target-aware: the sentence's
  n-grams plus pseudo-tokens for the target's identity, whether the sentence
  mentions it, and the words just left and right of the mention.

Both expose ``predict(texts, targets)`` with the output format of
``stanceframe.model.Predictor.predict``, so one scoring path serves all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from stanceframe.data.schema import Example, LabelSchema

WORD = re.compile(r"\w+")
WINDOW = 3  # words each side of a target mention that describe it


def _stance_pairs(examples: Sequence[Example]) -> tuple[list[str], list[str], list[str]]:
    texts, targets, labels = [], [], []
    for ex in examples:
        for target, label in ex.targets.items():
            texts.append(ex.text)
            targets.append(target)
            labels.append(label)
    return texts, targets, labels


def _output(
    schema: LabelSchema,
    frame_probs: dict[str, float],
    thresholds: dict[str, float],
    stance_probs: dict[str, dict[str, float]],
) -> dict[str, Any]:
    """One prediction dict in the Predictor format (rounded like the model's)."""
    fp = {lab: round(float(frame_probs[lab]), 6) for lab in schema.frame_labels}
    sp = {
        t: {lab: round(float(p[lab]), 6) for lab in schema.stance_labels}
        for t, p in stance_probs.items()
    }
    return {
        "frames": [lab for lab in schema.frame_labels if fp[lab] >= thresholds[lab]],
        "frame_probs": fp,
        # max() keeps the first label on ties, i.e. schema order, like an argmax.
        "stance": {
            t: max(schema.stance_labels, key=lambda lab, p=p: p[lab]) for t, p in sp.items()
        },
        "stance_probs": sp,
    }


class MajorityBaseline:
    name = "majority"

    def __init__(self, schema: LabelSchema):
        self.schema = schema
        self.stance_dist: dict[str, float] = {}
        self.frame_rate: dict[str, float] = {}

    def fit(self, examples: Sequence[Example]) -> MajorityBaseline:
        counts = Counter(_stance_pairs(examples)[2])
        total = sum(counts.values())
        labels = self.schema.stance_labels
        self.stance_dist = {
            lab: counts[lab] / total if total else 1 / len(labels) for lab in labels
        }
        annotated = [ex for ex in examples if ex.frames is not None]
        self.frame_rate = {
            lab: sum(lab in (ex.frames or []) for ex in annotated) / max(len(annotated), 1)
            for lab in self.schema.frame_labels
        }
        return self

    def predict(
        self, texts: Sequence[str], targets: Sequence[Sequence[str]] | None = None, **_: Any
    ) -> list[dict[str, Any]]:
        # Strictly more than half: a 50/50 label is not a majority.
        thresholds = {lab: 0.5 + 1e-9 for lab in self.schema.frame_labels}
        per_text = targets if targets is not None else [[] for _ in texts]
        return [
            _output(self.schema, self.frame_rate, thresholds, {t: self.stance_dist for t in ts})
            for ts in per_text
        ]


def target_tokens(text: str, target: str) -> str:
    """Pseudo-tokens that tell the stance classifier which target it judges."""
    words = [w.lower() for w in WORD.findall(text)]
    name = [w.lower() for w in WORD.findall(target)]
    tokens = ["tgt_" + "_".join(name)]
    k = len(name)
    spans = [(i, i + k) for i in range(len(words)) if k and words[i : i + k] == name]
    if not spans:
        # Partial mention ("the army" for the target "Kestrian army"): any long name word.
        spans = [(i, i + 1) for i, w in enumerate(words) if len(w) > 3 and w in name]
    tokens.append("mentioned" if spans else "not_mentioned")
    for start, end in spans:
        tokens += ["L_" + w for w in words[max(0, start - WINDOW) : start]]
        tokens += ["R_" + w for w in words[end : end + WINDOW]]
    return " ".join(tokens)


class TfidfLogRegBaseline:
    name = "tfidf_logreg"

    def __init__(self, schema: LabelSchema, seed: int = 0, c: float = 1.0):
        self.schema = schema
        self.seed = seed
        self.c = c
        self.frame_vec: TfidfVectorizer | None = None
        self.frame_models: dict[str, LogisticRegression | float] = {}
        self.text_vec: TfidfVectorizer | None = None
        self.target_vec: TfidfVectorizer | None = None
        self.stance_model: LogisticRegression | None = None
        self.stance_prior: dict[str, float] = {}

    def _logreg(self) -> LogisticRegression:
        # Balanced class weights: frames and stance classes are skewed, and an
        # unweighted model would drift toward the majority baseline.
        return LogisticRegression(
            C=self.c, class_weight="balanced", max_iter=2000, random_state=self.seed
        )

    def fit(self, examples: Sequence[Example]) -> TfidfLogRegBaseline:
        annotated = [ex for ex in examples if ex.frames is not None]
        if annotated:
            self.frame_vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
            x = self.frame_vec.fit_transform([ex.text for ex in annotated])
            for lab in self.schema.frame_labels:
                y = np.array([lab in (ex.frames or []) for ex in annotated], dtype=int)
                # A label that is always (or never) present cannot train a classifier.
                self.frame_models[lab] = (
                    self._logreg().fit(x, y) if 0 < y.sum() < len(y) else float(y.mean())
                )
        texts, targets, labels = _stance_pairs(examples)
        self.stance_prior = MajorityBaseline(self.schema).fit(examples).stance_dist
        if len(set(labels)) >= 2:
            self.text_vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
            self.target_vec = TfidfVectorizer(token_pattern=r"\S+", lowercase=False)
            x = hstack(
                [
                    self.text_vec.fit_transform(texts),
                    self.target_vec.fit_transform(
                        [target_tokens(t, g) for t, g in zip(texts, targets, strict=True)]
                    ),
                ]
            ).tocsr()
            self.stance_model = self._logreg().fit(x, labels)
        return self

    def _frame_probs(self, texts: Sequence[str]) -> list[dict[str, float]]:
        probs = {lab: np.zeros(len(texts)) for lab in self.schema.frame_labels}
        if self.frame_vec is not None and texts:
            x = self.frame_vec.transform(texts)
            for lab, model in self.frame_models.items():
                if isinstance(model, float):
                    probs[lab] = np.full(len(texts), model)
                else:
                    probs[lab] = model.predict_proba(x)[:, list(model.classes_).index(1)]
        return [{lab: float(probs[lab][i]) for lab in probs} for i in range(len(texts))]

    def _stance_probs(self, texts: list[str], targets: list[str]) -> list[dict[str, float]]:
        if self.stance_model is None or not texts:
            return [dict(self.stance_prior) for _ in texts]
        assert self.text_vec is not None and self.target_vec is not None
        x = hstack(
            [
                self.text_vec.transform(texts),
                self.target_vec.transform(
                    [target_tokens(t, g) for t, g in zip(texts, targets, strict=True)]
                ),
            ]
        ).tocsr()
        proba = self.stance_model.predict_proba(x)
        classes = list(self.stance_model.classes_)
        out = []
        for row in proba:
            dist = dict.fromkeys(self.schema.stance_labels, 0.0)
            for cls, p in zip(classes, row, strict=True):
                if cls in dist:
                    dist[cls] = float(p)
            out.append(dist)
        return out

    def predict(
        self, texts: Sequence[str], targets: Sequence[Sequence[str]] | None = None, **_: Any
    ) -> list[dict[str, Any]]:
        per_text = targets if targets is not None else [[] for _ in texts]
        frame_probs = self._frame_probs(list(texts))
        flat_texts = [texts[i] for i, ts in enumerate(per_text) for _ in ts]
        flat_targets = [t for ts in per_text for t in ts]
        flat = iter(self._stance_probs(flat_texts, flat_targets))
        thresholds = dict.fromkeys(self.schema.frame_labels, 0.5)
        return [
            _output(self.schema, frame_probs[i], thresholds, {t: next(flat) for t in ts})
            for i, ts in enumerate(per_text)
        ]


def fit_baselines(
    train: Sequence[Example], schema: LabelSchema, seed: int = 0
) -> dict[str, MajorityBaseline | TfidfLogRegBaseline]:
    """Both baselines, trained on ``train`` (the split the model trained on)."""
    return {
        MajorityBaseline.name: MajorityBaseline(schema).fit(train),
        TfidfLogRegBaseline.name: TfidfLogRegBaseline(schema, seed).fit(train),
    }
