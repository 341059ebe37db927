"""Predictor behaviour: output contract, ordering, frames independent of targets, precision."""

from __future__ import annotations

import pytest

from stanceframe.model import ModelError, Predictor
from stanceframe.model.precision import auto_precision, check_precision, default_precision


def _labels(preds):
    return [(p["frames"], p["stance"]) for p in preds]


def test_contract_order_and_duplicate_targets(tiny_encoder_dir, examples):
    p = Predictor.untrained(tiny_encoder_dir, max_length=48, precision="fp32")
    texts = [e.text for e in examples]
    preds = p.predict(texts, [["army", "army", "rebels", " "]] + [[] for _ in texts[1:]])
    assert len(preds) == len(texts)
    first = preds[0]
    assert list(first["stance"]) == ["army", "rebels"]  # duplicates and blanks go, order kept
    assert set(first["frame_probs"]) == set(p.schema.frame_labels)
    for probs in first["stance_probs"].values():
        assert sum(probs.values()) == pytest.approx(1, abs=1e-4)
    assert preds[1]["stance"] == {} and preds[1]["stance_probs"] == {}
    # batch composition and size do not change the answer
    alone = p.predict(texts[3:4], [[]], batch_size=1)[0]
    assert alone == preds[3]


def test_frames_do_not_depend_on_the_targets_asked(tiny_encoder_dir, examples):
    p = Predictor.untrained(tiny_encoder_dir, max_length=48, precision="fp32", seed=5)
    texts = [e.text for e in examples]
    runs = [
        p.predict(texts, [names] * len(texts))
        for names in ([], ["army"], ["army", "rebels", "police"])
    ]
    frames = [[(r["frames"], r["frame_probs"]) for r in run] for run in runs]
    assert frames[0] == frames[1] == frames[2]
    assert [len(r["stance"]) for r in runs[2]] == [3] * len(texts)


def test_truncation_is_reported_by_the_one_tokenisation(tiny_encoder_dir):
    p = Predictor.untrained(tiny_encoder_dir, max_length=16, precision="fp32")
    short, long = "the army said", " ".join(["the army killed civilians"] * 10)
    _, truncated = p.predict_detailed([short, long], [["army"], ["army"]])
    assert truncated == [False, True]


def test_mixed_precision_keeps_fp32_labels_and_reruns_only_near_decisions(
    tiny_encoder_dir, examples
):
    p = Predictor.untrained(tiny_encoder_dir, max_length=48, precision="fp32")
    texts = [e.text for e in examples] * 4
    # Frames only: an untrained stance head is unsure of every pair, which would send
    # every sentence back to fp32 and hide what the re-check does.
    targets = [[] for _ in texts]
    reference = p.predict(texts, targets)
    # Thresholds on both sides of the observed probabilities: some sentences sit
    # near a decision (re-run in fp32), others far from it (kept from bf16).
    probs = sorted(r["frame_probs"]["attribution"] for r in reference)
    p.thresholds = {f: 0.99 for f in p.schema.frame_labels}
    p.thresholds["attribution"] = probs[len(probs) // 2]
    reference = p.predict(texts, targets)
    p.precision = "bf16-mixed"
    mixed = p.predict(texts, targets)
    assert _labels(mixed) == _labels(reference)
    assert 0 < p.last_run["rerun"] < p.last_run["sentences"] == len(texts)
    for a, b in zip(mixed, reference, strict=True):
        for label, prob in a["frame_probs"].items():
            assert prob == pytest.approx(b["frame_probs"][label], abs=0.03)


def test_precision_choice(monkeypatch):
    with pytest.raises(ValueError, match="precision must be one of"):
        check_precision("fp16")
    assert check_precision("mixed") == "bf16-mixed"  # the older name still works
    assert auto_precision({"avx512_bf16", "avx512_vnni"})[0] == "bf16-mixed"
    # int8 changes labels on this model even with the fp32 re-check: never automatic.
    assert auto_precision({"avx512_vnni"})[0] == "fp32"
    assert auto_precision({"avx2"})[0] == "fp32"
    monkeypatch.setenv("STANCEFRAME_PRECISION", "fp32")
    assert default_precision() == "fp32"
    monkeypatch.setenv("STANCEFRAME_PRECISION", "half")
    with pytest.raises(ModelError, match="STANCEFRAME_PRECISION='half'"):
        default_precision()
