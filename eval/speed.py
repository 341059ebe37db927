"""Scoring speed: the optimised ``Predictor.predict`` path against a naive loop.

All variants run in the same process on the same model and sentences:
- naive: batches of 32 in input order (each padded to its longest item),
  tokenised batch by batch, fp32, no ``inference_mode`` (autograd on, as
  PyTorch runs by default): the loop one writes first;
- naive + no_grad: the same loop with gradients off, a fairer reference;
- optimised: ``Predictor.predict`` (items tokenised once, length-sorted
  batches, ``inference_mode``);
- mixed: the optimised path in bf16 autocast, with items near a decision
  recomputed in fp32 (the default precision on CPUs with native bf16);
- bf16: pure bf16 autocast, for reference: it may flip labels near a threshold.
Label agreement of each variant is measured against the naive fp32 loop.
The machine may be shared, so the sentences are timed in rounds and every
round runs all variants back to back (order alternating): a load change hits
all variants alike. Figures are printed, never asserted.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Sequence
from typing import Any

import torch

from stanceframe.data.sentences import split_sentences
from stanceframe.model.precision import default_precision

NAIVE_BATCH = 32
# Synthetic fallback: news-like words, sentence lengths spread like real news.
_TEXT = (
    "the ministry said officials army civilians were killed in the shelling of the border "
    "town on tuesday according to a report by the commission which accused the government "
    "of blocking aid convoys and refusing to hand over maps while families displaced by "
    "the fighting still lack water food and shelter spokesperson denied the claims talks"
)
_WORDS = _TEXT.split()


def bench_sentences(n: int, texts: Sequence[str] | None = None, seed: int = 0) -> list[str]:
    """``n`` sentences: from ``texts`` (articles), else the bundled corpus, else synthetic."""
    rng = random.Random(seed)
    pool: list[str] = []
    if texts:
        pool = [s.text for text in texts for s in split_sentences(text)]
    else:
        try:
            from stanceframe.data.corpus import load_corpus

            pool = [ex.text for ex in load_corpus()]
        except Exception:  # noqa: BLE001 - no corpus yet: fall back to synthetic text
            pool = []
    if not pool:
        pool = [
            " ".join(rng.choice(_WORDS) for _ in range(max(4, int(rng.gammavariate(3.0, 9.0)))))
            + "."
            for _ in range(2000)
        ]
    return [pool[rng.randrange(len(pool))] for _ in range(n)]


def naive_predict(
    predictor,
    texts: Sequence[str],
    targets: Sequence[str],
    batch_size: int = NAIVE_BATCH,
    no_grad: bool = True,
) -> list[dict[str, Any]]:
    """Labels per text, computed the plain way: input-order batches, fp32.

    The Predictor's own expansion and reassembly, with its batching made naive,
    so the comparison isolates what the optimised path does differently.
    """
    previous, predictor.precision = predictor.precision, "fp32"
    try:
        with torch.no_grad() if no_grad else contextlib.nullcontext():
            rows, _ = predictor.predict_detailed(
                texts, [list(targets)] * len(texts), batch_size=batch_size, naive=True
            )
    finally:
        predictor.precision = previous
    return _only_labels(rows)


def _only_labels(preds: Sequence[dict]) -> list[dict]:
    return [{"frames": list(p["frames"]), "stance": dict(p["stance"])} for p in preds]


def _rate(n: int, seconds: float) -> dict[str, float]:
    return {"seconds": round(seconds, 3), "sentences_per_s": round(n / seconds, 1)}


def run_benchmark(
    predictor,
    sentences: Sequence[str],
    targets: Sequence[str] = (),
    batch_size: int = 32,
    try_bf16: bool = True,
    round_size: int = 1000,
) -> dict[str, Any]:
    """Time every variant on the same sentences, in interleaved rounds."""
    texts = list(sentences)
    targets = list(targets)

    def optimised(xs: list[str], precision: str = "fp32") -> list[dict]:
        previous, predictor.precision = predictor.precision, precision
        try:
            return _only_labels(predictor.predict(xs, [targets] * len(xs), batch_size=batch_size))
        finally:
            predictor.precision = previous

    variants = {
        "naive": lambda xs: naive_predict(predictor, xs, targets, no_grad=False),
        "naive_no_grad": lambda xs: naive_predict(predictor, xs, targets),
        "optimised": optimised,
    }
    if try_bf16:
        # "mixed" is the default where the CPU has native bf16: bf16 everywhere,
        # fp32 again for items near a decision. Pure bf16 is timed for reference.
        variants["mixed"] = lambda xs: optimised(xs, "mixed")
        variants["bf16"] = lambda xs: optimised(xs, "bf16")
    seconds = dict.fromkeys(variants, 0.0)
    labels: dict[str, list[dict]] = {name: [] for name in variants}
    for fn in variants.values():  # warm-up: lazy init and allocator, paid by nobody
        fn(texts[:64])
    for k, start in enumerate(range(0, len(texts), round_size)):
        chunk = texts[start : start + round_size]
        order = list(variants) if k % 2 == 0 else list(reversed(variants))
        for name in order:
            begin = time.perf_counter()
            labels[name].extend(variants[name](chunk))
            seconds[name] += time.perf_counter() - begin
    n = len(texts)
    fast = labels["optimised"]
    mismatches = sum(a != b for a, b in zip(labels["naive"], fast, strict=True))
    result: dict[str, Any] = {
        "n_sentences": n,
        "targets": targets,
        "items": n * max(1, len(targets)),
        "threads": torch.get_num_threads(),
        "batch_size": batch_size,
        "round_size": round_size,
        "naive": _rate(n, seconds["naive"]),
        "naive_no_grad": _rate(n, seconds["naive_no_grad"]),
        "optimised": _rate(n, seconds["optimised"]),
        "speedup": round(seconds["naive"] / seconds["optimised"], 2),
        "speedup_vs_no_grad": round(seconds["naive_no_grad"] / seconds["optimised"], 2),
        "label_mismatches": mismatches,
        "identical_labels": mismatches == 0,
    }
    if try_bf16:
        for name in ("mixed", "bf16"):
            differ = sum(a != b for a, b in zip(labels[name], labels["naive"], strict=True))
            result[name] = {
                **_rate(n, seconds[name]),
                "speedup": round(seconds["naive"] / seconds[name], 2),
                "label_agreement": round(1 - differ / max(1, n), 4),
                "identical_labels": differ == 0,
            }
    result["default_precision"] = default_precision()
    return result


def format_report(result: dict[str, Any]) -> str:
    """A few aligned lines for the terminal (and the README)."""
    targets = ", ".join(result["targets"]) or "none (frames only)"

    def line(label: str, entry: dict) -> str:
        return (
            f"{label:<58} {entry['sentences_per_s']:>8.1f} sentences/s ({entry['seconds']:.1f} s)"
        )

    lines = [
        f"{result['n_sentences']} sentences, targets: {targets}, "
        f"{result['threads']} threads, batch size {result['batch_size']}",
        line(
            f"naive loop (input order, batches of {NAIVE_BATCH}, fp32, autograd on)",
            result["naive"],
        ),
        line("naive loop + torch.no_grad()", result["naive_no_grad"]),
        line("optimised (length-sorted, inference_mode)", result["optimised"]),
        f"speed-up: {result['speedup']:.2f}x naive, {result['speedup_vs_no_grad']:.2f}x naive "
        f"+ no_grad; labels identical: {'yes' if result['identical_labels'] else 'no'}"
        + ("" if result["identical_labels"] else f" ({result['label_mismatches']} differ)"),
    ]
    names = {
        "mixed": "mixed: bf16 + fp32 re-check near decisions",
        "bf16": "pure bf16 autocast (reference only)",
    }
    for key, label in names.items():
        entry = result.get(key)
        if entry:
            lines.append(
                line(label, entry) + f", {entry['speedup']:.2f}x naive; label agreement with "
                f"fp32 {entry['label_agreement']:.2%}"
            )
    lines.append(f"default precision on this machine: {result['default_precision']}")
    return "\n".join(lines)
