"""Metrics, bootstrap intervals, calibration and baselines on small fixed inputs."""

from __future__ import annotations

import random

import numpy as np
import pytest
from helpers import FixedPredictor
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    hamming_loss,
    multilabel_confusion_matrix,
    precision_recall_fscore_support,
)

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.eval.baselines import MajorityBaseline, TfidfLogRegBaseline, target_tokens
from stanceframe.eval.bootstrap import DocGroups, bootstrap
from stanceframe.eval.calibration import ece, reliability_bins, stance_calibration
from stanceframe.eval.evaluate import compute_metrics
from stanceframe.eval.metrics import frame_metrics, frames_to_matrix, stance_metrics

LABELS = ("favor", "against", "neutral")
GOLD = ["favor", "favor", "against", "against", "neutral", "neutral"]
PRED = ["favor", "against", "against", "against", "favor", "neutral"]


def test_stance_metrics_match_hand_computed_values():
    m = stance_metrics(GOLD, PRED, LABELS)
    # favor: tp 1 of 2 predicted, 2 gold; against: tp 2 of 3 predicted; neutral: 1 of 1.
    assert m["per_class"]["favor"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert m["per_class"]["against"]["precision"] == pytest.approx(2 / 3, abs=1e-6)
    assert m["per_class"]["against"]["f1"] == pytest.approx(0.8)
    assert m["per_class"]["neutral"]["recall"] == 0.5
    assert m["per_class"]["neutral"]["f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert m["accuracy"] == pytest.approx(4 / 6, abs=1e-6)
    assert m["macro_f1"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3, abs=1e-6)
    assert m["f_avg"] == pytest.approx((0.5 + 0.8) / 2, abs=1e-6)
    assert m["confusion"] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert m["n"] == 6


def test_stance_metrics_agree_with_scikit_learn_on_random_labels():
    rng = random.Random(3)
    gold = [rng.choice(LABELS) for _ in range(200)]
    pred = [rng.choice(LABELS) for _ in range(200)]
    m = stance_metrics(gold, pred, LABELS)
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(LABELS), zero_division=0)
    assert m["accuracy"] == pytest.approx(accuracy_score(gold, pred), abs=1e-6)
    assert m["macro_f1"] == pytest.approx(f1_score(gold, pred, average="macro"), abs=1e-6)
    for i, lab in enumerate(LABELS):
        assert m["per_class"][lab]["precision"] == pytest.approx(p[i], abs=1e-6)
        assert m["per_class"][lab]["recall"] == pytest.approx(r[i], abs=1e-6)
        assert m["per_class"][lab]["support"] == s[i]
    assert m["f_avg"] == pytest.approx((f[0] + f[1]) / 2, abs=1e-6)


def test_macro_f1_skips_unused_labels_and_f_avg_needs_favor_and_against():
    # neutral occurs in neither gold nor predictions: it has no F1 to average.
    m = stance_metrics(["favor", "against"], ["favor", "favor"], LABELS)
    assert m["macro_f1"] == pytest.approx(
        f1_score(["favor", "against"], ["favor", "favor"], average="macro")
    )
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0) / 2, abs=1e-6)
    # SemEval-style schema: F_avg is defined; a schema without favor/against has none.
    semeval = stance_metrics(["favor", "none"], ["favor", "none"], ("favor", "against", "none"))
    assert semeval["f_avg"] == pytest.approx(0.5)  # against: F1 0 by SemEval's definition
    assert stance_metrics(["pos", "neg"], ["pos", "pos"], ("pos", "neg"))["f_avg"] is None


def test_unknown_stance_label_is_an_error():
    with pytest.raises(ValueError, match="'maybe'"):
        stance_metrics(["favor"], ["maybe"], LABELS)


def test_frame_metrics_match_hand_computed_values_and_scikit_learn():
    labels = ("a", "b", "c")
    gold = [["a"], ["a", "b"], [], ["c"]]
    pred = [["a"], ["b"], ["b"], []]
    m = frame_metrics(gold, pred, labels)
    assert m["per_label"]["a"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3, abs=1e-6),
        "support": 2,
    }
    assert m["per_label"]["b"]["precision"] == 0.5
    assert m["per_label"]["b"]["recall"] == 1.0
    assert m["per_label"]["c"]["f1"] == 0.0
    assert m["micro_f1"] == pytest.approx(4 / 7, abs=1e-6)  # tp 2, fp 1, fn 2
    assert m["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3, abs=1e-6)
    assert m["exact_match"] == 0.25
    assert m["hamming_loss"] == 0.25  # 3 wrong cells of 12
    g, p = frames_to_matrix(gold, labels), frames_to_matrix(pred, labels)
    assert m["micro_f1"] == pytest.approx(f1_score(g, p, average="micro"), abs=1e-6)
    assert m["macro_f1"] == pytest.approx(
        f1_score(g, p, average="macro", zero_division=0), abs=1e-6
    )
    assert m["hamming_loss"] == pytest.approx(hamming_loss(g, p))
    assert m["exact_match"] == pytest.approx(accuracy_score(g, p))
    assert [m["confusion"][lab] for lab in labels] == multilabel_confusion_matrix(g, p).tolist()


# --- bootstrap -----------------------------------------------------------------


def synthetic(n_docs: int, seed: int, per_doc: int = 5) -> tuple[list[Example], FixedPredictor]:
    """Rows whose predictions are right ~70 % of the time, one target and frame set each."""
    rng = random.Random(seed)
    schema = LabelSchema()
    examples, preds = [], {}
    for d in range(n_docs):
        for s in range(per_doc):
            text = f"doc {d} sentence {s}"
            gold = rng.choice(schema.stance_labels)
            pred = gold if rng.random() < 0.7 else rng.choice(schema.stance_labels)
            frames = [f for f in schema.frame_labels if rng.random() < 0.4]
            guess = [f for f in schema.frame_labels if (f in frames) == (rng.random() < 0.75)]
            examples.append(Example(f"d{d}-{s}", text, f"d{d}", {"x": gold}, frames))
            probs = {lab: 0.8 if lab == pred else 0.1 for lab in schema.stance_labels}
            preds[text] = {
                "frames": guess,
                "frame_probs": {f: 0.7 if f in guess else 0.2 for f in schema.frame_labels},
                "stance": {"x": pred},
                "stance_probs": {"x": probs},
            }
    return examples, FixedPredictor(preds, schema)


def _intervals(n_docs: int, seed: int = 0) -> tuple[dict, dict]:
    examples, predictor = synthetic(n_docs, seed)
    metrics, _ = compute_metrics(predictor, examples, baselines=False, n_bootstrap=300, seed=1)
    return metrics["model"], metrics["ci95"]["model"]


def test_intervals_contain_the_point_estimate_and_shrink_with_more_documents():
    small, small_ci = _intervals(12)
    large, large_ci = _intervals(120)
    for head, names in (
        ("stance", ("accuracy", "macro_f1", "f_avg")),
        ("frames", ("micro_f1", "macro_f1", "exact_match", "hamming_loss")),
    ):
        for name in names:
            for point, ci in ((small, small_ci), (large, large_ci)):
                lo, hi = ci[head][name]
                assert lo <= point[head][name] <= hi, (head, name, lo, hi)
            small_w = small_ci[head][name][1] - small_ci[head][name][0]
            large_w = large_ci[head][name][1] - large_ci[head][name][0]
            assert large_w < small_w, (head, name)


def test_bootstrap_is_seeded_and_resamples_documents_not_sentences():
    a = _intervals(20)[1]
    assert a == _intervals(20)[1]
    # One document: every resample is that document, so the interval collapses to
    # the point value. Resampling sentences would have given a spread.
    examples, predictor = synthetic(1, 0, per_doc=40)
    metrics, _ = compute_metrics(predictor, examples, baselines=False, n_bootstrap=50)
    acc = metrics["model"]["stance"]["accuracy"]
    assert 0 < acc < 1
    assert metrics["ci95"]["model"]["stance"]["accuracy"] == [acc, acc]


def test_doc_groups_repeat_a_document_drawn_twice():
    groups = DocGroups(["d1", "d2", "d3"], ["d1", "d2", "d1", "d3", "d3"])
    assert groups.take(np.array([0, 0, 2])).tolist() == [0, 2, 0, 2, 3, 4]


def test_bootstrap_gives_no_interval_for_a_value_mostly_undefined():
    out = bootstrap(
        5, lambda s: {"sometimes": None if s[0] else 1.0, "always": float(s.mean())}, 200, 0
    )
    assert out["sometimes"] is None
    lo, hi = out["always"]
    assert 0 <= lo <= 2 <= hi <= 4


# --- calibration ---------------------------------------------------------------


def test_ece_hand_computed():
    # Two bins: 0.95 (right 1 of 2) and 0.55 (right 2 of 2): each gap 0.45, half the mass each.
    assert ece([0.95, 0.95, 0.55, 0.55], [1, 0, 1, 1]) == pytest.approx(0.45)
    # Confidence 0.25, right one time in four: perfectly calibrated.
    assert ece([0.25] * 4, [1, 0, 0, 0]) == 0.0
    bins = reliability_bins([0.3, 0.0, 1.0], [1, 1, 1])
    assert [b["count"] for b in bins] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1]


def test_stance_calibration_uses_the_argmax_probability():
    probs = [{"favor": 0.9, "against": 0.1}, {"favor": 0.3, "against": 0.7}]
    cal = stance_calibration(probs, ["favor", "favor"])
    # 0.9 right, 0.7 wrong: |1 - 0.9| and |0 - 0.7| in separate bins.
    assert cal["ece"] == pytest.approx((0.1 + 0.7) / 2)


# --- baselines -----------------------------------------------------------------


def test_majority_baseline_predicts_the_training_majority():
    rows = [
        ({"a": "neutral", "b": "favor"}, ["attribution", "accusation"]),
        ({"a": "neutral"}, ["attribution"]),
        ({"c": "neutral", "d": "against"}, ["attribution", "accusation"]),
        ({}, []),
        ({}, None),  # frames not annotated: does not count for or against any frame
    ]
    train = [Example(f"r{i}", f"text {i}", targets=t, frames=f) for i, (t, f) in enumerate(rows)]
    preds = MajorityBaseline(LabelSchema()).fit(train).predict(["x", "y"], [["p", "q"], []])
    assert preds[0]["stance"] == {"p": "neutral", "q": "neutral"}  # 3 of 5 pairs
    assert preds[0]["stance_probs"]["p"] == {"favor": 0.2, "against": 0.2, "neutral": 0.6}
    assert preds[1]["stance"] == {}
    # attribution on 3 of 4 annotated rows; accusation on exactly half: not a majority.
    assert preds[0]["frames"] == preds[1]["frames"] == ["attribution"]
    assert preds[0]["frame_probs"]["accusation"] == 0.5


def test_tfidf_baseline_output_matches_the_predictor_format(examples):
    schema = LabelSchema()
    base = TfidfLogRegBaseline(schema, seed=0).fit(examples)
    texts = [ex.text for ex in examples]
    preds = base.predict(texts, [list(ex.targets) for ex in examples])
    for ex, pred in zip(examples, preds, strict=True):
        assert set(pred) == {"frames", "frame_probs", "stance", "stance_probs"}
        assert list(pred["frame_probs"]) == list(schema.frame_labels)
        assert set(pred["stance"]) == set(ex.targets)
        for dist in pred["stance_probs"].values():
            assert sum(dist.values()) == pytest.approx(1.0, abs=1e-4)
    # It learns its own training rows far better than the majority baseline does.
    gold = [lab for ex in examples for lab in ex.targets.values()]
    got = [p["stance"][t] for ex, p in zip(examples, preds, strict=True) for t in ex.targets]
    assert accuracy_score(gold, got) > 0.8
    assert preds == TfidfLogRegBaseline(schema, seed=0).fit(examples).predict(
        texts, [list(ex.targets) for ex in examples]
    )


def test_target_tokens_mark_the_target_and_its_context():
    tokens = target_tokens("Kestria refuses to hand over the maps", "Kestria").split()
    assert tokens[:2] == ["tgt_kestria", "mentioned"]
    assert "R_refuses" in tokens and "R_to" in tokens
    assert target_tokens("Peace talks resume", "Kestria").split() == [
        "tgt_kestria",
        "not_mentioned",
    ]
