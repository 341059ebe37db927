"""Inference: a loaded network + tokenizer + label schema + frame thresholds.

``Predictor.predict`` is the one path every consumer uses (``predict``,
``evaluate``, ``score``), so their numbers always agree. For speed it encodes
all (sentence, target) items once, runs them in length-sorted batches under
``torch.inference_mode()``, and restores input order at the end.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import Any

import torch
from tqdm.auto import tqdm

from stanceframe.data.schema import LabelSchema
from stanceframe.model.encoding import collate, encode_items, length_sorted_batches
from stanceframe.model.network import StanceFrameNet

PROB_DECIMALS = 6
PRECISIONS = ("fp32", "bf16", "mixed")
# Wider than any bf16-vs-fp32 probability difference measured (about 0.002).
MIXED_MARGIN = 0.02


def cpu_has_fast_bf16() -> bool:
    """True where the CPU computes bf16 natively (AVX512-BF16 or AMX); elsewhere
    bf16 autocast is emulated and slower than fp32."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            flags = fh.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def check_precision(value: str) -> str:
    if value not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {value!r}")
    return value


def default_precision() -> str:
    """``$STANCEFRAME_PRECISION``, else "mixed" on CPUs with native bf16, else "fp32"."""
    env = os.environ.get("STANCEFRAME_PRECISION")
    if env:
        if env not in PRECISIONS:
            from stanceframe.model.errors import ModelError

            raise ModelError(f"STANCEFRAME_PRECISION={env!r}: expected one of {PRECISIONS}")
        return env
    return "mixed" if cpu_has_fast_bf16() else "fp32"


class Predictor:
    def __init__(
        self,
        network: StanceFrameNet,
        tokenizer,
        schema: LabelSchema,
        thresholds: dict[str, float] | None = None,
        max_length: int = 128,
        info: dict[str, Any] | None = None,
        precision: str | None = None,
    ):
        self.network = network.eval()
        self.tokenizer = tokenizer
        self.schema = schema
        self.thresholds = {f: 0.5 for f in schema.frame_labels}
        self.thresholds.update(thresholds or {})
        self.max_length = max_length
        self.info = dict(info or {})
        # "fp32", "bf16" or "mixed" (bf16, then fp32 for items near a decision);
        # see eval/speed.py for the measurements behind the default.
        self.precision = check_precision(precision or default_precision())

    @classmethod
    def untrained(
        cls,
        encoder_dir: str,
        schema: LabelSchema | None = None,
        max_length: int = 128,
        seed: int = 0,
        dropout: float = 0.1,
        precision: str | None = None,
    ) -> Predictor:
        """Random heads on a base encoder: the starting point of training, and tests."""
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        from stanceframe.model.errors import ModelError

        hf_logging.disable_progress_bar()  # keep stderr for our own progress

        schema = schema or LabelSchema()
        torch.manual_seed(seed)
        try:
            tokenizer = AutoTokenizer.from_pretrained(encoder_dir)
            encoder = AutoModel.from_pretrained(encoder_dir)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{encoder_dir}: cannot load a base encoder (a local model directory or an "
                f"installed model name is needed; nothing is downloaded): "
                f"{str(exc).splitlines()[0]}"
            ) from None
        network = StanceFrameNet(
            encoder, len(schema.stance_labels), len(schema.frame_labels), dropout
        )
        info = {"name": "untrained", "base_model": str(encoder_dir)}
        return cls(
            network, tokenizer, schema, max_length=max_length, info=info, precision=precision
        )

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens each text needs on its own, special tokens included, untruncated."""
        enc = self.tokenizer(list(texts), truncation=False, add_special_tokens=True, verbose=False)
        return [len(ids) for ids in enc["input_ids"]]

    def raw_probs(
        self,
        texts: Sequence[str],
        targets: Sequence[str | None],
        batch_size: int = 32,
        progress: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Stance and frame probabilities per item, in input order."""
        items = encode_items(self.tokenizer, texts, targets, self.max_length)
        if self.precision == "mixed":
            return self._mixed(items, targets, batch_size, progress)
        return self._forward(items, batch_size, progress, bf16=self.precision == "bf16")

    def _forward(self, items, batch_size: int, progress: bool, bf16: bool):
        n = len(items)
        stance = torch.zeros((n, len(self.schema.stance_labels)))
        frames = torch.zeros((n, len(self.schema.frame_labels)))
        pad_id = self.tokenizer.pad_token_id or 0
        lengths = [len(it.input_ids) for it in items]
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        bar = tqdm(total=n, disable=not progress, desc="predict", unit="item", leave=False)
        with torch.inference_mode(), autocast:
            for idx in length_sorted_batches(lengths, batch_size):
                batch = collate([items[i] for i in idx], pad_id)
                stance_logits, frame_logits = self.network(**batch)
                if stance_logits is not None:
                    stance[idx] = torch.softmax(stance_logits.float(), dim=-1)
                if frame_logits is not None:
                    frames[idx] = torch.sigmoid(frame_logits.float())
                bar.update(len(idx))
        bar.close()
        return stance, frames

    def _mixed(self, items, targets, batch_size: int, progress: bool):
        """bf16 for everything, then fp32 again for items close to a decision.

        bf16 moves probabilities by ~1e-3 here (eval/speed.py measures it);
        anything within ``MIXED_MARGIN`` of a threshold or of the runner-up
        stance label is recomputed in fp32, so labels match fp32 while most of
        the bf16 speed-up is kept.
        """
        stance, frames = self._forward(items, batch_size, progress, bf16=True)
        unsure = torch.zeros(len(items), dtype=torch.bool)
        if stance.shape[1] >= 2:
            top2 = stance.topk(2, dim=-1).values
            has_target = torch.tensor([t is not None for t in targets])
            unsure |= has_target & (top2[:, 0] - top2[:, 1] < MIXED_MARGIN)
        if frames.shape[1]:
            thr = torch.tensor([self.thresholds[f] for f in self.schema.frame_labels])
            unsure |= ((frames - thr).abs() < MIXED_MARGIN).any(dim=-1)
        idx = unsure.nonzero().flatten().tolist()
        if idx:
            s32, f32 = self._forward([items[i] for i in idx], batch_size, False, bf16=False)
            stance[idx], frames[idx] = s32, f32
        return stance, frames

    def predict(
        self,
        texts: Sequence[str],
        targets: Sequence[Sequence[str]] | None = None,
        batch_size: int = 32,
        progress: bool = False,
    ) -> list[dict[str, Any]]:
        """One prediction dict per text (see the README's ``predict`` contract).

        One forward pass per (text, target) pair; a text without targets is
        encoded alone. Frame probabilities of a text are the mean over its
        passes, so asking for more targets never changes the frame labels much.
        """
        if targets is None:
            targets = [[] for _ in texts]
        if len(targets) != len(texts):
            raise ValueError("texts and targets differ in length")
        owners: list[int] = []
        item_texts: list[str] = []
        item_targets: list[str | None] = []
        for i, (text, names) in enumerate(zip(texts, targets, strict=False)):
            unique = list(dict.fromkeys(names))
            for name in unique or [None]:
                owners.append(i)
                item_texts.append(text)
                item_targets.append(name)
        stance, frames = self.raw_probs(item_texts, item_targets, batch_size, progress)
        return self._assemble(len(texts), owners, item_targets, stance, frames)

    def _assemble(self, n, owners, item_targets, stance, frames) -> list[dict[str, Any]]:
        stance_labels = self.schema.stance_labels
        frame_labels = self.schema.frame_labels
        frame_sum = torch.zeros((n, len(frame_labels)))
        counts = torch.zeros(n)
        out: list[dict[str, Any]] = [
            {"frames": [], "frame_probs": {}, "stance": {}, "stance_probs": {}} for _ in range(n)
        ]
        for row, (owner, target) in enumerate(zip(owners, item_targets, strict=False)):
            frame_sum[owner] += frames[row]
            counts[owner] += 1
            if target is not None and stance_labels:
                probs = stance[row].tolist()
                out[owner]["stance_probs"][target] = {
                    label: round(p, PROB_DECIMALS)
                    for label, p in zip(stance_labels, probs, strict=False)
                }
                out[owner]["stance"][target] = stance_labels[int(stance[row].argmax())]
        mean = frame_sum / counts.clamp(min=1).unsqueeze(-1)
        for i in range(n):
            probs = {
                label: round(p, PROB_DECIMALS)
                for label, p in zip(frame_labels, mean[i].tolist(), strict=False)
            }
            out[i]["frame_probs"] = probs
            out[i]["frames"] = [f for f in frame_labels if probs[f] >= self.thresholds[f]]
        return out
