"""Training speed: fp32 vs bf16 throughput, model load time, end-to-end build time.

A script-like module behind ``stanceframe speed train``: it prints figures and
ratios measured in one run; nothing here asserts a time. Throughput is timed
on the same length-bucketed batches of the bundled corpus for both
precisions, interleaved, after a warm-up. ``--full`` also trains the default
model twice (fp32, then bf16 autocast) and reports wall time and how often
the two models' test-split labels agree: bf16 training is only worth
switching on if they agree and it is faster.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from stanceframe.data.corpus import load_corpus
from stanceframe.data.schema import LabelSchema
from stanceframe.data.split import by_split
from stanceframe.model.defaults import default_base_model
from stanceframe.model.network import build_network
from stanceframe.model.predictor import Predictor
from stanceframe.model.store import load_model, save_model
from stanceframe.training.batches import Batcher
from stanceframe.training.config import TrainConfig, load_config
from stanceframe.training.items import build_items, class_weights
from stanceframe.training.loop import (
    configure_optimizer,
    freeze_bottom,
    prepare_items,
    train_model,
    train_step,
)


def throughput(config: TrainConfig, steps: int = 40, seed: int = 0) -> dict[str, Any]:
    """Training sentences per second, fp32 vs bf16 autocast, same batches, same run."""
    schema = LabelSchema()
    train = by_split(load_corpus(), "train")
    base = config.base_model or default_base_model()
    items = build_items(train, schema, config.augment_rename, config.augment_absent, seed)
    weights = class_weights(items, schema, config.stance_weight_power, config.class_weights)
    models, batcher = {}, None
    for name in ("fp32", "bf16"):
        net, tokenizer = build_network(base, schema, config.dropout, seed)
        freeze_bottom(net, config.freeze_layers)
        if batcher is None:
            batcher = Batcher(
                items, *prepare_items(items, tokenizer, config.max_length), config, tokenizer
            )
        optimizer, _ = configure_optimizer(net, config, max(1, steps))
        models[name] = (net.train(), optimizer, config.replace(bf16=name == "bf16"))
    batches = batcher.order(random.Random(seed))[:steps]
    seconds = {"fp32": 0.0, "bf16": 0.0}
    n_items = 0
    for k, idx in enumerate(batches):
        batch = batcher.batch(idx)
        for name in ("fp32", "bf16") if k % 2 else ("bf16", "fp32"):
            net, optimizer, cfg = models[name]
            start = time.perf_counter()
            train_step(net, optimizer, batch, weights, cfg)
            if k >= 3:  # the first batches pay for lazy initialisation
                seconds[name] += time.perf_counter() - start
        n_items += len(idx) if k >= 3 else 0
    rate = {name: round(n_items / max(s, 1e-9), 1) for name, s in seconds.items()}
    return {
        "steps_timed": max(0, len(batches) - 3),
        "items_timed": n_items,
        "items_per_s": rate,
        "bf16_speedup": round(rate["bf16"] / max(rate["fp32"], 1e-9), 2),
        "threads": torch.get_num_threads(),
    }


def load_time(repeats: int = 3) -> dict[str, Any]:
    """Seconds to load a saved model directory (untrained heads; same size as any)."""
    with tempfile.TemporaryDirectory() as tmp:
        save_model(Predictor.untrained(default_base_model()), Path(tmp) / "m")
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            load_model(Path(tmp) / "m")
            times.append(time.perf_counter() - start)
    return {"load_seconds_min": round(min(times), 2), "load_seconds_max": round(max(times), 2)}


def full_runs(config: TrainConfig) -> dict[str, Any]:
    """Train the default model in fp32 and in bf16; wall time and test label agreement."""
    from stanceframe.training.run import train_dev

    corpus = load_corpus()
    train, dev = train_dev(corpus, config)
    test = by_split(corpus, "test")
    out: dict[str, Any] = {}
    preds = {}
    for name in ("fp32", "bf16"):
        start = time.perf_counter()
        result = train_model(train, dev, config.replace(bf16=name == "bf16"), progress=False)
        out[f"{name}_train_seconds"] = round(time.perf_counter() - start, 1)
        result.predictor.precision = "fp32"  # compare what training learnt, not inference
        preds[name] = result.predictor.predict(
            [e.text for e in test], [list(e.targets) for e in test]
        )
    same_stance = [
        preds["fp32"][i]["stance"][t] == preds["bf16"][i]["stance"][t]
        for i, ex in enumerate(test)
        for t in ex.targets
    ]
    same_frames = [
        a["frames"] == b["frames"] for a, b in zip(preds["fp32"], preds["bf16"], strict=True)
    ]
    out["stance_label_agreement"] = round(sum(same_stance) / max(1, len(same_stance)), 4)
    out["frame_set_agreement"] = round(sum(same_frames) / max(1, len(same_frames)), 4)
    return out


def run(steps: int = 40, full: bool = False, config_path: str | None = None) -> dict[str, Any]:
    config = load_config(config_path)
    result = {"throughput": throughput(config, steps), **load_time()}
    if full:
        result["full"] = full_runs(config)
    return result


def format_report(result: dict[str, Any]) -> str:
    t = result["throughput"]
    lines = [
        f"training throughput ({t['steps_timed']} steps, {t['items_timed']} sentences, "
        f"{t['threads']} threads): fp32 {t['items_per_s']['fp32']} sentences/s, "
        f"bf16 autocast {t['items_per_s']['bf16']} sentences/s ({t['bf16_speedup']:.2f}x)",
        f"model load: {result['load_seconds_min']}-{result['load_seconds_max']} s",
    ]
    full = result.get("full")
    if full:
        lines.append(
            f"default model end to end: fp32 {full['fp32_train_seconds']} s, bf16 "
            f"{full['bf16_train_seconds']} s; test labels agree: stance "
            f"{full['stance_label_agreement']:.1%}, frame sets {full['frame_set_agreement']:.1%}"
        )
    return "\n".join(lines)
