"""``stanceframe annotate ...``: suggest sentences to label, the Label Studio config, import.

The loop: ``annotate suggest`` -> label in Label Studio -> export JSON ->
``annotate import`` -> ``data agreement`` (and ``--adjudicate majority``) -> ``train``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import (
    BATCH_OPTION,
    MODEL_OPTION,
    PROGRESS_OPTION,
    THREADS_OPTION,
    err,
    handle_errors,
    resolve_model,
    set_threads,
)
from stanceframe.data.atomic import atomic_write

app = typer.Typer(
    help=(
        "The annotation loop with Label Studio: suggest sentences worth labelling, print the "
        "labelling config, import the export back as corpus rows."
    ),
    no_args_is_help=True,
)


@app.command()
@handle_errors
def suggest(
    input: list[Path] = typer.Option(
        ..., "--input", "-i", help="Articles (.txt/.md, folders, JSONL/CSV corpora); repeatable."
    ),
    n: int = typer.Option(200, "--n", min=1, help="Sentences to pick."),
    out: Path = typer.Option(..., "--out", "-o", help="Label Studio tasks JSON to write."),
    strategy: str = typer.Option(
        "uncertainty",
        help="uncertainty: least sure decision first; diverse: the same spread over k-means "
        "clusters of sentence vectors, at most --per-article per article; random: the control.",
    ),
    target: list[str] = typer.Option(
        [], "--target", "-t", help="Target asked of every sentence (repeatable)."
    ),
    sentences: bool = typer.Option(
        False,
        "--sentences",
        help="INPUT is one JSONL/CSV of sentence rows (text, id, doc_id, targets), not articles.",
    ),
    per_article: int = typer.Option(
        3, min=0, help="diverse: at most this many sentences per article (0: no cap)."
    ),
    max_targets: int = typer.Option(3, min=1, help="Target slots in the labelling config."),
    pre_annotate: bool = typer.Option(
        True,
        "--pre-annotate/--no-pre-annotate",
        help="Put the model's labels in each task. Turn off when your label set is not the "
        "model's (the model still ranks the sentences).",
    ),
    seed: int = typer.Option(13, help="Seed for ties, k-means and the random strategy."),
    model: Path = MODEL_OPTION,
    batch_size: int = BATCH_OPTION,
    progress: bool = PROGRESS_OPTION,
) -> None:
    """Pick the N sentences most worth labelling, as Label Studio tasks.

    Each task has the sentence, its context (previous and next sentence) and the
    model's prediction as a pre-annotation. Import the file into a project set up
    with `annotate config`."""
    from stanceframe.annotate.pool import pool_from_articles, pool_from_sentences, suggest
    from stanceframe.annotate.suggest import STRATEGIES

    if strategy not in STRATEGIES:
        raise typer.BadParameter(
            f"expected one of {', '.join(STRATEGIES)}", param_hint="--strategy"
        )
    if sentences:
        if len(input) != 1:
            raise typer.BadParameter("--sentences takes exactly one file", param_hint="--input")
        pool = pool_from_sentences(input[0], target)
    else:
        pool = pool_from_articles(input, target, on_failure=lambda f: err(f"skipped: {f}"))
    predictor = resolve_model(model, progress)
    tasks = suggest(
        predictor, pool, n, strategy, seed, per_article, batch_size, progress, max_targets
    )
    if not pre_annotate:
        for task in tasks:
            task.pop("predictions", None)
    text = json.dumps(tasks, ensure_ascii=False, indent=2) + "\n"
    atomic_write(out, lambda fh: fh.write(text))
    err(f"wrote {len(tasks)} tasks ({strategy}, from {len(pool)} sentences) to {out}")


@app.command()
@handle_errors
def config(
    labels: Path = typer.Option(
        None,
        "--labels",
        help="Your own label set: a JSON/TOML file with stance_labels and frame_labels, a "
        "model directory, or a labelled JSONL/CSV file (the labels that occur). "
        "Default: the project's scheme.",
    ),
    max_targets: int = typer.Option(3, min=1, help="Target slots (stance choices) per task."),
) -> None:
    """Print the Label Studio labelling config (XML) for the label scheme.

    Paste it into a project's Settings > Labeling Interface > Code."""
    from stanceframe.annotate.labelstudio import labelling_config
    from stanceframe.annotate.schemas import schema_from

    print(labelling_config(schema_from(labels), max_targets), end="")


@app.command("import")
@handle_errors
def import_(
    export: Path = typer.Argument(..., help="Label Studio JSON export (Export > JSON)."),
    out: Path = typer.Option(..., "--out", "-o", help="Corpus rows (JSONL) to write."),
    annotator_field: str = typer.Option(
        "completed_by",
        help="Where an annotation names its annotator: a dotted path such as completed_by "
        "or completed_by.email.",
    ),
    labels: Path = typer.Option(
        None, "--labels", help="Label set to check against (as for `annotate config`)."
    ),
    any_labels: bool = typer.Option(False, "--any-labels", help="Accept whatever labels occur."),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Write the good rows even when some have problems."
    ),
) -> None:
    """Read a Label Studio JSON export back as corpus rows.

    One row per (task, annotator), with `annotator` and the task id in `source`.
    Every problem is printed as EXPORT:N: field: message (N = the task's position
    in the export); with any problem nothing is written and the exit code is 1,
    unless --skip-invalid."""
    from stanceframe.annotate.exports import import_export
    from stanceframe.annotate.schemas import schema_from
    from stanceframe.data.io import write_examples

    schema = None if any_labels else schema_from(labels)
    result = import_export(export, schema, annotator_field)
    for problem in result.problems:
        print(problem)
    err(result.summary(str(export)))
    if result.problems and not skip_invalid:
        err(f"nothing written to {out} (fix the problems, or pass --skip-invalid)")
        raise typer.Exit(1)
    if not result.examples:
        err("error: no annotations to write")
        raise typer.Exit(1)
    write_examples(out, result.examples)
    err(f"wrote {len(result.examples)} rows to {out}; next: stanceframe data agreement {out}")


@app.command()
@handle_errors
def simulate(
    out: Path = typer.Option(
        Path("eval/reports/annotation-loop"),
        "--out",
        "-o",
        help="Folder for the table, JSON, plot.",
    ),
    start: int = typer.Option(100, min=10, help="Labelled sentences to start from."),
    step: int = typer.Option(100, min=1, help="Sentences added per round."),
    rounds: int = typer.Option(3, min=1, help="Rounds per strategy."),
    seed: int = typer.Option(13, help="Seed for the starting draw, training and picks."),
    config: Path = typer.Option(None, help="Training config TOML (default: the default config)."),
    threads: int = THREADS_OPTION,
) -> None:
    """Benchmark the loop: does choosing what to label save effort?

    On the bundled real news: from START labels, add STEP per round by uncertainty,
    diverse and random picks (labels from the real train split), retrain, score real
    dev. Prints the table; writes simulation.md/.json and a plot. About 30 minutes
    on 2 cores with the defaults."""
    from stanceframe.training.annotation_sim import format_table, log_stderr, plot, simulate
    from stanceframe.training.config import load_config

    set_threads(threads)
    result = simulate(start, step, rounds, seed=seed, config=load_config(config), log=log_stderr)
    table = format_table(result)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "simulation.json", lambda fh: fh.write(json.dumps(result, indent=2)))
    note = (
        f"Real dev ({result['dev_sentences']} sentences), mean of stance and frame macro-F1;"
        f" pool: {result['pool']} real train sentences; {result['seconds']:.0f} s; budget"
        f" {result['config']}.\n\n"
    )
    atomic_write(out / "simulation.md", lambda fh: fh.write(note + table + "\n"))
    plot(result, out / "simulation.png")
    print(table)
    err(f"wrote simulation.md, simulation.json and simulation.png to {out}")


def register(app_: typer.Typer) -> None:
    app_.add_typer(app, name="annotate")
