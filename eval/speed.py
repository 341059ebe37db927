"""Scoring speed: the optimised ``Predictor`` path against a naive loop, and the precision modes.

All variants run in one process on the same model and sentences, in
interleaved rounds (a load change on a shared machine hits all alike):

- naive: batches of 32 in input order, fp32, autograd on: the loop one
  writes first (the Predictor's own expansion and reassembly, batching made
  naive, so only what the optimised path does differently is compared);
- fp32: ``Predictor.predict`` (tokenised once, length-sorted batches,
  ``inference_mode``);
- int8-mixed / bf16-mixed: the approximate pass plus the fp32 re-check of
  sentences near a decision (labels as fp32), with how many were re-run;
- int8 / bf16: the approximate pass alone, for reference (it may flip labels).

bf16 variants run only where the CPU computes bf16 natively (emulated bf16 is
far slower than fp32) unless asked for. The report adds what this CPU can do
at most: a short GEMM probe of fp32 and int8 matmul throughput, and the
model's FLOPs per sentence at the benchmark's mean length, so each mode's
speed can be read against the hardware's limit. Figures are printed, never
asserted.
"""

from __future__ import annotations

import contextlib
import random
import resource
import time
from collections.abc import Sequence
from typing import Any

import torch

from stanceframe.data.sentences import split_sentences
from stanceframe.model.precision import auto_precision, cpu_flags

NAIVE_BATCH = 32
# Synthetic fallback: news-like words, sentence lengths spread like real news.
_TEXT = (
    "the ministry said officials army civilians were killed in the shelling of the border "
    "town on tuesday according to a report by the commission which accused the government "
    "of blocking aid convoys and refusing to hand over maps while families displaced by "
    "the fighting still lack water food and shelter spokesperson denied the claims talks"
)
_WORDS = _TEXT.split(" ")


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
        except Exception:  # noqa: BLE001 - no corpus: fall back to synthetic text
            pool = []
    if not pool:
        pool = [
            " ".join(rng.choice(_WORDS) for _ in range(max(4, int(rng.gammavariate(3.0, 9.0)))))
            + "."
            for _ in range(2000)
        ]
    return [pool[rng.randrange(len(pool))] for _ in range(n)]


def _labels(rows: Sequence[dict]) -> list[dict]:
    return [{"frames": list(p["frames"]), "stance": dict(p["stance"])} for p in rows]


def _variant(predictor, targets, batch_size: int, precision: str, naive: bool = False):
    def run(xs: list[str]) -> list[dict]:
        previous, predictor.precision = predictor.precision, precision
        try:
            grad = contextlib.nullcontext() if naive else torch.no_grad()
            with grad:
                rows, _ = predictor.predict_detailed(
                    xs,
                    [list(targets)] * len(xs),
                    NAIVE_BATCH if naive else batch_size,
                    naive=naive,
                )
            return _labels(rows)
        finally:
            predictor.precision = previous

    return run


def variant_names(include_bf16: bool | None = None) -> list[str]:
    """The variants timed on this CPU: bf16 only where it is native (or when asked)."""
    flags = cpu_flags()
    native_bf16 = bool(flags & {"avx512_bf16", "amx_bf16"})
    names = ["naive", "fp32", "int8-mixed", "int8"]
    if native_bf16 if include_bf16 is None else include_bf16:
        names += ["bf16-mixed", "bf16"]
    return names


def gemm_probe(size: int = 768, repeats: int = 20) -> dict[str, float]:
    """Measured fp32 GFLOPS and int8 (dynamic quantised linear) GOPS of this CPU."""
    from stanceframe.model.precision import quantized_copy

    x = torch.randn(size, size)
    layer = torch.nn.Linear(size, size, bias=False)
    q = quantized_copy(torch.nn.Sequential(layer))
    out = {}
    with torch.inference_mode():
        for name, fn in (("fp32_gflops", layer), ("int8_gops", q)):
            fn(x)
            start = time.perf_counter()
            for _ in range(repeats):
                fn(x)
            out[name] = round(2 * size**3 * repeats / (time.perf_counter() - start) / 1e9, 1)
    return out


def flops_per_sentence(predictor, sentences: Sequence[str]) -> dict[str, float]:
    """Forward FLOPs of the encoder at the sentences' mean token count (2 x params x tokens,
    plus attention), and that mean."""
    from stanceframe.model.encoding import encode_sentences

    lengths = [len(e.input_ids) for e in encode_sentences(predictor.tokenizer, sentences, 512)]
    tokens = sum(lengths) / max(1, len(lengths))
    cfg = predictor.network.encoder.config
    per_layer = 4 * cfg.hidden_size**2 + 2 * cfg.hidden_size * cfg.intermediate_size
    dense = 2 * per_layer * cfg.num_hidden_layers * tokens
    attention = 4 * cfg.num_hidden_layers * tokens**2 * cfg.hidden_size
    return {"mean_tokens": round(tokens, 1), "gflops": round((dense + attention) / 1e9, 3)}


def run_benchmark(
    predictor,
    sentences: Sequence[str],
    targets: Sequence[str] = (),
    batch_size: int = 32,
    include_bf16: bool | None = None,
    round_size: int = 1000,
) -> dict[str, Any]:
    """Time every variant on the same sentences, in interleaved rounds."""
    texts = list(sentences)
    names = variant_names(include_bf16)
    variants = {
        name: _variant(
            predictor,
            targets,
            batch_size,
            "fp32" if name == "naive" else name,
            naive=name == "naive",
        )
        for name in names
    }
    seconds = dict.fromkeys(variants, 0.0)
    labels: dict[str, list[dict]] = {name: [] for name in variants}
    reruns = dict.fromkeys(variants, 0)
    for fn in variants.values():  # warm-up: lazy init, quantised copies, allocator
        fn(texts[:64])
    for k, start in enumerate(range(0, len(texts), round_size)):
        chunk = texts[start : start + round_size]
        for name in names if k % 2 == 0 else list(reversed(names)):
            begin = time.perf_counter()
            labels[name].extend(variants[name](chunk))
            seconds[name] += time.perf_counter() - begin
            reruns[name] += predictor.last_run["rerun"]
    n = len(texts)
    reference = labels["fp32"]
    result: dict[str, Any] = {
        "n_sentences": n,
        "targets": list(targets),
        "threads": torch.get_num_threads(),
        "batch_size": batch_size,
        "auto": dict(zip(("precision", "why"), auto_precision(), strict=True)),
        "variants": {},
    }
    for name in names:
        differ = sum(a != b for a, b in zip(labels[name], reference, strict=True))
        result["variants"][name] = {
            "seconds": round(seconds[name], 3),
            "sentences_per_s": round(n / seconds[name], 1),
            "vs_naive": round(seconds["naive"] / seconds[name], 2),
            "vs_fp32": round(seconds["fp32"] / seconds[name], 2),
            "agreement_with_fp32": round(1 - differ / max(1, n), 5),
            "rerun_in_fp32": reruns[name] if name.endswith("-mixed") else None,
        }
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["gemm"] = gemm_probe()
    result["model"] = flops_per_sentence(predictor, texts[:2000])
    return result


def format_report(result: dict[str, Any]) -> str:
    """A few aligned lines for the terminal (and the README)."""
    targets = ", ".join(result["targets"]) or "none (frames only)"
    lines = [
        f"{result['n_sentences']} sentences, targets: {targets}, {result['threads']} threads, "
        f"batch size {result['batch_size']}",
        f"{'variant':<12} {'sent/s':>8} {'vs naive':>9} {'vs fp32':>8} {'labels = fp32':>14} "
        f"{'re-run':>7}",
    ]
    for name, v in result["variants"].items():
        rerun = "" if v["rerun_in_fp32"] is None else str(v["rerun_in_fp32"])
        lines.append(
            f"{name:<12} {v['sentences_per_s']:>8.1f} {v['vs_naive']:>8.2f}x {v['vs_fp32']:>7.2f}x "
            f"{v['agreement_with_fp32']:>13.2%} {rerun:>7}"
        )
    g, m = result["gemm"], result["model"]
    ceiling = g["fp32_gflops"] / m["gflops"] if m["gflops"] else 0
    lines += [
        f"this CPU: fp32 matmul {g['fp32_gflops']} GFLOPS, int8 {g['int8_gops']} GOPS; the model "
        f"needs {m['gflops']} GFLOP per sentence at {m['mean_tokens']} tokens, so fp32 can do at "
        f"most about {ceiling:.0f} sentences/s here",
        f"peak memory: {result['peak_memory_mb']} MB",
        f"--precision auto picks {result['auto']['precision']} here: {result['auto']['why']}",
    ]
    return "\n".join(lines)
