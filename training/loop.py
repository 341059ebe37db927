"""The training loop: plain PyTorch, nanoGPT-style, for the two-headed network.

``train_model`` reads top to bottom: build the network (``model.network``),
turn rows into items, set up the optimizer and schedule, then per epoch one
pass over length-bucketed batches and a dev evaluation, keeping the best
checkpoint in memory and stopping early when dev stops improving. At the
end temperatures and frame thresholds are fitted on dev
(``training/calibrate.py``) and the inference ``Predictor`` is built once.
Dev is always scored in fp32, whatever ``$STANCEFRAME_PRECISION`` says.
"""

from __future__ import annotations

import copy
import random
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model.encoding import encode_sentences, encode_targets, mention_mask
from stanceframe.model.network import build_network
from stanceframe.model.predictor import Predictor
from stanceframe.training.batches import Batcher, masked_loss
from stanceframe.training.calibrate import calibrate, dev_scores
from stanceframe.training.config import TrainConfig
from stanceframe.training.items import TrainItem, build_items, class_weights


@dataclass
class TrainResult:
    predictor: Predictor
    dev_metrics: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def configure_optimizer(net, config: TrainConfig, total_steps: int):
    """AdamW with decay on encoder matrices only, faster heads; warmup + linear decay."""
    from transformers import get_linear_schedule_with_warmup

    decay, no_decay, heads = [], [], []
    for name, param in net.named_parameters():
        if not param.requires_grad:
            continue
        if not name.startswith("encoder."):
            heads.append(param)
        elif param.ndim < 2:  # biases and LayerNorm weights are not decayed
            no_decay.append(param)
        else:
            decay.append(param)
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "lr": config.lr, "weight_decay": config.weight_decay},
            {"params": no_decay, "lr": config.lr, "weight_decay": 0.0},
            {"params": heads, "lr": config.head_lr, "weight_decay": config.weight_decay},
        ],
        fused=True,  # one kernel for all parameters: the optimizer step is ~1/4 of a CPU step
    )
    warmup = int(config.warmup_ratio * total_steps)
    return optimizer, get_linear_schedule_with_warmup(optimizer, warmup, total_steps)


def freeze_bottom(net, layers: int) -> None:
    """Freeze the embeddings and the lowest ``layers`` transformer blocks.

    Block parameters are named ``...layer.<i>...`` (BERT, RoBERTa, MiniLM) or
    ``...layers.<i>...``; frozen blocks need no backward pass at all.
    """
    if layers <= 0:
        return
    block = re.compile(r"\.layers?\.(\d+)\.")
    for name, param in net.encoder.named_parameters():
        found = block.search(name)
        if "embeddings" in name or (found and int(found.group(1)) < layers):
            param.requires_grad_(False)


def train_step(net, optimizer, batch, weights, config: TrainConfig) -> float:
    """One optimisation step (forward, masked loss, backward, clipping, update); the loss."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
        stance_logits, frame_logits = net(**batch["inputs"])
    loss = masked_loss(batch, stance_logits, frame_logits, *weights, config)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), config.grad_clip)
    optimizer.step()
    return loss.item()


def run_epoch(net, batcher: Batcher, optimizer, scheduler, weights, config, rng, bar) -> float:
    """One pass over the training items; the mean loss."""
    net.train()
    total, steps = 0.0, 0
    for batch in batcher.epoch(rng):
        total += train_step(net, optimizer, batch, weights, config)
        scheduler.step()
        steps += 1
        bar.update(1)
        bar.set_postfix(loss=f"{total / steps:.3f}", refresh=False)
    return total / max(1, steps)


def prepare_items(items: list[TrainItem], tokenizer, max_length: int):
    """Encode every item's sentence once, its pairs' mention masks and target names."""
    encoded = encode_sentences(tokenizer, [it.text for it in items], max_length)
    masks = [
        [mention_mask(it.text, enc, pair[0], pair[3]) for pair in it.pairs]
        for it, enc in zip(items, encoded, strict=True)
    ]
    names = encode_targets(tokenizer, [pair[0] for it in items for pair in it.pairs])
    return encoded, masks, names


def prepare_training(train, aux, schema, config: TrainConfig, tokenizer):
    """Items (with the auxiliary rows' pairs weighted), their batcher and the class weights."""
    items = build_items(train, schema, config.augment_rename, config.augment_absent, config.seed)
    if aux and config.aux_weight > 0:
        items += build_items(aux, schema, 0.0, 0.0, config.seed, weight=config.aux_weight)
    if not items:
        raise ValueError("no trainable rows: every row lacks both targets and frame labels")
    weights = class_weights(items, schema, config.stance_weight_power, config.class_weights)
    batcher = Batcher(items, *prepare_items(items, tokenizer, config.max_length), config, tokenizer)
    return batcher, weights


def fit(net, batcher, optimizer, scheduler, weights, config, scorer, dev, progress: bool):
    """Epochs with a dev evaluation after each; the best checkpoint is restored at the end.

    Returns the per-epoch history and the best epoch. Without dev rows the
    lowest training loss selects.
    """
    rng = random.Random(config.seed)
    best, best_state, best_epoch, stale = -float("inf"), None, 0, 0
    history: list[dict[str, Any]] = []
    total = batcher.steps_per_epoch * config.epochs
    bar = tqdm(total=total, disable=not progress, desc="train", unit="step", file=sys.stderr)
    for epoch in range(1, config.epochs + 1):
        loss = run_epoch(net, batcher, optimizer, scheduler, weights, config, rng, bar)
        net.eval()
        scores = dev_scores(scorer, dev) if dev else {"selection": -loss}
        scores.update(epoch=epoch, train_loss=round(loss, 4))
        history.append(scores)
        _say(bar, progress, _epoch_line(scores))
        if scores["selection"] > best:
            best, best_epoch, stale = scores["selection"], epoch, 0
            best_state = copy.deepcopy(net.state_dict())
        else:
            stale += 1
            if stale >= config.patience and epoch >= config.min_epochs:
                _say(bar, progress, f"early stop: no dev improvement for {stale} epochs")
                break
    bar.close()
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    return history, best_epoch


def train_model(
    train: list[Example],
    dev: list[Example],
    config: TrainConfig,
    schema: LabelSchema | None = None,
    progress: bool = True,
    info: dict[str, Any] | None = None,
    aux: list[Example] | None = None,
) -> TrainResult:
    """Fine-tune an encoder with both heads; the inference ``Predictor`` of the best
    checkpoint on dev, with temperatures and thresholds fitted on dev."""
    from stanceframe.model.defaults import default_base_model

    if config.threads:
        torch.set_num_threads(config.threads)
    schema = schema or LabelSchema.from_examples(train + dev)
    seed_everything(config.seed)
    base = config.base_model or default_base_model()
    net, tokenizer = build_network(base, schema, config.dropout, config.seed)
    freeze_bottom(net, config.freeze_layers)
    batcher, weights = prepare_training(train, aux, schema, config, tokenizer)
    total = batcher.steps_per_epoch * config.epochs
    optimizer, scheduler = configure_optimizer(net, config, total)
    # Dev is scored through the inference path, in fp32 whatever $STANCEFRAME_PRECISION says.
    scorer = Predictor(net, tokenizer, schema, max_length=config.max_length, precision="fp32")
    history, best_epoch = fit(
        net, batcher, optimizer, scheduler, weights, config, scorer, dev, progress
    )
    final = calibrate(scorer, dev, config.calibrate) if dev else {}
    final.update(best_epoch=best_epoch, epochs_run=len(history))
    predictor = Predictor(
        net,
        tokenizer,
        schema,
        scorer.thresholds,
        config.max_length,
        info={"name": "model", "base_model": str(base), **(info or {})},
        temperature=scorer.temperature,
    )
    return TrainResult(predictor, final, history)


def _epoch_line(scores: dict[str, Any]) -> str:
    dev = "".join(f"  {k} {v:.3f}" for k, v in scores.items() if k.startswith("dev_"))
    return f"epoch {scores['epoch']}: loss {scores['train_loss']:.3f}{dev}"


def _say(bar, progress: bool, message: str) -> None:
    """Epoch summaries go under the progress bar, or as plain lines on stderr without it
    (CI logs show how training went without a bar redrawn in them)."""
    if progress:
        bar.write(message, file=sys.stderr)
    else:
        print(message, file=sys.stderr, flush=True)
