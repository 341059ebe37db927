"""Predictor behaviour: output contract, ordering, precision modes."""

from __future__ import annotations

import pytest

from stanceframe.model import ModelError, Predictor
from stanceframe.model.predictor import check_precision, default_precision


def _labels(preds):
    return [(p["frames"], p["stance"]) for p in preds]


def test_contract_order_and_duplicate_targets(tiny_encoder_dir, examples):
    p = Predictor.untrained(tiny_encoder_dir, max_length=48, precision="fp32")
    texts = [e.text for e in examples]
    preds = p.predict(texts, [["army", "army", "rebels"]] + [[] for _ in texts[1:]])
    assert len(preds) == len(texts)
    first = preds[0]
    assert list(first["stance"]) == ["army", "rebels"]  # duplicates collapse, order kept
    assert set(first["frame_probs"]) == set(p.schema.frame_labels)
    for probs in first["stance_probs"].values():
        assert abs(sum(probs.values()) - 1) < 1e-4
    assert preds[1]["stance"] == {} and preds[1]["stance_probs"] == {}
    # batch composition and size do not change the answer
    alone = p.predict(texts[3:4], [[]], batch_size=1)[0]
    assert alone == preds[3]


def test_mixed_precision_keeps_fp32_labels(tiny_encoder_dir, examples):
    fp32 = Predictor.untrained(tiny_encoder_dir, max_length=48, precision="fp32")
    texts = [e.text for e in examples] * 4
    targets = [list(e.targets) for e in examples] * 4
    reference = fp32.predict(texts, targets)
    fp32.precision = "mixed"
    mixed = fp32.predict(texts, targets)
    assert _labels(mixed) == _labels(reference)
    for a, b in zip(mixed, reference, strict=True):
        for label, prob in a["frame_probs"].items():
            assert abs(prob - b["frame_probs"][label]) < 0.02


def test_precision_choice(monkeypatch):
    with pytest.raises(ValueError, match="precision must be one of"):
        check_precision("fp16")
    monkeypatch.setenv("STANCEFRAME_PRECISION", "fp32")
    assert default_precision() == "fp32"
    monkeypatch.setenv("STANCEFRAME_PRECISION", "half")
    with pytest.raises(ModelError, match="STANCEFRAME_PRECISION='half'"):
        default_precision()
