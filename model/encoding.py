"""Turning (sentence, target) items into padded tensors, batched by length.

Batches sorted by length waste little compute on padding; that matters on a
2-core CPU, where padding tokens cost as much as real ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch

from stanceframe.model.mentions import find_mentions, token_in_spans


@dataclass
class Encoded:
    """Token ids of one item plus its per-token segment (0 sentence, 1 target, 2 mention)."""

    input_ids: list[int]
    segment: list[int]
    token_type_ids: list[int] | None


def encode_items(
    tokenizer, texts: Sequence[str], targets: Sequence[str | None], max_length: int
) -> list[Encoded]:
    """Tokenize ``(text, target)`` items; ``target=None`` encodes the text alone.

    Segments: 0 sentence, 1 target, 2 sentence tokens that mention the target
    (see ``mentions``), -1 padding. ``longest_first`` truncation trims the
    longer of the two token by token: in practice the sentence, so a (short)
    target name survives whole; an absurdly long target is trimmed instead of
    failing the whole batch.
    """
    out: list[Encoded | None] = [None] * len(texts)
    pair_idx = [i for i, t in enumerate(targets) if t is not None]
    single_idx = [i for i, t in enumerate(targets) if t is None]
    if pair_idx:
        fast = getattr(tokenizer, "is_fast", False)
        enc = tokenizer(
            [texts[i] for i in pair_idx],
            [targets[i] for i in pair_idx],
            truncation="longest_first",
            max_length=max_length,
            return_offsets_mapping=fast,
        )
        for row, i in enumerate(pair_idx):
            seq_ids = enc.sequence_ids(row)
            spans = find_mentions(texts[i], targets[i]) if fast else []
            offsets = enc["offset_mapping"][row] if fast else [(0, 0)] * len(seq_ids)
            segment = [
                1 if s == 1 else 2 if s == 0 and token_in_spans(off, spans) else 0
                for s, off in zip(seq_ids, offsets, strict=True)
            ]
            out[i] = Encoded(enc["input_ids"][row], segment, _types(enc, row))
    if single_idx:
        enc = tokenizer([texts[i] for i in single_idx], truncation=True, max_length=max_length)
        for row, i in enumerate(single_idx):
            ids = enc["input_ids"][row]
            out[i] = Encoded(ids, [0] * len(ids), _types(enc, row))
    return out  # type: ignore[return-value]


def _types(enc, row: int) -> list[int] | None:
    return enc["token_type_ids"][row] if "token_type_ids" in enc else None


def collate(items: Sequence[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad to the longest item of the batch (dynamic padding)."""
    width = max(len(it.input_ids) for it in items)
    n = len(items)
    input_ids = torch.full((n, width), pad_id, dtype=torch.long)
    attention = torch.zeros((n, width), dtype=torch.long)
    segment = torch.full((n, width), -1, dtype=torch.long)
    types = torch.zeros((n, width), dtype=torch.long)
    has_types = items[0].token_type_ids is not None
    for row, it in enumerate(items):
        k = len(it.input_ids)
        input_ids[row, :k] = torch.tensor(it.input_ids)
        attention[row, :k] = 1
        segment[row, :k] = torch.tensor(it.segment)
        if has_types:
            types[row, :k] = torch.tensor(it.token_type_ids)
    batch = {"input_ids": input_ids, "attention_mask": attention, "segment": segment}
    if has_types:
        batch["token_type_ids"] = types
    return batch


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices grouped into batches of similar length (longest first).

    Longest first means the peak memory shows up in the first batch, not
    after minutes of work.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]
