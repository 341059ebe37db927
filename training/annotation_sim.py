"""The annotation loop, simulated: does choosing what to label save labelling effort?

Starting from ``start`` labelled real sentences (a seeded random draw from the
real train split), each round adds ``step`` sentences picked by a strategy
from the rest of the real train split (their labels are the corpus's own, as
if an annotator had just provided them), retrains from the base encoder and
scores the real dev split. All strategies share the starting set and its
model, so the curves start at the same point. A benchmark, not a test: it
prints figures and writes a plot (``stanceframe annotate simulate``).

The budget is reduced so the whole run fits about 30 minutes on 2 cores
(``SIM_OVERRIDES``); dev both selects each model's checkpoint and scores it,
the same for every strategy, so the comparison between them is fair even if
the absolute figures flatter each model a little.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

from stanceframe.annotate.pool import pool_from_examples
from stanceframe.annotate.suggest import STRATEGIES, attach_predictions, pick, sentence_vectors
from stanceframe.data.corpus import load_labelled
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.split import by_split
from stanceframe.training.config import TrainConfig, load_config
from stanceframe.training.loop import train_model

# Fewer epochs and shorter inputs than the default model: ten trainings in ~30 minutes.
SIM_OVERRIDES = {"epochs": 3, "max_length": 96, "augment_rename": 0.0, "patience": 3}


def _train(rows: list[Example], dev: list[Example], config: TrainConfig, schema: LabelSchema):
    result = train_model(rows, dev, config, schema, progress=False)
    m = result.dev_metrics
    stance, frames = m.get("dev_stance_macro_f1", 0.0), m.get("dev_frames_macro_f1", 0.0)
    point = {"labels": len(rows), "stance_macro_f1": stance, "frames_macro_f1": frames}
    point["mean_macro_f1"] = (stance + frames) / 2
    return result.predictor, point


def simulate(
    start: int = 100,
    step: int = 100,
    rounds: int = 3,
    strategies: tuple[str, ...] = STRATEGIES,
    seed: int = 13,
    config: TrainConfig | None = None,
    data: str | Path | None = None,
    log=print,
) -> dict[str, Any]:
    """Learning curves per strategy: real-dev macro-F1 against labels used."""
    config = (config or load_config()).replace(seed=seed, **SIM_OVERRIDES)
    examples, _, schema = load_labelled(data)
    real = [ex for ex in examples if ex.layer == "real"] or examples
    pool_rows = by_split(real, "train")
    dev = by_split(real, "dev")
    schema = schema or LabelSchema.from_examples(real)
    if len(pool_rows) < start + step * rounds:
        raise ValueError(f"{len(pool_rows)} train rows, the run needs {start + step * rounds}")
    began = time.perf_counter()
    initial = random.Random(seed).sample(pool_rows, start)
    base_model, base_point = _train(initial, dev, config, schema)
    log(f"start: {start} random labels -> {_fmt(base_point)}")
    curves: dict[str, list[dict]] = {}
    for strategy in strategies:
        labelled, predictor, curve = list(initial), base_model, [base_point]
        for r in range(1, rounds + 1):
            taken = {ex.id for ex in labelled}
            rest = [ex for ex in pool_rows if ex.id not in taken]
            # The candidates know only the targets to ask, never the gold labels.
            pool = pool_from_examples(rest)
            if strategy != "random":
                attach_predictions(predictor, pool)
            vectors = (
                sentence_vectors(predictor, [c.text for c in pool])
                if strategy == "diverse"
                else None
            )
            chosen = {c.id for c in pick(pool, step, strategy, seed + r, vectors=vectors)}
            labelled += [ex for ex in rest if ex.id in chosen]
            predictor, point = _train(labelled, dev, config, schema)
            curve.append(point)
            log(f"{strategy} round {r}: {len(labelled)} labels -> {_fmt(point)}")
        curves[strategy] = curve
    return {
        "start": start,
        "step": step,
        "rounds": rounds,
        "seed": seed,
        "pool": len(pool_rows),
        "dev_sentences": len(dev),
        "config": {k: getattr(config, k) for k in SIM_OVERRIDES},
        "seconds": round(time.perf_counter() - began, 1),
        "curves": curves,
    }


def _fmt(point: dict) -> str:
    return (
        f"stance {point['stance_macro_f1']:.3f}  frames {point['frames_macro_f1']:.3f}"
        f"  mean {point['mean_macro_f1']:.3f}"
    )


def format_table(result: dict[str, Any]) -> str:
    """Markdown: one row per labels-used count, one column per strategy (mean macro-F1)."""
    strategies = list(result["curves"])
    lines = [
        "| labels | " + " | ".join(strategies) + " |",
        "| ---: | " + " | ".join("---" for _ in strategies) + " |",
    ]
    for k in range(result["rounds"] + 1):
        cells = []
        for s in strategies:
            p = result["curves"][s][k]
            cells.append(
                f"{p['mean_macro_f1']:.3f} (S {p['stance_macro_f1']:.3f},"
                f" F {p['frames_macro_f1']:.3f})"
            )
        labels = result["curves"][strategies[0]][k]["labels"]
        lines.append(f"| {labels} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(result: dict[str, Any], path: str | Path) -> None:
    """Mean real-dev macro-F1 against labels used, one line per strategy (PNG, atomic)."""
    from stanceframe.eval.plots import plt, save_figure

    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for strategy, curve in result["curves"].items():
        xs = [p["labels"] for p in curve]
        ax.plot(xs, [p["mean_macro_f1"] for p in curve], marker="o", label=strategy)
    ax.set_xlabel("labelled real sentences")
    ax.set_ylabel("real dev: mean of stance and frame macro-F1")
    ax.set_title("Simulated annotation loop")
    ax.grid(alpha=0.3)
    ax.legend()
    save_figure(fig, Path(path))


def log_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
