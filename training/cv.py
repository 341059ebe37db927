"""k-fold cross-validation grouped by document: mean ± standard deviation per metric.

Every fold holds out whole documents (no article is split across train and
test). Inside the remaining documents a dev slice, also by document, drives
early stopping and threshold tuning, as in ``stanceframe train``. The model
and the baselines are trained on the same rows of each fold and scored on
the same held-out fold. All rows of the input are used; a ``split`` field is
ignored. Standard deviations are sample standard deviations (ddof=1) over
the folds.
"""

from __future__ import annotations

import random
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stanceframe.data.errors import StanceframeError
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.split import carve_dev
from stanceframe.eval.alignment import HEADLINE
from stanceframe.eval.evaluate import compute_metrics
from stanceframe.eval.report import ROWS, write_json_and_markdown
from stanceframe.eval.report_sections import plain_table
from stanceframe.training.config import TrainConfig
from stanceframe.training.loop import train_model

SCHEMA_VERSION = 1


def group_folds(examples: Sequence[Example], k: int, seed: int) -> list[int]:
    """The fold (0..k-1) of each example; whole documents per fold, seeded.

    Documents are shuffled, then each goes to the fold with the fewest
    sentences so far, so folds are balanced in sentences, not just documents.
    """
    docs = sorted({ex.doc_id for ex in examples})
    if k < 2:
        raise StanceframeError(f"cross-validation needs at least 2 folds, got {k}")
    if len(docs) < k:
        raise StanceframeError(f"{k} folds need at least {k} documents; the data has {len(docs)}")
    size = {doc: 0 for doc in docs}
    for ex in examples:
        size[ex.doc_id] += 1
    random.Random(seed).shuffle(docs)
    load = [0] * k
    fold_of: dict[str, int] = {}
    for doc in docs:
        fold = min(range(k), key=lambda f: (load[f], f))
        fold_of[doc] = fold
        load[fold] += size[doc]
    return [fold_of[ex.doc_id] for ex in examples]


def _headline(system: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    return {head: {m: system[head][m] for m in names} for head, names in HEADLINE.items()}


def _aggregate(values: list[float | None]) -> dict[str, Any]:
    defined = [v for v in values if v is not None]
    mean = round(statistics.fmean(defined), 6) if defined else None
    std = round(statistics.stdev(defined), 6) if len(defined) > 1 else None
    return {"mean": mean, "std": std, "values": values}


def cross_validate(
    examples: Sequence[Example],
    config: TrainConfig,
    folds: int = 5,
    seed: int | None = None,
    schema: LabelSchema | None = None,
    baselines: bool = True,
    progress: bool = True,
    data_info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train and score one model per fold; return the cv.json content."""
    examples = [Example(**{**ex.__dict__, "split": None}) for ex in examples]
    seed = config.seed if seed is None else seed
    schema = schema or LabelSchema.from_examples(examples)
    fold_of = group_folds(examples, folds, seed)
    per_fold = []
    for fold in range(folds):
        test = [ex for ex, f in zip(examples, fold_of, strict=True) if f == fold]
        rest = [ex for ex, f in zip(examples, fold_of, strict=True) if f != fold]
        per_fold.append(
            _run_fold(fold, folds, rest, test, config, schema, seed, baselines, progress)
        )
    summary = {
        "model": _summarise([f["model"] for f in per_fold]),
        "baselines": {
            name: _summarise([f["baselines"][name] for f in per_fold])
            for name in per_fold[0]["baselines"]
        },
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "folds": folds,
        "seed": seed,
        "config": config.to_dict(),
        "data": {
            **(data_info or {}),
            "n_sentences": len(examples),
            "n_docs": len({ex.doc_id for ex in examples}),
            "n_pairs": sum(len(ex.targets) for ex in examples),
        },
        "summary": summary,
        "per_fold": per_fold,
    }


def _run_fold(fold, folds, rest, test, config, schema, seed, baselines, progress) -> dict:
    """Train on ``rest`` (minus a dev slice by document) and score on ``test``."""
    train, dev = carve_dev(rest, config.dev_fraction, seed + fold)
    if progress:
        print(
            f"cv fold {fold + 1}/{folds}: train {len(train)}, dev {len(dev)}, "
            f"test {len(test)} sentences",
            file=sys.stderr,
            flush=True,
        )
    result = train_model(train, dev, config, schema, progress=progress)
    metrics, _ = compute_metrics(
        result.predictor, test, train_examples=train, baselines=baselines, seed=seed, n_bootstrap=0
    )
    return {
        "fold": fold,
        "n_train": len(train),
        "n_dev": len(dev),
        "n_test": len(test),
        "n_test_docs": len({ex.doc_id for ex in test}),
        "best_epoch": result.dev_metrics.get("best_epoch"),
        "model": _headline(metrics["model"]),
        "baselines": {k: _headline(v) for k, v in metrics["baselines"].items()},
    }


def _summarise(per_fold: list[dict[str, Any]]) -> dict[str, Any]:
    """``{head: {metric: {mean, std, values}}}`` over one system's fold scores."""
    return {
        head: {m: _aggregate([f[head][m] for f in per_fold]) for m in names}
        for head, names in HEADLINE.items()
    }


def _pm(agg: dict[str, Any]) -> str:
    if agg["mean"] is None:
        return "n/a"
    return (
        f"{agg['mean']:.3f} ± {agg['std']:.3f}" if agg["std"] is not None else f"{agg['mean']:.3f}"
    )


def render_cv(result: dict[str, Any]) -> str:
    """cv.md: data, mean ± std table (model beside baselines), per-fold model scores."""
    d, s = result["data"], result["summary"]
    systems = [("model", s["model"])] + list(s["baselines"].items())
    where = f"`{d['path']}`" if d.get("path") else "the given rows"
    lines = [
        f"# Cross-validation: {result['folds']} folds grouped by document",
        "",
        f"Data: {where}, {d['n_sentences']} sentences from {d['n_docs']} documents, "
        f"{d['n_pairs']} stance pairs (all rows; any split field ignored). Seed {result['seed']}.",
        "",
        "## Mean ± standard deviation over folds",
        "",
        "| metric | " + " | ".join(n for n, _ in systems) + " |",
        "|---|" + "---|" * len(systems),
    ]
    for head, m, title in ROWS:
        lines.append(f"| {title} | " + " | ".join(_pm(v[head][m]) for _, v in systems) + " |")
    lines += [
        "",
        "## Model per fold",
        "",
        "| fold | test sentences | test docs | best epoch | "
        + " | ".join(t for _, _, t in ROWS)
        + " |",
        "|---|---|---|---|" + "---|" * len(ROWS),
    ]
    for f in result["per_fold"]:
        cells = [str(f["fold"]), str(f["n_test"]), str(f["n_test_docs"]), str(f["best_epoch"])]
        cells += [
            "n/a" if f["model"][h][m] is None else f"{f['model'][h][m]:.3f}" for h, m, _ in ROWS
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Each fold trains the model on the other folds' documents (minus a dev slice by "
        "document for early stopping and thresholds); baselines train on the same rows. "
        "Standard deviations are over folds (ddof=1).",
        "",
    ]
    return "\n".join(lines)


def format_cv_summary(result: dict[str, Any]) -> str:
    """Plain-text mean ± std table for stdout."""
    s = result["summary"]
    systems = [("model", s["model"])] + list(s["baselines"].items())
    rows = [["metric"] + [name for name, _ in systems]]
    rows += [[title.split(" (")[0]] + [_pm(v[h][m]) for _, v in systems] for h, m, title in ROWS]
    return plain_table(rows)


def write_cv(result: dict[str, Any], out_dir: str | Path) -> None:
    write_json_and_markdown(out_dir, result, "cv.json", render_cv(result), "cv.md")
