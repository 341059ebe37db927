"""Turning sentences and targets into padded tensors, batched by length.

Each sentence is tokenised **once**, whatever the number of targets asked
about it: the frame head reads the sentence's tokens, and the stance head
reads, for every (sentence, target) pair, the same tokens pooled over the
target's mentions plus the target name encoded on its own (a few tokens).
Asking about three targets therefore costs one sentence pass, not three.

The tokenizer reports truncation itself: a sentence is tokenised without a
limit, cut to ``max_length`` here and flagged, so nothing is tokenised twice
just to find out whether it was cut. Batches sorted by length waste little
compute on padding; on a 2-core CPU padding tokens cost as much as real ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch

from stanceframe.model.mentions import find_mentions, token_in_spans

# Characters kept per token of budget before tokenising: a sentence longer than
# ``max_length * CHARS_PER_TOKEN`` characters cannot fit anyway, and cutting it
# first keeps a pathological megabyte-long "sentence" from being tokenised whole.
CHARS_PER_TOKEN = 64
MAX_TARGET_TOKENS = 16


@dataclass(frozen=True)
class EncodedSentence:
    """Token ids of one sentence (special tokens included), their character offsets
    into the sentence, and whether the sentence was cut to fit ``max_length``."""

    input_ids: list[int]
    offsets: list[tuple[int, int]]
    truncated: bool


def encode_sentences(tokenizer, texts: Sequence[str], max_length: int) -> list[EncodedSentence]:
    """Tokenise every text once; cut to ``max_length`` tokens, keeping the closing token."""
    limit = max_length * CHARS_PER_TOKEN
    clipped = [t[:limit] for t in texts]
    enc = tokenizer(
        list(clipped),
        add_special_tokens=True,
        truncation=False,
        return_offsets_mapping=True,
        verbose=False,
    )
    out = []
    for row, text in enumerate(texts):
        ids, offsets = enc["input_ids"][row], [tuple(o) for o in enc["offset_mapping"][row]]
        cut = len(text) > limit or len(ids) > max_length
        if len(ids) > max_length:
            # Keep [CLS] ... and the closing special token ([SEP] or </s>).
            ids = ids[: max_length - 1] + ids[-1:]
            offsets = offsets[: max_length - 1] + offsets[-1:]
        out.append(EncodedSentence(ids, offsets, cut))
    return out


def encode_targets(tokenizer, names: Sequence[str]) -> dict[str, list[int]]:
    """Token ids of each distinct target name, encoded alone (at most 16 tokens)."""
    unique = list(dict.fromkeys(names))
    if not unique:
        return {}
    enc = tokenizer(unique, truncation=True, max_length=MAX_TARGET_TOKENS)
    return {name: enc["input_ids"][i] for i, name in enumerate(unique)}


def mention_mask(
    text: str, sentence: EncodedSentence, target: str, spans: list | None = None
) -> list[bool]:
    """Which tokens of the sentence mention ``target``: the given character spans,
    else the ones ``mentions.find_mentions`` finds by name."""
    spans = find_mentions(text, target) if spans is None else spans
    if not spans:
        return [False] * len(sentence.input_ids)
    return [token_in_spans(off, spans) for off in sentence.offsets]


@dataclass(frozen=True)
class Pair:
    """One (sentence, target) stance question: the sentence's row, the target name
    and the mention mask over the sentence's tokens."""

    row: int
    target: str
    mention: list[bool]


def make_batch(
    sentences: Sequence[EncodedSentence],
    pairs: Sequence[Pair],
    target_ids: dict[str, list[int]],
    pad_id: int,
) -> dict[str, torch.Tensor]:
    """Pad a batch of sentences (dynamic padding) and the pairs asked about them.

    ``pairs[i].row`` indexes ``sentences``; target names are encoded once per
    batch however many pairs share them.
    """
    width = max(len(s.input_ids) for s in sentences)
    n = len(sentences)
    input_ids = torch.full((n, width), pad_id, dtype=torch.long)
    attention = torch.zeros((n, width), dtype=torch.long)
    for row, s in enumerate(sentences):
        k = len(s.input_ids)
        input_ids[row, :k] = torch.tensor(s.input_ids)
        attention[row, :k] = 1
    names = list(dict.fromkeys(p.target for p in pairs))
    t_width = max((len(target_ids[t]) for t in names), default=1)
    t_ids = torch.full((max(1, len(names)), t_width), pad_id, dtype=torch.long)
    t_mask = torch.zeros((max(1, len(names)), t_width), dtype=torch.long)
    for j, name in enumerate(names):
        ids = target_ids[name]
        t_ids[j, : len(ids)] = torch.tensor(ids)
        t_mask[j, : len(ids)] = 1
    index = {name: j for j, name in enumerate(names)}
    mention = torch.zeros((len(pairs), width), dtype=torch.bool)
    for i, p in enumerate(pairs):
        mention[i, : len(p.mention)] = torch.tensor(p.mention, dtype=torch.bool)
    return {
        "input_ids": input_ids,
        "attention_mask": attention,
        "target_ids": t_ids,
        "target_mask": t_mask,
        "pair_row": torch.tensor([p.row for p in pairs], dtype=torch.long),
        "pair_target": torch.tensor([index[p.target] for p in pairs], dtype=torch.long),
        "mention": mention,
    }


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices grouped into batches of similar length (longest first).

    Longest first means the peak memory shows up in the first batch, not
    after minutes of work.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]
