"""``stanceframe train``, ``stanceframe predict`` and ``stanceframe model ...``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import (
    err,
    handle_errors,
    parse_precision,
    resolve_model,
    set_threads,
)
from stanceframe.data.errors import DataError, Problem
from stanceframe.data.io import atomic_write, raw_rows

model_app = typer.Typer(
    help="Manage models: build the default model, inspect a model.", no_args_is_help=True
)


@handle_errors
def train(
    config: Path = typer.Option(
        None, "--config", "-c", help="TOML config (default: training/configs/default.toml)."
    ),
    data: Path = typer.Option(
        None, "--data", "-d", help="JSONL/CSV labelled data (default: the bundled corpus)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Model directory to write."),
    seed: int = typer.Option(None, help="Override the config's seed."),
    epochs: int = typer.Option(None, help="Override the config's epochs."),
    base_model: str = typer.Option(
        None, help="Override the base encoder (local dir or model name)."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Fine-tune encoder + stance head + frame head; keep the best dev checkpoint.

    With no --config/--data it trains the default model on the bundled corpus
    (train split; dev split for early stopping and thresholds).
    """
    from stanceframe.training.config import load_config
    from stanceframe.training.run import train_to_dir

    cfg = load_config(config)
    overrides = {
        k: v
        for k, v in {"seed": seed, "epochs": epochs, "base_model": base_model}.items()
        if v is not None
    }
    cfg = cfg.replace(**overrides) if overrides else cfg
    result = train_to_dir(cfg, out, data=data, progress=progress)
    metrics = {k: round(v, 4) if isinstance(v, float) else v for k, v in result.dev_metrics.items()}
    print(json.dumps({"model": str(out), "dev": metrics}, indent=2))


def _predict_rows(path: Path) -> list[tuple[int, dict]]:
    rows, problems = raw_rows(path)
    for lineno, row in rows:
        if not isinstance(row.get("text"), str) or not row["text"].strip():
            problems.append(Problem(str(path), lineno, "text", "missing or empty text"))
        targets = row.get("targets", [])
        if not isinstance(targets, (list, dict)) or not all(
            isinstance(t, str) and t.strip() for t in targets
        ):
            problems.append(
                Problem(
                    str(path),
                    lineno,
                    "targets",
                    "expected a list of target names or a {target: stance} object",
                )
            )
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.line))
    return rows


@handle_errors
def predict(
    input: Path = typer.Option(
        ..., "--input", "-i", help="JSONL rows with id, text and optional targets."
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Output JSONL (default: stdout). Written atomically."
    ),
    model: Path = typer.Option(
        None, "--model", "-m", help="Model directory (default: the default model)."
    ),
    batch_size: int = typer.Option(32, min=1, help="Items per forward pass."),
    precision: str = typer.Option(
        None,
        help="fp32, bf16 or mixed (bf16, then fp32 for items near a decision: fp32 labels, "
        "about 2x faster). Default: mixed on CPUs with native bf16, else fp32; "
        "$STANCEFRAME_PRECISION overrides.",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Tag sentences: each output row is the input row plus "pred".

    "pred" = {"frames": [...], "frame_probs": {label: p}, "stance": {target: label},
    "stance_probs": {target: {label: p}}}. Same model and input give byte-identical output.
    """
    if precision is not None:  # checked before the (possibly slow) model load
        precision = parse_precision(precision)
    rows = _predict_rows(input)
    predictor = resolve_model(model, progress, precision)
    texts = [row["text"] for _, row in rows]
    targets = [list(row.get("targets") or []) for _, row in rows]
    preds = predictor.predict(texts, targets, batch_size=batch_size, progress=progress)
    lines = [
        json.dumps({**row, "pred": pred}, ensure_ascii=False) + "\n"
        for (_, row), pred in zip(rows, preds, strict=False)
    ]
    if output is None:
        typer.echo("".join(lines), nl=False)
    else:
        atomic_write(output, lambda fh: fh.writelines(lines))
        err(f"wrote {len(lines)} rows to {output}")


@model_app.command("build-default")
@handle_errors
def build_default(
    force: bool = typer.Option(
        False, "--force", help="Rebuild even if a current default model exists."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Train the default model from the bundled corpus into the cache directory."""
    from stanceframe.model.defaults import default_model_dir
    from stanceframe.training.default import build_default_model, ensure_default_model

    path = (
        build_default_model(progress=progress) if force else ensure_default_model(progress=progress)
    )
    print(path if path else default_model_dir())


@model_app.command("info")
@handle_errors
def info(
    model: Path = typer.Argument(None, help="Model directory (default: the default model's)."),
) -> None:
    """Print a model's labels, thresholds, provenance and dev metrics as JSON."""
    from stanceframe.model.defaults import default_model_dir
    from stanceframe.model.store import read_meta

    path = model or default_model_dir()
    meta = read_meta(path)
    metrics_path = Path(path) / "metrics.json"
    if metrics_path.is_file():
        meta["dev_metrics"] = json.loads(metrics_path.read_text(encoding="utf-8"))
    print(json.dumps(meta, indent=2, ensure_ascii=False))


@handle_errors
def bench_train(
    steps: int = typer.Option(40, min=5, help="Training steps timed per precision."),
    full: bool = typer.Option(
        False, "--full", help="Also train the default model in fp32 and bf16 (about 10 min)."
    ),
    config: Path = typer.Option(None, "--config", "-c", help="TOML config (default: default)."),
    threads: int = typer.Option(0, min=0, help="Torch threads (0: torch's default)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Training speed: fp32 vs bf16 throughput, model load time; --full: end to end."""
    from stanceframe.training.bench import format_report, run

    set_threads(threads)
    result = run(steps, full, str(config) if config else None)
    print(json.dumps(result, indent=2) if as_json else format_report(result))


def register(app: typer.Typer) -> None:
    app.command()(train)
    app.command()(predict)
    app.command("bench-train")(bench_train)
    app.add_typer(model_app, name="model")
