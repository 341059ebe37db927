"""``evaluate_model``: score a predictor and the baselines on one split, write the report.

The model is asked, for every row, for the stance toward the row's gold
targets; its outputs are scored exactly as returned by ``Predictor.predict``
(and saved to ``predictions.jsonl``), so the report's numbers can be
recomputed from what ``stanceframe predict`` prints on the same rows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from stanceframe.data.io import atomic_write
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.eval.alignment import (
    HEADLINE,
    Aligned,
    Gold,
    align,
    confidence_intervals,
    topic_breakdown,
)
from stanceframe.eval.alignment import system_metrics as score
from stanceframe.eval.baselines import fit_baselines
from stanceframe.eval.calibration import frame_calibration, stance_calibration
from stanceframe.eval.diagnostics import confusion_examples, label_rates, without_temperature

# 2: rates, confusions with examples, calibration before temperature, layers.
SCHEMA_VERSION = 2
PRIMARY_LAYER = "real"
LOWER_IS_BETTER = {"hamming_loss"}
METRIC_NAMES = {"macro_f1": "macro-F1", "f_avg": "F_avg"}
CI_LEVEL = 0.95
CALIBRATION_BINS = 10


class PredictorLike(Protocol):
    schema: LabelSchema

    def predict(
        self, texts: Sequence[str], targets: Sequence[Sequence[str]] | None = None, **kwargs: Any
    ) -> list[dict[str, Any]]: ...


def _set(tree: dict, path: Sequence[str], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def _verdict(metric: str, ci: list[float] | None) -> str:
    """Whether the paired 95 % interval of model minus baseline excludes zero."""
    if ci is None:
        return "undetermined"
    lo, hi = ci
    if metric in LOWER_IS_BETTER:
        lo, hi = -hi, -lo
    return "better" if lo > 0 else "worse" if hi < 0 else "no clear difference"


def data_summary(examples: Sequence[Example], info: dict[str, Any] | None) -> dict[str, Any]:
    summary: dict[str, Any] = dict(info or {})
    pairs = [lab for ex in examples for lab in ex.targets.values()]
    annotated = [ex for ex in examples if ex.frames is not None]
    summary.update(
        n_sentences=len(examples),
        n_pairs=len(pairs),
        n_docs=len({ex.doc_id for ex in examples}),
        n_frame_rows=len(annotated),
        stance_counts=dict(sorted(Counter(pairs).items())),
        frame_counts=dict(sorted(Counter(f for ex in annotated for f in ex.frames or []).items())),
    )
    return summary


def compute_metrics(
    predictor: PredictorLike,
    examples: Sequence[Example],
    *,
    train_examples: Sequence[Example] | None = None,
    baselines: bool = True,
    seed: int = 0,
    n_bootstrap: int = 1000,
    data_info: dict[str, Any] | None = None,
    batch_size: int = 32,
    progress: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The metrics.json content (without plots) and the model's raw predictions."""
    if baselines and train_examples is None:
        raise ValueError("baselines are trained on train_examples: pass them or baselines=False")
    examples = list(examples)
    gold = Gold.build(examples, predictor.schema)
    texts = [ex.text for ex in examples]
    preds = predictor.predict(
        texts, gold.request_targets(), batch_size=batch_size, progress=progress
    )
    systems: dict[tuple[str, ...], Aligned] = {("model",): align(gold, preds)}
    if baselines:
        for name, base in fit_baselines(train_examples or [], predictor.schema, seed).items():
            systems[("baselines", name)] = align(gold, base.predict(texts, gold.request_targets()))
    metrics: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    metrics["model_info"] = _model_info(predictor)
    metrics["data"] = data_summary(examples, data_info)
    if train_examples is not None:
        metrics["data"]["train"] = data_summary(train_examples, None)
    metrics["settings"] = {
        "seed": seed,
        "n_bootstrap": n_bootstrap,
        "ci_level": CI_LEVEL,
        "resampling_unit": "document",
        "calibration_bins": CALIBRATION_BINS,
    }
    metrics["baselines"] = {}
    for path, aligned in systems.items():
        _set(metrics, path, score(gold, aligned))
    intervals = confidence_intervals(gold, systems, n_bootstrap, seed) if n_bootstrap else {}
    metrics["ci95"] = {}
    for key, ci in intervals.items():
        if key[0] != "diff":
            _set(metrics["ci95"], key, ci)
    metrics["comparison"] = _comparisons(metrics, systems, intervals)
    model = systems[("model",)]
    metrics["calibration"] = _calibration(gold, model)
    raw = without_temperature(model, getattr(predictor, "temperature", {}) or {})
    if raw is not None:
        metrics["calibration"]["before_temperature"] = _calibration(gold, raw)
    metrics["rates"] = label_rates(gold, model)
    metrics["confusions"] = confusion_examples(gold, model)
    metrics["by_topic"] = topic_breakdown(examples, preds, predictor.schema, train_examples)
    metrics["notes"] = notes(metrics)
    return metrics, preds


def _model_info(predictor) -> dict[str, Any]:
    info = dict(getattr(predictor, "info", {}) or {})
    info.update(
        thresholds=dict(getattr(predictor, "thresholds", {}) or {}),
        max_length=getattr(predictor, "max_length", None),
        temperature=dict(getattr(predictor, "temperature", {}) or {}),
    )
    return json.loads(json.dumps(info, default=str))


def _comparisons(metrics: dict, systems: dict, intervals: dict) -> dict[str, Any]:
    """Model minus each baseline on every headline metric, with the paired interval."""
    out: dict[str, Any] = {}
    for path in systems:
        if path == ("model",):
            continue
        for head, names in HEADLINE.items():
            for metric in names:
                ci = intervals.get(("diff", *path, head, metric))
                a, b = metrics["model"][head][metric], metrics[path[0]][path[1]][head][metric]
                entry = {
                    "model": a,
                    "baseline": b,
                    "diff": None if a is None or b is None else round(a - b, 6),
                    "ci95": ci,
                    "verdict": _verdict(metric, ci),
                }
                _set(out, (path[1], head, metric), entry)
    return out


def _calibration(gold: Gold, system: Aligned) -> dict[str, Any]:
    return {
        "stance": stance_calibration(system.stance_probs, gold.pair_gold, CALIBRATION_BINS),
        "frames": frame_calibration(
            system.frame_probs, gold.frame_gold, gold.frame_labels, CALIBRATION_BINS
        ),
    }


def notes(metrics: dict[str, Any]) -> list[str]:
    """Plain sentences on where the model does not beat a baseline, and on data size."""
    out = []
    n_docs = metrics["data"]["n_docs"]
    if n_docs < 20:
        out.append(
            f"Only {n_docs} documents were evaluated: intervals resample documents, "
            "so they are wide and themselves uncertain."
        )
    for base, heads in metrics["comparison"].items():
        for head, per_metric in heads.items():
            for metric, c in per_metric.items():
                if metric not in ("macro_f1", "f_avg") or c["diff"] is None:
                    continue
                name = f"{head} {METRIC_NAMES[metric]}"
                if c["diff"] <= 0:
                    out.append(
                        f"The model does NOT beat the {base} baseline on {name}: "
                        f"{c['model']:.3f} vs {c['baseline']:.3f}."
                    )
                elif c["verdict"] != "better":
                    out.append(
                        f"The model is ahead of the {base} baseline on {name} "
                        f"({c['model']:.3f} vs {c['baseline']:.3f}), but the 95 % interval "
                        "of the difference includes zero."
                    )
    return out


def write_predictions(path: Path, examples: Sequence[Example], preds: Sequence[dict]) -> None:
    def write(fh: Any) -> None:
        for ex, pred in zip(examples, preds, strict=True):
            row = {"id": ex.id, "doc_id": ex.doc_id, "text": ex.text}
            row.update(gold={"targets": ex.targets, "frames": ex.frames}, prediction=pred)
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    atomic_write(path, write)


def layer_groups(examples: Sequence[Example]) -> dict[str | None, list[Example]]:
    """Rows by corpus layer, the headline layer first: ``real`` when present.

    Data without layers is one group (key None). The real layer is the
    headline because published journalism is what the tool is for; the
    written layer is reported beside it, never instead of it.
    """
    groups: dict[str | None, list[Example]] = {}
    for ex in examples:
        groups.setdefault(ex.layer, []).append(ex)
    order = sorted(groups, key=lambda k: (k != PRIMARY_LAYER, k is None, k or ""))
    return {k: groups[k] for k in order}


def evaluate_model(
    predictor: PredictorLike,
    examples: Sequence[Example],
    out_dir: str | Path,
    *,
    seed: int = 0,
    n_bootstrap: int = 1000,
    baselines: bool = True,
    train_examples: Sequence[Example] | None = None,
    data_info: dict[str, Any] | None = None,
    batch_size: int = 32,
    progress: bool = False,
) -> dict[str, Any]:
    """Score ``predictor`` (and the baselines, trained on ``train_examples``) on
    ``examples``; write report.md, metrics.json, predictions.jsonl and plots/*.png
    into ``out_dir``; return the metrics.json content.

    With several corpus layers, the headline numbers are the first layer's
    (``layer_groups``) and every other layer gets the same metrics, intervals
    and baselines under ``layers.<name>``.
    """
    from stanceframe.eval.plots import make_plots
    from stanceframe.eval.report import write_report

    kwargs = dict(
        train_examples=train_examples,
        baselines=baselines,
        seed=seed,
        n_bootstrap=n_bootstrap,
        batch_size=batch_size,
        progress=progress,
    )
    groups = layer_groups(examples)
    results = {}
    for layer, rows in groups.items():
        info = {**(data_info or {}), **({"layer": layer} if layer else {})}
        results[layer] = compute_metrics(predictor, rows, data_info=info, **kwargs)
    head, *others = list(groups)
    metrics = results[head][0]
    if others:
        metrics["layers"] = {name: results[name][0] for name in others}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    metrics["plots"] = make_plots(metrics, out)
    rows = [ex for layer in groups for ex in groups[layer]]
    preds = [p for layer in groups for p in results[layer][1]]
    write_predictions(out / "predictions.jsonl", rows, preds)
    write_report(metrics, out)
    return metrics
