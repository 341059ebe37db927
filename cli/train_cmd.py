"""``stanceframe train``: fine-tune on the bundled corpus or on your own labels."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import PROGRESS_OPTION, handle_errors


@handle_errors
def train(
    config: Path = typer.Option(
        None, "--config", "-c", help="TOML config (default: training/configs/default.toml)."
    ),
    data: Path = typer.Option(
        None,
        "--data",
        "-d",
        help="Labelled data: JSONL, CSV, Parquet or a datasets folder (default: bundled corpus).",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Model directory to write."),
    seed: int = typer.Option(None, help="Override the config's seed."),
    epochs: int = typer.Option(None, help="Override the config's epochs."),
    base_model: str = typer.Option(
        None, help="Override the base encoder (local dir or model name)."
    ),
    progress: bool = PROGRESS_OPTION,
) -> None:
    """Fine-tune encoder + stance head + frame head; keep the best dev checkpoint.

    With no --config/--data it trains the default model on the bundled corpus
    (train split of both layers; the real-news dev split selects the checkpoint
    and fits temperatures and thresholds). Prints the dev metrics as JSON.
    """
    import stanceframe

    overrides = {
        k: v
        for k, v in {"seed": seed, "epochs": epochs, "base_model": base_model}.items()
        if v is not None
    }
    result = stanceframe.train(out, data=data, config=config, progress=progress, **overrides)
    metrics = {k: round(v, 4) if isinstance(v, float) else v for k, v in result.dev_metrics.items()}
    print(json.dumps({"model": str(out), "dev": metrics}, indent=2))


def register(app: typer.Typer) -> None:
    app.command()(train)
