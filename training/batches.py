"""Training batches and the masked loss.

``Batcher.epoch`` shuffles the items, sorts them by length inside windows of
50 batches (similar lengths share a batch, so little padding) and shuffles
the batches, so the order still varies from epoch to epoch. Each batch holds
the network's inputs (``model.encoding.make_batch``) plus the labels: a
multi-hot frame row per sentence (masked where a row has no frame labels)
and a stance label and weight per pair.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import torch

from stanceframe.model.encoding import EncodedSentence, Pair, make_batch
from stanceframe.training.config import TrainConfig
from stanceframe.training.items import TrainItem

WINDOW_BATCHES = 50


class Batcher:
    def __init__(
        self,
        items: list[TrainItem],
        encoded: list[EncodedSentence],
        masks: list[list[list[bool]]],
        target_ids: dict[str, list[int]],
        config: TrainConfig,
        tokenizer,
    ):
        self.items, self.encoded, self.masks, self.target_ids = items, encoded, masks, target_ids
        self.batch_size = config.batch_size
        self.pad = tokenizer.pad_token_id or 0
        self.n_frames = next((len(it.frames) for it in items if it.frames is not None), 0)

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.items) // self.batch_size)

    def order(self, rng: random.Random) -> list[list[int]]:
        idx = list(range(len(self.items)))
        rng.shuffle(idx)
        window = self.batch_size * WINDOW_BATCHES
        batches = []
        for start in range(0, len(idx), window):
            chunk = sorted(
                idx[start : start + window], key=lambda i: len(self.encoded[i].input_ids)
            )
            batches += [
                chunk[i : i + self.batch_size] for i in range(0, len(chunk), self.batch_size)
            ]
        rng.shuffle(batches)
        return batches

    def batch(self, idx: list[int]) -> dict:
        pairs, labels, weights = [], [], []
        for row, i in enumerate(idx):
            for (target, label, weight, _), mask in zip(
                self.items[i].pairs, self.masks[i], strict=True
            ):
                pairs.append(Pair(row, target, mask))
                labels.append(label)
                weights.append(weight)
        frames = [self.items[i].frames for i in idx]
        return {
            "inputs": make_batch([self.encoded[i] for i in idx], pairs, self.target_ids, self.pad),
            "stance": torch.tensor(labels, dtype=torch.long),
            "pair_weight": torch.tensor(weights, dtype=torch.float),
            "frames": torch.tensor([f or [0.0] * self.n_frames for f in frames]),
            "frame_mask": torch.tensor([f is not None for f in frames]),
        }

    def epoch(self, rng: random.Random) -> Iterator[dict]:
        for idx in self.order(rng):
            yield self.batch(idx)


def masked_loss(
    batch: dict, stance_logits, frame_logits, stance_w, frame_pos_w, config: TrainConfig
) -> torch.Tensor:
    """Weighted stance cross-entropy over the pairs plus frame BCE over the framed rows."""
    loss = torch.zeros(())
    labels = batch["stance"]
    if stance_logits is not None and labels.numel():
        ce = torch.nn.functional.cross_entropy(
            stance_logits.float(), labels, weight=stance_w, reduction="none"
        )
        w = batch["pair_weight"] * (stance_w[labels] if stance_w is not None else 1.0)
        loss = loss + config.stance_loss_weight * (ce * batch["pair_weight"]).sum() / w.sum()
    mask = batch["frame_mask"]
    if frame_logits is not None and mask.any():
        bce = torch.nn.functional.binary_cross_entropy_with_logits(
            frame_logits.float()[mask], batch["frames"][mask], pos_weight=frame_pos_w
        )
        loss = loss + config.frame_loss_weight * bce
    return loss
