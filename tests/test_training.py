"""Training on the tiny random encoder: overfitting, masking, config strictness, save/load."""

from __future__ import annotations

import json

import pytest

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model import Predictor, load_model, save_model
from stanceframe.model.errors import ModelError
from stanceframe.training.batches import Batcher, masked_loss
from stanceframe.training.config import ConfigError, TrainConfig, config_from_dict, load_config
from stanceframe.training.items import build_items
from stanceframe.training.loop import prepare_items, train_model


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


def _head_grads(encoder_dir, rows):
    schema = LabelSchema()
    p = Predictor.untrained(encoder_dir, schema, max_length=32)
    items = build_items(rows, schema)
    config = TrainConfig(batch_size=len(items))
    batcher = Batcher(items, *prepare_items(items, p.tokenizer, 32), config, p.tokenizer)
    batch = batcher.batch(list(range(len(items))))
    stance_logits, frame_logits = p.network.train()(**batch["inputs"])
    masked_loss(batch, stance_logits, frame_logits, None, None, config).backward()

    def grad(module):
        return sum(
            0.0 if w.grad is None else w.grad.abs().sum().item() for w in module.parameters()
        )

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
    p.temperature["stance"] = 1.7
    save_model(p, tmp_path / "m", train_config={"epochs": 1}, metrics={"dev_frames_macro_f1": 0.5})
    q = load_model(tmp_path / "m")
    texts, targets = [e.text for e in examples], [list(e.targets) for e in examples]
    assert p.predict(texts, targets) == q.predict(texts, targets)
    assert q.thresholds["accusation"] == 0.35 and q.temperature["stance"] == 1.7
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


def test_thresholds_shrink_toward_half_when_dev_f1_is_flat():
    import numpy as np

    from stanceframe.training.calibrate import tune_thresholds

    labels = ("attribution", "accusation", "humanitarian_appeal")
    gold = np.array([[1, 0, 0]] * 6 + [[0, 0, 0]] * 4)
    gold[0, 2] = 1
    probs = np.array([[0.95, 0.2, 0.5]] * 6 + [[0.05, 0.2, 0.5]] * 4)
    probs[0, 2] = 0.92
    out = tune_thresholds(probs, gold, labels, dict.fromkeys(labels, 0.5), tolerance=0.02)
    # attribution: every threshold in [0.1, 0.9] separates perfectly -> flat F1 -> 0.5;
    # accusation never occurs -> left alone; humanitarian: only > 0.5 is perfect.
    assert out == {"attribution": 0.5, "accusation": 0.5, "humanitarian_appeal": 0.55}


def test_temperature_is_fitted_where_the_likelihood_is_best():
    import torch

    from stanceframe.training.calibrate import fit_temperature

    torch.manual_seed(0)
    logits = torch.randn(2000, 3) * 4
    labels = torch.distributions.Categorical(logits=logits / 2.0).sample()  # true T = 2
    t = fit_temperature(lambda t: torch.nn.functional.cross_entropy(logits / t, labels).item())
    assert 1.7 < t < 2.3


def test_every_shipped_config_loads_and_the_default_lists_every_key():
    import dataclasses
    import tomllib

    from stanceframe.training.config import DEFAULT_CONFIG_PATH

    shipped = sorted(DEFAULT_CONFIG_PATH.parent.glob("*.toml"))
    assert shipped
    for path in shipped:
        load_config(path)  # strict: an unknown key or a wrong type raises
    keys = set(tomllib.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")))
    assert keys == {f.name for f in dataclasses.fields(TrainConfig)}


def test_model_card_dev_figures_equal_evaluate_on_dev(tiny_encoder_dir, examples, tmp_path):
    """One metric path: training's dev scores are what `stanceframe evaluate --split dev` says."""
    import stanceframe as sf
    from stanceframe.data.io import write_examples
    from stanceframe.data.schema import Example

    split = {"d1": "train", "d2": "dev", "d3": "train"}
    rows = [Example(**{**ex.__dict__, "split": split[ex.doc_id]}) for ex in examples]
    write_examples(tmp_path / "data.jsonl", rows)
    result = sf.train(
        tmp_path / "m",
        data=tmp_path / "data.jsonl",
        progress=False,
        **{k: v for k, v in tiny_config(tiny_encoder_dir, epochs=3).to_dict().items()},
    )
    metrics = sf.evaluate(
        tmp_path / "m", data=tmp_path / "data.jsonl", split="dev", bootstrap=0, baselines=False
    )
    card = json.loads((tmp_path / "m" / "metrics.json").read_text())
    assert card["dev_stance_macro_f1"] == metrics["model"]["stance"]["macro_f1"]
    assert card["dev_frames_macro_f1"] == metrics["model"]["frames"]["macro_f1"]
    assert result.dev_metrics["dev_stance_macro_f1"] == card["dev_stance_macro_f1"]
    assert "dev_stance_macro_f1" in (tmp_path / "m" / "README.md").read_text()
