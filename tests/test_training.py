"""Training on the tiny random encoder: overfitting, masking, config strictness, save/load."""

from __future__ import annotations

import json

import pytest

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model import Predictor, load_model, save_model
from stanceframe.model.encoding import collate, encode_items
from stanceframe.model.errors import ModelError
from stanceframe.training.config import ConfigError, TrainConfig, config_from_dict, load_config
from stanceframe.training.loop import train_model
from stanceframe.training.objective import IGNORE, build_items, loss_for_batch


def tiny_config(encoder: str, **kw) -> TrainConfig:
    base = dict(
        base_model=encoder,
        epochs=60,
        batch_size=4,
        lr=5e-3,
        head_lr=2e-2,
        warmup_ratio=0.0,
        dropout=0.0,
        patience=40,
        max_length=48,
    )
    base.update(kw)
    return TrainConfig(**base)


def test_both_heads_overfit_a_handful(tiny_encoder_dir, examples):
    result = train_model(examples, examples, tiny_config(tiny_encoder_dir), progress=False)
    preds = result.predictor.predict(
        [e.text for e in examples], [list(e.targets) for e in examples]
    )
    gold_pairs = [
        (lab, p["stance"][t])
        for e, p in zip(examples, preds, strict=False)
        for t, lab in e.targets.items()
    ]
    assert sum(g == p for g, p in gold_pairs) / len(gold_pairs) >= 0.9
    exact = sum(
        sorted(p["frames"]) == sorted(e.frames) for e, p in zip(examples, preds, strict=False)
    )
    assert exact / len(examples) >= 0.8
    assert result.dev_metrics["dev_frames_macro_f1"] >= 0.8
    assert result.dev_metrics["best_epoch"] >= 1


def test_rows_without_targets_train_frames_only():
    schema = LabelSchema()
    rows = [
        Example(id="a", text="Families fled.", frames=["humanitarian_appeal"]),
        Example(id="b", text="X said Y lied.", targets={"Y": "against"}, frames=None),
        Example(id="c", text="Z spoke.", targets={"Z": "neutral"}, frames=[]),
    ]
    items = build_items(rows, schema)
    a = [it for it in items if it.text == "Families fled."]
    assert len(a) == 1 and a[0].stance == IGNORE and a[0].frames == [0.0, 0.0, 1.0]
    b = [it for it in items if it.text == "X said Y lied."]
    assert (
        len(b) == 1 and b[0].frames is None and b[0].stance == schema.stance_labels.index("against")
    )
    c = [it for it in items if it.text == "Z spoke."]
    # one pass per target plus a sentence-alone pass for frames; each weighted 1/2
    assert [it.target for it in c] == ["Z", None] and all(it.frame_weight == 0.5 for it in c)


def _head_grads(encoder_dir, rows):
    schema = LabelSchema()
    p = Predictor.untrained(encoder_dir, schema, max_length=32)
    items = build_items(rows, schema)
    batch = collate(
        encode_items(p.tokenizer, [i.text for i in items], [i.target for i in items], 32), 0
    )
    stance_logits, frame_logits = p.network.train()(**batch)
    loss_for_batch(items, stance_logits, frame_logits, None, None, TrainConfig()).backward()
    grad = lambda head: 0.0 if head.weight.grad is None else head.weight.grad.abs().sum().item()  # noqa: E731
    return grad(p.network.stance_head), grad(p.network.frame_head)


def test_masked_losses_send_no_gradient_to_the_unlabelled_head(tiny_encoder_dir):
    frame_only = [Example(id="a", text="Civilians were killed.", frames=["humanitarian_appeal"])]
    stance, frames = _head_grads(tiny_encoder_dir, frame_only)
    assert stance == 0.0 and frames > 0.0
    stance_only = [Example(id="b", text="X said Y lied.", targets={"Y": "against"}, frames=None)]
    stance, frames = _head_grads(tiny_encoder_dir, stance_only)
    assert stance > 0.0 and frames == 0.0


def test_save_then_load_gives_identical_probabilities(tiny_encoder_dir, examples, tmp_path):
    p = Predictor.untrained(tiny_encoder_dir, max_length=48, seed=3)
    p.thresholds["accusation"] = 0.35
    save_model(p, tmp_path / "m", train_config={"epochs": 1}, metrics={"dev_frames_macro_f1": 0.5})
    q = load_model(tmp_path / "m")
    texts, targets = [e.text for e in examples], [list(e.targets) for e in examples]
    assert p.predict(texts, targets) == q.predict(texts, targets)
    assert q.thresholds["accusation"] == 0.35
    files = {f.name for f in (tmp_path / "m").iterdir()}
    assert {
        "model.safetensors",
        "config.json",
        "stanceframe.json",
        "README.md",
        "training_config.json",
        "metrics.json",
    } <= files
    assert not any(f.endswith((".bin", ".pkl", ".pt")) for f in files)
    assert "dev_frames_macro_f1" in (tmp_path / "m" / "README.md").read_text()


def test_load_rejects_incomplete_or_mismatched_dirs(tiny_encoder_dir, tmp_path):
    with pytest.raises(ModelError, match="no such model directory"):
        load_model(tmp_path / "nope")
    p = Predictor.untrained(tiny_encoder_dir, max_length=32)
    save_model(p, tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").unlink()
    with pytest.raises(ModelError, match="missing model.safetensors"):
        load_model(tmp_path / "m")
    save_model(p, tmp_path / "m2")
    with pytest.raises(ModelError, match="do not match"):
        load_model(tmp_path / "m2", expect_schema=LabelSchema(("favor", "against", "none")))
    meta = json.loads((tmp_path / "m2" / "stanceframe.json").read_text())
    meta["thresholds"] = {"other": 0.5}
    (tmp_path / "m2" / "stanceframe.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="thresholds"):
        load_model(tmp_path / "m2")


def test_config_is_strict(tmp_path):
    with pytest.raises(ConfigError, match="unknown key.*epoch.*valid keys:.*epochs"):
        config_from_dict({"epoch": 3})
    with pytest.raises(ConfigError, match="epochs must be int"):
        config_from_dict({"epochs": "3"})
    with pytest.raises(ConfigError, match="invalid value for dropout"):
        config_from_dict({"dropout": 1.5})
    assert config_from_dict({"lr": 1}).lr == 1.0
    bad = tmp_path / "c.toml"
    bad.write_text("epochs = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    assert load_config() == load_config(None)  # the shipped default parses


def test_training_is_reproducible(tiny_encoder_dir, examples):
    cfg = tiny_config(tiny_encoder_dir, epochs=2)
    a = train_model(examples, examples, cfg, progress=False).predictor
    b = train_model(examples, examples, cfg, progress=False).predictor
    texts, targets = [e.text for e in examples], [list(e.targets) for e in examples]
    assert a.predict(texts, targets) == b.predict(texts, targets)


def test_thresholds_shrink_toward_half_when_dev_f1_is_flat(tiny_encoder_dir):
    from stanceframe.training.objective import tune_thresholds

    class Fixed:
        thresholds = {"attribution": 0.5, "accusation": 0.5, "humanitarian_appeal": 0.5}

        def __init__(self, probs):
            self.probs = probs

        def predict(self, texts, targets):
            return [{"frame_probs": p} for p in self.probs]

    dev = [
        Example(id=str(i), text="t", frames=f)
        for i, f in enumerate([["attribution"]] * 6 + [[]] * 4)
    ]
    # attribution: every threshold in [0.1, 0.9] separates perfectly -> flat F1 -> 0.5;
    # accusation never occurs -> left alone; humanitarian: only 0.9 is perfect.
    probs = [{"attribution": 0.95, "accusation": 0.2, "humanitarian_appeal": 0.5}] * 6 + [
        {"attribution": 0.05, "accusation": 0.2, "humanitarian_appeal": 0.5}
    ] * 4
    dev[0] = Example(id="0", text="t", frames=["attribution", "humanitarian_appeal"])
    probs[0] = {"attribution": 0.95, "accusation": 0.2, "humanitarian_appeal": 0.92}
    out = tune_thresholds(Fixed(probs), dev, LabelSchema(), tolerance=0.02)
    assert out["attribution"] == 0.5
    assert out["accusation"] == 0.5
    assert out["humanitarian_appeal"] == 0.55  # the nearest-to-0.5 perfect threshold
