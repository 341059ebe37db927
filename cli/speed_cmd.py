"""``stanceframe speed score|train|start``: how fast scoring, training and start-up are here.

Benchmarks print figures and ratios measured in one run (never timed asserts):
``speed score`` times the optimised scoring path against a naive loop and the
approximate precision modes; ``speed train`` times training steps and model
loading; ``speed start`` times ``stanceframe score`` on one article as a whole process.
Library code: ``stanceframe.eval.speed``, ``eval.startup`` and ``training.speed``.
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
    help="Benchmarks: scoring (speed score), training (speed train), start-up (speed start).",
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
    corpus: int = typer.Option(
        0,
        "--corpus",
        min=0,
        help="Instead: score a synthetic Parquet corpus of this many sentences as a corpus "
        "run, one process against Ray pools (--actors), with peak memory.",
    ),
    actors: list[int] = typer.Option(
        [1, 2], "--actors", help="--corpus: Ray pool sizes to time (repeatable; 1 thread each)."
    ),
    no_ray: bool = typer.Option(False, "--no-ray", help="--corpus: only the one-process run."),
    workdir: Path = typer.Option(
        None, "--workdir", help="--corpus: where the corpus and shards go (default: a temp dir)."
    ),
    kill_after: float = typer.Option(
        None,
        "--kill-after",
        min=1,
        help="--corpus: SIGKILL the one-process run after this many seconds, then run it "
        "again: it must skip the finished shards.",
    ),
) -> None:
    """Scoring speed: a naive loop, optimised fp32 and the int8/bf16 modes, same run;
    plus this CPU's matmul throughput and the model's FLOPs per sentence.

    With --corpus N: a whole corpus run (Parquet in, shards out), one process
    against Ray actor pools, each a separate `stanceframe score` process."""
    if corpus:
        from stanceframe.batch.bench import corpus_benchmark, format_corpus_report

        pools = [] if no_ray else actors
        report = corpus_benchmark(
            corpus, model, pools, threads, workdir, kill_after=kill_after, log=err
        )
        print(json.dumps(report, indent=2) if as_json else format_corpus_report(report))
        return
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


@speed_app.command("start")
@handle_errors
def speed_start(
    article: Path = typer.Argument(
        None, help="Article to score (default: the 20-sentence example article)."
    ),
    model: Path = MODEL_OPTION,
    target: list[str] = typer.Option(
        ["Kestria", "Valdoria"], "--target", "-t", help="Targets (repeatable)."
    ),
    runs: int = typer.Option(5, min=1, help="Whole-process runs to time."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Start-up: `stanceframe score ARTICLE` as a whole process, min/median/max.

    Also times the stages in one process (import, load model, score) and names the
    costly imports (python -X importtime). Needs a built model (the default is built
    first if missing)."""
    from stanceframe.eval.startup import format_startup, run_startup
    from stanceframe.model.defaults import default_model_dir

    example = Path(__file__).resolve().parent.parent / "examples" / "border-water-analysis.txt"
    path = article or example
    if not path.is_file():
        raise typer.BadParameter(f"{path}: no such file", param_hint="ARTICLE")
    if model is None:
        resolve_model(None)  # builds the default model once, outside the timed runs
    result = run_startup(path, model or default_model_dir(), target, runs)
    print(json.dumps(result, indent=2) if as_json else format_startup(result))


def register(app: typer.Typer) -> None:
    app.add_typer(speed_app, name="speed")
