"""Inference: a loaded network + tokenizer + label schema + thresholds + temperatures.

``Predictor.predict`` is the one path every consumer uses (``predict``,
``evaluate``, ``score``, training's dev scores), so their numbers always
agree. Each sentence is tokenised once and encoded once with all the targets
asked about it; sentences run in length-sorted batches under
``torch.inference_mode()`` and input order is restored at the end.

Probabilities are temperature-scaled per head (fitted on dev after training,
see ``training/calibrate.py``), so a summary that averages them means what it
says. Precision modes (``model/precision.py``) trade speed for nothing: the
approximate passes re-run every sentence near a decision in fp32.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from tqdm.auto import tqdm

from stanceframe.data.schema import LabelSchema
from stanceframe.model.encoding import (
    EncodedSentence,
    Pair,
    encode_sentences,
    encode_targets,
    length_sorted_batches,
    make_batch,
    mention_mask,
)
from stanceframe.model.network import StanceFrameNet
from stanceframe.model.precision import (
    check_precision,
    default_precision,
    merge_rerun,
    near_decision,
    split_mode,
)

PROB_DECIMALS = 6


@dataclass
class Logits:
    """Raw head outputs in input order: one stance row per (sentence, target) pair
    (``pair_row`` says whose), one frame row per sentence."""

    stance: torch.Tensor
    frames: torch.Tensor
    pair_row: list[int]
    pair_target: list[str]
    truncated: list[bool]


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
        temperature: dict[str, float] | None = None,
    ):
        self.network = network.eval()
        self.tokenizer = tokenizer
        self.schema = schema
        self.thresholds = {f: 0.5 for f in schema.frame_labels}
        self.thresholds.update(thresholds or {})
        self.temperature = {"stance": 1.0, "frames": 1.0, **(temperature or {})}
        self.max_length = max_length
        self.info = dict(info or {})
        self.precision = check_precision(precision or default_precision())
        self._fast: dict[str, torch.nn.Module] = {}  # quantised copies, built on first use
        # Sentences in the last ``logits`` call and how many a mixed mode re-ran in fp32.
        self.last_run = {"sentences": 0, "rerun": 0}

    @classmethod
    def untrained(
        cls,
        base: str,
        schema: LabelSchema | None = None,
        max_length: int = 128,
        seed: int = 0,
        dropout: float = 0.1,
        precision: str | None = None,
    ) -> Predictor:
        """Fresh heads on a base encoder: the starting point of training, and tests."""
        from stanceframe.model.network import build_network

        schema = schema or LabelSchema()
        net, tokenizer = build_network(base, schema, dropout, seed)
        info = {"name": "untrained", "base_model": str(base)}
        return cls(net, tokenizer, schema, max_length=max_length, info=info, precision=precision)

    # ------------------------------------------------------------------ passes
    def _questions(self, texts, targets) -> tuple[list[EncodedSentence], list[list[Pair]]]:
        """Encoded sentences and, per sentence, its distinct non-empty targets as pairs."""
        encoded = encode_sentences(self.tokenizer, texts, self.max_length)
        asked = []
        for i, names in enumerate(targets):
            unique = [n for n in dict.fromkeys(names) if n.strip()]
            asked.append([Pair(i, n, mention_mask(texts[i], encoded[i], n)) for n in unique])
        return encoded, asked

    def _network(self, mode: str) -> torch.nn.Module:
        if mode in ("fp32", "bf16"):
            return self.network
        if mode not in self._fast:
            from stanceframe.model.precision import quantized_copy

            self._fast[mode] = quantized_copy(self.network)
        return self._fast[mode]

    def _run(self, encoded, asked, rows, batch_size, mode, bar=None, naive=False):
        """Logits of the sentences ``rows`` (and their pairs) in one precision mode.

        ``naive`` is the loop one writes first, kept as the speed benchmark's
        reference: batches in input order, autograd on.
        """
        net = self._network(mode)
        pad = self.tokenizer.pad_token_id or 0
        n_pairs = sum(len(asked[r]) for r in rows)
        stance = torch.zeros((n_pairs, len(self.schema.stance_labels)))
        frames = torch.zeros((len(rows), len(self.schema.frame_labels)))
        # Pair slots in the order of ``rows``, so results land where the caller expects.
        start, slot = 0, {}
        for r in rows:
            slot[r] = start
            start += len(asked[r])
        where = {r: k for k, r in enumerate(rows)}
        lengths = [len(encoded[r].input_ids) for r in rows]
        bf16 = mode == "bf16"
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        batches = (
            [
                list(range(i, min(i + batch_size, len(rows))))
                for i in range(0, len(rows), batch_size)
            ]
            if naive
            else length_sorted_batches(lengths, batch_size)
        )
        grad = contextlib.nullcontext() if naive else torch.inference_mode()
        with grad, autocast:
            for idx in batches:
                batch_rows = [rows[k] for k in idx]
                pairs, out_slots = [], []
                for b, r in enumerate(batch_rows):
                    for j, p in enumerate(asked[r]):
                        pairs.append(Pair(b, p.target, p.mention))
                        out_slots.append(slot[r] + j)
                names = encode_targets(self.tokenizer, [p.target for p in pairs])
                batch = make_batch([encoded[r] for r in batch_rows], pairs, names, pad)
                s_logits, f_logits = net(**batch)
                if f_logits is not None:
                    frames[[where[r] for r in batch_rows]] = f_logits.detach().float()
                if s_logits is not None and out_slots:
                    stance[out_slots] = s_logits.detach().float()
                if bar is not None:
                    bar.update(len(batch_rows))
        return stance, frames

    def logits(
        self,
        texts: Sequence[str],
        targets: Sequence[Sequence[str]],
        batch_size: int = 32,
        progress: bool = False,
        naive: bool = False,
    ) -> Logits:
        """Head logits for every sentence and every (sentence, target) pair."""
        encoded, asked = self._questions(texts, targets)
        rows = list(range(len(texts)))
        bar = tqdm(total=len(rows), disable=not progress, desc="predict", unit="sent", leave=False)
        mode, recheck = split_mode(self.precision)
        stance, frames = self._run(encoded, asked, rows, batch_size, mode, bar, naive)
        bar.close()
        unsure = []
        if recheck and mode != "fp32":
            s_probs, f_probs = self.probabilities(stance, frames)
            thresholds = [self.thresholds[f] for f in self.schema.frame_labels]
            unsure = near_decision(s_probs, f_probs, thresholds, [p.row for q in asked for p in q])
        if unsure:
            s32, f32 = self._run(encoded, asked, unsure, batch_size, "fp32")
            merge_rerun(stance, frames, s32, f32, [len(q) for q in asked], unsure)
        self.last_run = {"sentences": len(rows), "rerun": len(unsure)}
        pair_row = [p.row for pairs in asked for p in pairs]
        pair_target = [p.target for pairs in asked for p in pairs]
        return Logits(stance, frames, pair_row, pair_target, [e.truncated for e in encoded])

    def probabilities(self, stance: torch.Tensor, frames: torch.Tensor):
        """Temperature-scaled stance softmax and frame sigmoid."""
        s = torch.softmax(stance / self.temperature["stance"], dim=-1)
        f = torch.sigmoid(frames / self.temperature["frames"])
        return s, f

    # ------------------------------------------------------------------ public
    def predict_detailed(
        self,
        texts: Sequence[str],
        targets: Sequence[Sequence[str]] | None = None,
        batch_size: int = 32,
        progress: bool = False,
        naive: bool = False,
    ) -> tuple[list[dict[str, Any]], list[bool]]:
        """``predict``'s rows, and whether each sentence was cut to ``max_length``."""
        if targets is None:
            targets = [[] for _ in texts]
        if len(targets) != len(texts):
            raise ValueError("texts and targets differ in length")
        out = self.logits(texts, targets, batch_size, progress, naive)
        s_probs, f_probs = self.probabilities(out.stance, out.frames)
        return self._assemble(len(texts), out, s_probs, f_probs), out.truncated

    def predict(
        self,
        texts: Sequence[str],
        targets: Sequence[Sequence[str]] | None = None,
        batch_size: int = 32,
        progress: bool = False,
    ) -> list[dict[str, Any]]:
        """One prediction dict per text (see the README's ``predict`` contract)."""
        return self.predict_detailed(texts, targets, batch_size, progress)[0]

    def score(self, inputs, targets: Sequence[str] = (), on_error="raise", **kwargs):
        """Score articles: texts, ``Article``s or paths; see ``article_scoring.score_inputs``.

        Yields one article dict per article (sentences with offsets, frames,
        stance per target, a summary) and, with ``on_error="yield"``, an
        ``InputFailure`` for each input that could not be read.
        """
        from stanceframe.model.article_scoring import score_inputs

        return score_inputs(self, inputs, targets, on_error=on_error, **kwargs)

    def meta(self) -> dict[str, Any]:
        """The ``model`` object of the JSON output: info, labels, thresholds, limits."""
        return {
            **self.info,
            "labels": self.schema.to_dict(),
            "thresholds": dict(self.thresholds),
            "temperature": dict(self.temperature),
            "max_length": self.max_length,
        }

    def _assemble(self, n, out: Logits, s_probs, f_probs) -> list[dict[str, Any]]:
        stance_labels, frame_labels = self.schema.stance_labels, self.schema.frame_labels
        rows: list[dict[str, Any]] = []
        for i in range(n):
            probs = {
                lab: round(p, PROB_DECIMALS)
                for lab, p in zip(frame_labels, f_probs[i].tolist(), strict=True)
            }
            frames = [f for f in frame_labels if probs[f] >= self.thresholds[f]]
            rows.append({"frames": frames, "frame_probs": probs, "stance": {}, "stance_probs": {}})
        if stance_labels:
            for k, (i, target) in enumerate(zip(out.pair_row, out.pair_target, strict=True)):
                dist = s_probs[k].tolist()
                rows[i]["stance_probs"][target] = {
                    lab: round(p, PROB_DECIMALS) for lab, p in zip(stance_labels, dist, strict=True)
                }
                rows[i]["stance"][target] = stance_labels[int(s_probs[k].argmax())]
        return rows
