"""Precision modes for inference, and which one this CPU should use.

- ``fp32``: the reference.
- ``bf16``: bf16 autocast; fast only where the CPU computes bf16 natively
  (AVX512-BF16 or AMX), emulated and slower elsewhere.
- ``int8``: dynamic int8 quantisation of the network's linear layers; fast
  where the CPU has int8 dot products (AVX512-VNNI or AVX-VNNI), but lossy on
  this model (about 9 % of frame sets change), so never chosen by ``auto``.
- ``bf16-mixed`` / ``int8-mixed``: the approximate pass, then every sentence
  whose frame probability or stance margin lies within ``MIXED_MARGIN`` of a
  decision is run again in fp32, so labels match fp32 while most of the
  speed-up is kept (``mixed`` is the older name of ``bf16-mixed``).
- ``auto`` (the default): the fastest mode that keeps fp32's labels on this
  CPU, read from ``/proc/cpuinfo``: ``bf16-mixed`` where bf16 is native, else fp32.
"""

from __future__ import annotations

import copy
import os
import warnings

PRECISIONS = ("auto", "fp32", "bf16", "bf16-mixed", "int8", "int8-mixed")
ALIASES = {"mixed": "bf16-mixed"}
# Wider than any approximate-vs-fp32 probability difference measured on the
# benchmark set (bf16 about 0.002, int8 about 0.01; see eval/speed.py).
MIXED_MARGIN = 0.03


def cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def auto_precision(flags: set[str] | None = None) -> tuple[str, str]:
    """The mode ``auto`` picks on a CPU with these flags, and why."""
    flags = cpu_flags() if flags is None else flags
    if flags & {"avx512_bf16", "amx_bf16"}:
        return "bf16-mixed", "the CPU computes bf16 natively (avx512_bf16/amx_bf16)"
    if flags & {"avx512_vnni", "avx_vnni", "avx512vnni"}:
        # int8 would be faster here, but dynamic int8 moves this model's frame
        # probabilities by 0.03 (median) to 0.3 (99th percentile), so even with the
        # fp32 re-check about 7 % of labels differ from fp32 (README, Speed): auto
        # only picks modes that keep fp32's labels.
        return "fp32", "int8 dot products (VNNI) are here, but int8 changes labels on this model"
    return "fp32", "no native bf16 and no VNNI int8: approximate modes would not be faster"


def check_precision(value: str) -> str:
    """A valid mode name, with ``auto`` resolved for this CPU."""
    value = ALIASES.get(value, value)
    if value not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {value!r}")
    return auto_precision()[0] if value == "auto" else value


def default_precision() -> str:
    """``$STANCEFRAME_PRECISION``, else ``auto``."""
    env = os.environ.get("STANCEFRAME_PRECISION")
    if env:
        try:
            return check_precision(env)
        except ValueError:
            from stanceframe.model.errors import ModelError

            raise ModelError(
                f"STANCEFRAME_PRECISION={env!r}: expected one of {PRECISIONS}"
            ) from None
    return check_precision("auto")


def split_mode(precision: str) -> tuple[str, bool]:
    """(mode of the first pass, whether near-decision sentences are re-run in fp32)."""
    mixed = precision.endswith("-mixed")
    return precision.removesuffix("-mixed"), mixed


def quantized_copy(network):
    """A copy of the network with its linear layers dynamically quantised to int8.

    Only ``nn.Linear`` layers are quantised (weights int8, activations
    quantised per batch): they hold nearly all of the encoder's compute.
    """
    import torch

    with warnings.catch_warnings():
        # torch.ao's dynamic quantisation is deprecated in favour of torchao,
        # which is not on PyPI for this torch; it still works and is measured.
        warnings.simplefilter("ignore")
        from torch.ao.quantization import quantize_dynamic

        return quantize_dynamic(copy.deepcopy(network), {torch.nn.Linear}, dtype=torch.qint8)


def near_decision(stance_probs, frame_probs, thresholds, pair_rows) -> list[int]:
    """Sentences with a frame probability or a stance margin within ``MIXED_MARGIN`` of a
    decision: where an approximate pass may have landed on the wrong side."""
    import torch

    unsure = set()
    if frame_probs.shape[1]:
        near = ((frame_probs - torch.tensor(thresholds)).abs() < MIXED_MARGIN).any(dim=-1)
        unsure.update(near.nonzero().flatten().tolist())
    if stance_probs.shape[1] >= 2 and stance_probs.shape[0]:
        top2 = stance_probs.topk(2, dim=-1).values
        close = (top2[:, 0] - top2[:, 1] < MIXED_MARGIN).nonzero().flatten().tolist()
        unsure.update(pair_rows[k] for k in close)
    return sorted(unsure)


def merge_rerun(stance, frames, stance32, frames32, pairs_per_row, rows) -> None:
    """Put the fp32 results of the re-run ``rows`` (and their pairs) in place."""
    starts, pos = [], 0
    for n in pairs_per_row:
        starts.append(pos)
        pos += n
    frames[rows] = frames32
    k = 0
    for r in rows:
        for j in range(pairs_per_row[r]):
            stance[starts[r] + j] = stance32[k]
            k += 1
