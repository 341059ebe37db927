"""``stanceframe model build-default|info``: the default model, and what a model directory holds."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import PROGRESS_OPTION, handle_errors

model_app = typer.Typer(
    help="Manage models: build the default model, inspect a model.", no_args_is_help=True
)


@model_app.command("build-default")
@handle_errors
def build_default(
    force: bool = typer.Option(
        False, "--force", help="Rebuild even if a current default model exists."
    ),
    progress: bool = PROGRESS_OPTION,
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


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
