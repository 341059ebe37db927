"""Scoring speed: the optimised ``Predictor.predict`` path against a naive loop.

Both run in the same process on the same model and the same sentences:
- naive: batches of 32 in input order (padding to each batch's longest
  item), tokenised batch by batch, fp32, ``torch.no_grad()`` but not
  ``torch.inference_mode()``: the loop one writes first;
- optimised: ``Predictor.predict`` (all items tokenised once, length-sorted
  batches, ``inference_mode``);
- optionally the optimised path under bf16 autocast, reported with its label
  agreement: scoring only uses bf16 when asked to, since it may flip labels.
The naive loop already disables gradients, so the ratio does not count the
(easy) autograd saving. Figures are printed, never asserted.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

import torch

from stanceframe.data.sentences import split_sentences
from stanceframe.model.encoding import collate, encode_items

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
    predictor, texts: Sequence[str], targets: Sequence[str], batch_size: int = NAIVE_BATCH
) -> list[dict[str, Any]]:
    """Labels per text, computed the plain way: input-order batches, fp32, no_grad."""
    owners, item_texts, item_targets = [], [], []
    for i, text in enumerate(texts):
        for target in list(targets) or [None]:
            owners.append(i)
            item_texts.append(text)
            item_targets.append(target)
    pad_id = predictor.tokenizer.pad_token_id or 0
    stance_rows, frame_rows = [], []
    with torch.no_grad():
        for start in range(0, len(item_texts), batch_size):
            chunk = slice(start, start + batch_size)
            items = encode_items(
                predictor.tokenizer, item_texts[chunk], item_targets[chunk], predictor.max_length
            )
            stance_logits, frame_logits = predictor.network(**collate(items, pad_id))
            if stance_logits is not None:
                stance_rows.append(torch.softmax(stance_logits.float(), dim=-1))
            if frame_logits is not None:
                frame_rows.append(torch.sigmoid(frame_logits.float()))
    return _labels(predictor, len(texts), owners, item_targets, stance_rows, frame_rows)


def _labels(predictor, n, owners, item_targets, stance_rows, frame_rows) -> list[dict]:
    schema = predictor.schema
    out: list[dict[str, Any]] = [{"frames": [], "stance": {}} for _ in range(n)]
    if frame_rows:
        frames = torch.cat(frame_rows)
        total = torch.zeros((n, frames.shape[1]))
        count = torch.zeros(n)
        for row, owner in enumerate(owners):
            total[owner] += frames[row]
            count[owner] += 1
        mean = total / count.clamp(min=1).unsqueeze(-1)
        for i in range(n):
            probs = [round(p, 6) for p in mean[i].tolist()]
            out[i]["frames"] = [
                f
                for f, p in zip(schema.frame_labels, probs, strict=True)
                if p >= predictor.thresholds[f]
            ]
    if stance_rows:
        stance = torch.cat(stance_rows)
        for row, (owner, target) in enumerate(zip(owners, item_targets, strict=True)):
            if target is not None:
                out[owner]["stance"][target] = schema.stance_labels[int(stance[row].argmax())]
    return out


def _only_labels(preds: Sequence[dict]) -> list[dict]:
    return [{"frames": list(p["frames"]), "stance": dict(p["stance"])} for p in preds]


def _timed(func) -> tuple[Any, float]:
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def run_benchmark(
    predictor,
    sentences: Sequence[str],
    targets: Sequence[str] = (),
    batch_size: int = 32,
    try_bf16: bool = True,
) -> dict[str, Any]:
    """Time naive vs optimised (and optionally bf16) on the same sentences."""
    texts = list(sentences)
    per_text = [list(targets)] * len(texts)
    # Warm-up (allocator, lazy init) so neither variant pays for being first.
    warm = texts[: min(64, len(texts))]
    naive_predict(predictor, warm, targets)
    predictor.predict(warm, [list(targets)] * len(warm), batch_size=batch_size)

    naive, naive_s = _timed(lambda: naive_predict(predictor, texts, targets))
    fast, fast_s = _timed(lambda: predictor.predict(texts, per_text, batch_size=batch_size))
    fast_labels = _only_labels(fast)
    mismatches = sum(a != b for a, b in zip(naive, fast_labels, strict=True))
    result: dict[str, Any] = {
        "n_sentences": len(texts),
        "targets": list(targets),
        "items": len(texts) * max(1, len(targets)),
        "threads": torch.get_num_threads(),
        "batch_size": batch_size,
        "naive": {"seconds": round(naive_s, 3), "sentences_per_s": round(len(texts) / naive_s, 1)},
        "optimised": {
            "seconds": round(fast_s, 3),
            "sentences_per_s": round(len(texts) / fast_s, 1),
        },
        "speedup": round(naive_s / fast_s, 2),
        "label_mismatches": mismatches,
        "identical_labels": mismatches == 0,
    }
    if try_bf16:
        previous = predictor.bf16
        predictor.bf16 = True
        try:
            predictor.predict(warm, [list(targets)] * len(warm), batch_size=batch_size)
            half, half_s = _timed(lambda: predictor.predict(texts, per_text, batch_size=batch_size))
        finally:
            predictor.bf16 = previous
        differ = sum(a != b for a, b in zip(_only_labels(half), fast_labels, strict=True))
        result["bf16"] = {
            "seconds": round(half_s, 3),
            "sentences_per_s": round(len(texts) / half_s, 1),
            "speedup": round(naive_s / half_s, 2),
            "label_agreement": round(1 - differ / max(1, len(texts)), 4),
            "identical_labels": differ == 0,
        }
    return result


def format_report(result: dict[str, Any]) -> str:
    """A few aligned lines for the terminal (and the README)."""
    targets = ", ".join(result["targets"]) or "none (frames only)"
    lines = [
        f"{result['n_sentences']} sentences, targets: {targets}, "
        f"{result['threads']} threads, batch size {result['batch_size']}",
        f"naive loop (input order, batches of {NAIVE_BATCH}, fp32, no inference mode): "
        f"{result['naive']['sentences_per_s']:>8.1f} sentences/s "
        f"({result['naive']['seconds']:.1f} s)",
        f"optimised (length-sorted, inference mode):               "
        f"{result['optimised']['sentences_per_s']:>8.1f} sentences/s "
        f"({result['optimised']['seconds']:.1f} s)",
        f"speed-up: {result['speedup']:.2f}x; labels identical: "
        f"{'yes' if result['identical_labels'] else 'no'}"
        + ("" if result["identical_labels"] else f" ({result['label_mismatches']} differ)"),
    ]
    half = result.get("bf16")
    if half:
        lines.append(
            f"bf16 autocast (optional): {half['sentences_per_s']:.1f} sentences/s, "
            f"{half['speedup']:.2f}x naive; label agreement with fp32 "
            f"{half['label_agreement']:.2%}"
            + (" (identical)" if half["identical_labels"] else " (not used by default)")
        )
    return "\n".join(lines)
