"""``stanceframe evaluate``, ``cv`` and ``gate``: reports, cross-validation, the quality gate.

Thin layer over ``stanceframe.eval`` and ``stanceframe.training.cv``: results
(summary tables, gate checks) on stdout, progress and notes on stderr.
"""

from __future__ import annotations

from pathlib import Path

import typer

from stanceframe.cli.common import BATCH_OPTION, MODEL_OPTION, PROGRESS_OPTION, err, handle_errors
from stanceframe.eval.gate import FLOOR_PATH, check_floors, failures, load_floors, load_metrics


def _gate(metrics: dict, floor: Path) -> None:
    checks = check_floors(metrics, load_floors(floor))
    for check in checks:
        print(check)
    bad = failures(checks)
    if bad:
        err(f"gate FAILED ({floor}): {len(bad)} metric(s) below floor:")
        for check in bad:
            err(f"  {check}")
        raise typer.Exit(1)
    err(f"gate passed ({floor}): {len(checks)} metric(s) at or above floor")


def evaluate(
    model: Path = MODEL_OPTION,
    data: Path = typer.Option(
        None,
        "--data",
        "-d",
        help="Labelled JSONL, CSV, Parquet or datasets folder. Default: the bundled corpus.",
    ),
    split: str = typer.Option("test", help="Split to evaluate (train/dev/test), or 'all' rows."),
    out: Path = typer.Option(
        Path("eval-report"), "--out", "-o", help="Output folder for report.md, metrics.json, plots."
    ),
    bootstrap: int = typer.Option(
        1000, "--bootstrap", min=0, help="Bootstrap resamples (documents) for 95 % CIs; 0 = none."
    ),
    seed: int = typer.Option(0, help="Seed for the bootstrap and the baselines."),
    floor: Path = typer.Option(
        None, "--floor", help="Floor TOML: exit 1 if a metric falls below it."
    ),
    baselines: bool = typer.Option(
        True, "--baselines/--no-baselines", help="Train and report the baselines."
    ),
    batch_size: int = BATCH_OPTION,
    progress: bool = PROGRESS_OPTION,
) -> None:
    """Score a model and the baselines on one split; write report.md, metrics.json and plots."""
    import stanceframe
    from stanceframe.eval.report import format_summary

    metrics = stanceframe.evaluate(
        model,
        data,
        split=split,
        out=out,
        bootstrap=bootstrap,
        seed=seed,
        baselines=baselines,
        progress=progress,
        batch_size=batch_size,
        on_note=lambda note: err(f"note: {note}"),
    )
    print(format_summary(metrics))
    print(f"report: {out / 'report.md'}")
    if floor is not None:
        _gate(metrics, floor)


def cv(
    folds: int = typer.Option(
        5, "--folds", "-k", min=2, help="Number of folds (grouped by document)."
    ),
    data: Path = typer.Option(
        None,
        "--data",
        "-d",
        help="Labelled JSONL, CSV, Parquet or datasets folder. Default: the bundled corpus.",
    ),
    config: Path = typer.Option(
        None, "--config", "-c", help="Training config TOML. Default: the default config."
    ),
    out: Path = typer.Option(
        Path("cv-report"), "--out", "-o", help="Output folder for cv.md and cv.json."
    ),
    seed: int = typer.Option(
        None, help="Seed for the fold assignment (default: the config's seed)."
    ),
    baselines: bool = typer.Option(
        True, "--baselines/--no-baselines", help="Score the baselines per fold too."
    ),
    progress: bool = PROGRESS_OPTION,
) -> None:
    """k-fold cross-validation grouped by document: mean ± std per metric, cv.md + cv.json."""
    from stanceframe.eval.selection import load_rows
    from stanceframe.training.config import load_config
    from stanceframe.training.cv import cross_validate, format_cv_summary, write_cv

    train_config = load_config(config)
    examples, source, schema = load_rows(data)
    result = cross_validate(
        examples,
        train_config,
        folds=folds,
        seed=seed,
        schema=schema,
        baselines=baselines,
        progress=progress,
        data_info={"path": source},
    )
    write_cv(result, out)
    print(format_cv_summary(result))
    print(f"report: {out / 'cv.md'}")


def gate(
    metrics_json: Path = typer.Argument(..., help="metrics.json written by stanceframe evaluate."),
    floor: Path = typer.Option(
        FLOOR_PATH, "--floor", help="Floor TOML (default: eval/floor.toml)."
    ),
) -> None:
    """Check metrics.json against the floors; exit 1 listing every metric below its floor."""
    _gate(load_metrics(metrics_json), floor)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(handle_errors(evaluate))
    app.command("cv")(handle_errors(cv))
    app.command("gate")(handle_errors(gate))
