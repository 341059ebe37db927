"""Public benchmarks run through the train-on-your-own-data path.

``run_benchmark(name, data_dir, out_dir, ...)`` imports a public dataset
(``stanceframe.data.importers``), trains with ``train_model`` where the
benchmark has training data, predicts with ``Predictor.predict`` and scores
with ``stanceframe.eval.metrics``: the same path a researcher takes with
their own data. It writes ``NAME.json`` and ``NAME.md`` (see
``benchmark_report``).

- ``semeval2016``: trains on train+val (the full official SemEval-2016
  training set, which TweetEval split in two) and tests on the official test
  set. There is no held-out dev (val is training data here), so there is no
  early stopping or checkpoint choice: the fixed epoch budget runs in full
  and the final weights are scored. Scores:
  ``f_avg`` (mean F1 of favor and against, pooled over targets, the official
  measure), ``macro_f1`` (three classes) and both per target.
- ``newsmtsc``: trains on ``train.jsonl`` minus a seeded 10% of its articles,
  held out as dev for early stopping and checkpoint choice; tests on
  ``devtest_rw`` and ``devtest_mt``: macro-F1 over (sentence, target) pairs.
- ``polnear``: no training; the default model's (or ``model_dir``'s)
  ``attribution`` frame on the dev+test sentences: precision, recall, F1.

Budgets keep each run within 30 minutes on 2 CPU cores (``DEFAULT_BUDGETS``);
the report records the settings used.
"""

from __future__ import annotations

import shlex
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from stanceframe.data import importers
from stanceframe.data.errors import StanceframeError
from stanceframe.data.io import read_text
from stanceframe.data.schema import Example
from stanceframe.data.split import by_split, carve_dev, sample_rows
from stanceframe.eval.metrics import frame_metrics, stance_metrics
from stanceframe.training.benchmark_report import write_report
from stanceframe.training.budgets import DEFAULT_BUDGETS, Budget

BENCHMARKS = ("semeval2016", "newsmtsc", "polnear")
NEWSMTSC_DEV_FRACTION = 0.1


class BenchmarkDataMissing(StanceframeError):
    """The benchmark's data folder is absent: the benchmark is skipped, not failed."""


def data_missing_message(name: str, data_dir: str | Path | None) -> str:
    if data_dir is None:
        return (
            f"benchmark {name} skipped: no --data-dir given and ../shared/external does not exist"
        )
    return f"benchmark {name} skipped: no {importers.DATASET_DIRS[name]}/ data under {data_dir}"


def run_benchmark(
    name: str,
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    max_train: int | None = None,
    epochs: int | None = None,
    max_length: int | None = None,
    base_model: str = "",
    seed: int = 13,
    model_dir: str | Path | None = None,
    predictor: Any = None,
    notes_file: str | Path | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run one benchmark, write ``NAME.json`` and ``NAME.md`` in ``out_dir``, return the report.

    ``max_train``/``epochs``/``max_length`` default to ``DEFAULT_BUDGETS[name]``.
    ``model_dir``/``predictor`` (polnear only) replace the default model.
    ``notes_file`` (Markdown) goes into the report under "Notes", e.g. why a target is missed.
    Raises ``BenchmarkDataMissing`` when the data is not under ``data_dir``.
    """
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
    root = importers.locate(name, data_dir)
    if root is None:
        raise BenchmarkDataMissing(data_missing_message(name, data_dir))
    if notes_file:
        read_text(notes_file)  # fail on a bad notes file now, not after training
    start = time.perf_counter()
    if name == "polnear":
        settings: dict[str, Any] = {}
        body = _polnear(root, model_dir, predictor, progress)
    else:
        default = DEFAULT_BUDGETS[name]
        budget = Budget(
            epochs=epochs if epochs is not None else default.epochs,
            max_length=max_length if max_length is not None else default.max_length,
            max_train=max_train if max_train is not None else default.max_train,
        )
        settings = {**asdict(budget), "seed": seed}
        if base_model:
            settings["base_model"] = base_model
        run = _semeval if name == "semeval2016" else _newsmtsc
        body = run(root, budget, base_model, seed, progress)
    report = {
        "benchmark": name,
        "command": _command(name, data_dir, out_dir, settings, model_dir, notes_file),
        "settings": settings,
        **body,
        **({"notes": read_text(notes_file)} if notes_file else {}),
        "elapsed_seconds": round(time.perf_counter() - start, 1),
    }
    return write_report(name, report, Path(out_dir))


def _command(name, data_dir, out_dir, settings: dict[str, Any], model_dir, notes_file) -> str:
    """The full CLI command, every budget option explicit, so the run is reproducible."""
    parts = ["stanceframe", "benchmark", name, "--data-dir", str(data_dir), "--out", str(out_dir)]
    flags = {"max_train": "--max-train", "epochs": "--epochs", "max_length": "--max-length"}
    for key, flag in {**flags, "seed": "--seed", "base_model": "--base-model"}.items():
        if key in settings:
            parts += [flag, str(settings[key])]
    if model_dir:
        parts += ["--model", str(model_dir)]
    if notes_file:
        parts += ["--notes", str(notes_file)]
    return shlex.join(parts)


def _train(train, dev, schema, budget: Budget, base_model: str, seed: int, progress: bool):
    from stanceframe.training.config import TrainConfig
    from stanceframe.training.loop import train_model

    train = sample_rows(train, budget.max_train, seed)
    config = TrainConfig(
        base_model=base_model,
        epochs=budget.epochs,
        max_length=budget.max_length,
        seed=seed,
        max_train_examples=budget.max_train,
    )
    t0 = time.perf_counter()
    # The dataset's schema, not the sample's: a sample missing a label must not drop it.
    result = train_model(train, dev, config, schema, progress=progress)
    training = {
        "config": config.to_dict(),
        "n_train_rows": len(train),
        "n_train_pairs": sum(len(ex.targets) for ex in train),
        "n_dev_rows": len(dev),
        "dev_metrics": result.dev_metrics,
        "history": result.history,
        "train_seconds": round(time.perf_counter() - t0, 1),
    }
    return result.predictor, training


def _stance_pairs(
    predictor, rows: list[Example], progress: bool
) -> tuple[list[str], list[str], list[str]]:
    """Gold labels, predicted labels and target names, one per (sentence, target) pair."""
    preds = predictor.predict(
        [ex.text for ex in rows], [list(ex.targets) for ex in rows], progress=progress
    )
    gold, pred, names = [], [], []
    for ex, p in zip(rows, preds, strict=True):
        for target, label in ex.targets.items():
            gold.append(label)
            pred.append(p["stance"][target])
            names.append(target)
    return gold, pred, names


def _summary(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> dict[str, Any]:
    m = stance_metrics(gold, pred, labels)
    return {k: m[k] for k in ("n", "f_avg", "macro_f1", "accuracy", "per_class", "confusion")}


def _semeval(
    root: Path, budget: Budget, base_model: str, seed: int, progress: bool
) -> dict[str, Any]:
    labels = importers.SEMEVAL_SCHEMA.stance_labels
    train = importers.read_semeval2016(root, "train") + importers.read_semeval2016(root, "val")
    test = importers.read_semeval2016(root, "test")
    # No dev: val is part of the training data (see the module docstring).
    predictor, training = _train(
        train, [], importers.SEMEVAL_SCHEMA, budget, base_model, seed, progress
    )
    t0 = time.perf_counter()
    gold, pred, names = _stance_pairs(predictor, test, progress)
    overall = _summary(gold, pred, labels)
    per_target = {}
    for target in dict.fromkeys(names):
        idx = [i for i, n in enumerate(names) if n == target]
        m = _summary([gold[i] for i in idx], [pred[i] for i in idx], labels)
        per_target[target] = {k: m[k] for k in ("n", "f_avg", "macro_f1", "accuracy")}
    return {
        "data": {"path": str(root), "train": "train+val", "test": "test", "n_test": len(test)},
        "training": training,
        "metrics": {**overall, "labels": list(labels), "per_target": per_target},
        "eval_seconds": round(time.perf_counter() - t0, 1),
    }


def _newsmtsc(
    root: Path, budget: Budget, base_model: str, seed: int, progress: bool
) -> dict[str, Any]:
    labels = importers.NEWSMTSC_SCHEMA.stance_labels
    rows = importers.read_newsmtsc(root / "train.jsonl")
    frac = NEWSMTSC_DEV_FRACTION
    train, dev = carve_dev(rows, frac, seed)  # by article, seeded
    predictor, training = _train(
        train, dev, importers.NEWSMTSC_SCHEMA, budget, base_model, seed, progress
    )
    t0 = time.perf_counter()
    metrics: dict[str, Any] = {"labels": list(labels)}
    sizes = {}
    for split in ("rw", "mt"):
        test = importers.read_newsmtsc(root / f"devtest_{split}.jsonl")
        gold, pred, _ = _stance_pairs(predictor, test, progress)
        m = _summary(gold, pred, labels)
        metrics[f"macro_f1_{split}"] = m["macro_f1"]
        metrics[f"accuracy_{split}"] = m["accuracy"]
        metrics[split] = m
        sizes[f"n_pairs_{split}"] = m["n"]
    return {
        "data": {
            "path": str(root),
            "train": f"train.jsonl minus {frac:.0%} of articles (dev)",
            **sizes,
        },
        "training": training,
        "metrics": metrics,
        "eval_seconds": round(time.perf_counter() - t0, 1),
    }


def _polnear(root: Path, model_dir, predictor, progress: bool) -> dict[str, Any]:
    from stanceframe.model import load_model

    if predictor is None:
        if model_dir is None:
            from stanceframe.training.default import ensure_default_model

            model_dir = ensure_default_model(progress=progress)
        predictor = load_model(model_dir)
    if "attribution" not in predictor.schema.frame_labels:
        raise StanceframeError(
            f"the model has no 'attribution' frame (frames: {list(predictor.schema.frame_labels)})"
        )
    rows = importers.read_polnear(root, ("dev", "test"))
    t0 = time.perf_counter()
    preds = predictor.predict([ex.text for ex in rows], progress=progress)
    gold = [ex.frames or [] for ex in rows]
    got = [[f for f in p["frames"] if f == "attribution"] for p in preds]
    m = frame_metrics(gold, got, ["attribution"])["per_label"]["attribution"]
    per_split = {}
    for split in ("dev", "test"):
        idx = [i for i, ex in enumerate(rows) if ex.split == split]
        sub = frame_metrics([gold[i] for i in idx], [got[i] for i in idx], ["attribution"])
        per_split[split] = sub["per_label"]["attribution"]
    by = {s: len(by_split(rows, s)) for s in ("dev", "test")}
    return {
        "data": {"path": str(root), "splits": "dev+test", "n_sentences": len(rows), **by},
        "model": {
            "path": str(model_dir) if model_dir else "(in memory)",
            "info": dict(predictor.info),  # name, created, data hash: which model this was
            "threshold": predictor.thresholds.get("attribution"),
            "max_length": predictor.max_length,
        },
        "metrics": {"attribution": m, "per_split": per_split},
        "eval_seconds": round(time.perf_counter() - t0, 1),
    }
