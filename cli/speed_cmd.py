"""``stanceframe speed score|train``: how fast scoring and training run on this machine.

Benchmarks print figures and ratios measured in one run (never timed asserts):
``speed score`` times the optimised scoring path against a naive loop and the
approximate precision modes; ``speed train`` times training steps and model
loading. Library code: ``stanceframe.eval.speed`` and ``stanceframe.training.speed``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import (
    BATCH_OPTION,
    MODEL_OPTION,
    THREADS_OPTION,
    err,
    handle_errors,
    resolve_model,
    set_threads,
)

speed_app = typer.Typer(
    help="Benchmarks: scoring speed (speed score) and training speed (speed train).",
    no_args_is_help=True,
)


@speed_app.command("score")
@handle_errors
def speed_score(
    model: Path = MODEL_OPTION,
    n: int = typer.Option(10_000, "--n", min=1, help="Sentences to score."),
    target: list[str] = typer.Option(
        ["Valdoria"], "--target", "-t", help="Targets per sentence (repeatable)."
    ),
    inputs: list[Path] = typer.Option(
        [], "--input", "-i", help="Articles to draw sentences from (default: the bundled corpus)."
    ),
    batch_size: int = BATCH_OPTION,
    threads: int = THREADS_OPTION,
    bf16: bool = typer.Option(
        None,
        "--bf16/--no-bf16",
        help="Time the bf16 modes too (default: only where the CPU computes bf16 natively).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Scoring speed: a naive loop, optimised fp32 and the int8/bf16 modes, same run;
    plus this CPU's matmul throughput and the model's FLOPs per sentence."""
    from stanceframe.data.io import read_text
    from stanceframe.eval.speed import bench_sentences, format_report, run_benchmark

    set_threads(threads)
    predictor = resolve_model(model)
    texts = [read_text(p) for p in inputs]
    sentences = bench_sentences(n, texts or None)
    err(f"timing {len(sentences)} sentences in interleaved rounds (this takes a while) ...")
    result = run_benchmark(predictor, sentences, target, batch_size=batch_size, include_bf16=bf16)
    print(json.dumps(result, indent=2) if as_json else format_report(result))


@speed_app.command("train")
@handle_errors
def speed_train(
    steps: int = typer.Option(40, min=5, help="Training steps timed per precision."),
    full: bool = typer.Option(
        False, "--full", help="Also train the default model in fp32 and bf16 (slow)."
    ),
    config: Path = typer.Option(None, "--config", "-c", help="TOML config (default: default)."),
    threads: int = THREADS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Training speed: fp32 vs bf16 throughput, model load time; --full: end to end."""
    from stanceframe.training.speed import format_report, run

    set_threads(threads)
    result = run(steps, full, str(config) if config else None)
    print(json.dumps(result, indent=2) if as_json else format_report(result))


def register(app: typer.Typer) -> None:
    app.add_typer(speed_app, name="speed")
