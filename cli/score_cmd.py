"""``stanceframe score``: articles -> sentences with frames and stance, and a summary.

A thin layer over ``Predictor.score`` (reading, predicting, failure
collection, progress) and ``stanceframe.output.write_scores`` (writing,
atomically, and only when something scored).
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from pathlib import Path

import typer

from stanceframe.batch.runner import ENGINES
from stanceframe.batch.shards import DEFAULT_SHARD_SIZE
from stanceframe.cli.common import (
    BATCH_OPTION,
    MODEL_OPTION,
    PRECISION_HELP,
    THREADS_OPTION,
    err,
    handle_errors,
    parse_precision,
    resolve_model,
    set_threads,
)
from stanceframe.data.articles import DEFAULT_MAX_BYTES, STDIN, ReadOptions, is_corpus
from stanceframe.output.sentences import SENTENCE_FORMATS

FORMAT_HELP = (
    "table, json, jsonl, csv, html or parquet (one row per sentence). Default: from "
    "--output's suffix, else table on a terminal, json otherwise; parquet for a folder."
)
INPUTS_HELP = (
    "Article files (.txt/.md), directories (searched recursively), '-' for stdin, "
    "or corpora with one article per row: JSONL/CSV/TSV, Parquet files or folders, "
    "datasets folders (save_to_disk, or data files with a README.md card)."
)
OUTPUT_HELP = (
    "Write here (atomically) instead of stdout. A folder (an existing one, or a path "
    "ending in /) makes a sharded, restartable corpus run: part-NNNNN.parquet files of "
    "sentence rows; re-running the same command skips the shards already written."
)
ENGINE_HELP = (
    "Corpus runs: 'local' (this process) or 'ray' (an actor pool on Ray Data; "
    'pip install -e ".\\[ray]"). Needs --output FOLDER/.'
)


def _wants_progress(inputs: list[str], progress: bool | None) -> bool:
    if progress is not None:
        return progress
    many = len(inputs) > 1 or any(i != STDIN and (Path(i).is_dir() or is_corpus(i)) for i in inputs)
    return many and sys.stderr.isatty()


@handle_errors
def score(
    inputs: list[str] = typer.Argument(..., metavar="INPUT", help=INPUTS_HELP),
    target: list[str] = typer.Option(
        [], "--target", "-t", help="Target to judge stance toward (repeatable)."
    ),
    model: Path = MODEL_OPTION,
    fmt: str = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    # A str, not a Path: Path("out/") drops the slash that asks for a folder.
    output: str = typer.Option(None, "--output", "-o", help=OUTPUT_HELP),
    batch_size: int = BATCH_OPTION,
    precision: str = typer.Option(None, help=PRECISION_HELP),
    text_col: str = typer.Option("text", "--text-col", help="Corpus: the text field/column."),
    id_col: str = typer.Option("id", "--id-col", help="Corpus: the id field/column."),
    targets_col: str = typer.Option(
        "targets",
        "--targets-col",
        help="Corpus: a field/column of targets per row (a list, a {target: stance} object, "
        "or 'A;B'), judged besides --target. '' to ignore it.",
    ),
    max_size: float = typer.Option(
        DEFAULT_MAX_BYTES / 1e6, "--max-size", min=0.001, help="Largest article, in MB."
    ),
    threads: int = THREADS_OPTION,
    progress: bool = typer.Option(
        None,
        "--progress/--no-progress",
        help="Progress bar on stderr (default: for several inputs on a terminal).",
    ),
    formulas_safe: bool = typer.Option(
        True,
        "--csv-formula-guard/--no-csv-formula-guard",
        help="CSV: prefix text cells starting with = + - @ with ' so spreadsheets do not run "
        "them as formulas.",
    ),
    engine: str = typer.Option("local", "--engine", help=ENGINE_HELP),
    address: str = typer.Option(
        None, "--address", help="Ray: the cluster to join (default $RAY_ADDRESS, else local)."
    ),
    actors: int = typer.Option(
        0, "--actors", min=0, help="Ray: actors in the pool (0: cores / --threads)."
    ),
    shard_size: int = typer.Option(
        DEFAULT_SHARD_SIZE, "--shard-size", min=1, help="Corpus runs: rows (articles) per shard."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Corpus runs: start the folder's run again from scratch."
    ),
) -> None:
    """Score articles: frames and stance per sentence, with offsets, and a summary per article."""
    from stanceframe.output import choose_format

    if precision is not None:  # checked before the (possibly slow) model load
        precision = parse_precision(precision)
    if not math.isfinite(max_size):
        raise typer.BadParameter(f"{max_size} is not a finite size in MB", param_hint="--max-size")
    folder = output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir())
    output = Path(output) if output is not None else None
    tty = output is None and sys.stdout.isatty()
    try:
        fmt = (fmt or "parquet").lower() if folder else choose_format(fmt, output, tty)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    _check_mode(folder, fmt, output, engine)
    set_threads(threads if engine == "local" else 0)
    predictor = resolve_model(model, True, precision)
    options = ReadOptions(
        text_col=text_col,
        id_col=id_col,
        targets_col=targets_col or None,
        max_bytes=int(max_size * 1e6),
    )
    targets = list(dict.fromkeys(t.strip() for t in target if t.strip()))
    show = _wants_progress(inputs, progress)
    if folder:
        from stanceframe.batch.runner import CorpusJob
        from stanceframe.model.defaults import default_model_dir

        job = CorpusJob(
            tuple(inputs), output, fmt, tuple(targets), options, shard_size, batch_size, overwrite
        )
        ray_options = {
            "model_dir": model or default_model_dir(),
            "precision": precision,
            "actors": actors,
            "threads": threads or 1,
            "address": address,
        }
        failures = _run_folder(job, predictor, engine, ray_options, show)
    else:
        failures = _score_and_write(
            predictor, inputs, targets, options, fmt, output, batch_size, show, formulas_safe
        )
    if failures:
        err(f"error: {failures} input(s) failed; the others were scored")
        raise typer.Exit(1)


def _check_mode(folder: bool, fmt: str, output: Path | None, engine: str) -> None:
    """Usage errors (exit 2) before the model loads."""
    if engine not in ENGINES:
        msg = f"{engine!r}: expected {' or '.join(ENGINES)}"
        raise typer.BadParameter(msg, param_hint="--engine")
    if folder and fmt not in SENTENCE_FORMATS:
        msg = f"a folder of shards holds {' or '.join(SENTENCE_FORMATS)} sentence rows, not {fmt}"
        raise typer.BadParameter(msg, param_hint="--format")
    if engine == "ray" and not folder:
        msg = "--engine ray writes a folder of shards: give --output FOLDER/"
        raise typer.BadParameter(msg, param_hint="--output")
    if fmt == "parquet" and output is None:
        msg = "parquet is a binary format: give --output FILE.parquet or FOLDER/"
        raise typer.BadParameter(msg, param_hint="--format")


def _run_folder(job, predictor, engine: str, ray_options: dict, show: bool) -> int:
    from stanceframe.batch.runner import run_corpus

    summary = run_corpus(
        job,
        predictor,
        engine,
        ray_options if engine == "ray" else None,
        progress=show,
        log=err,
    )
    err(
        f"wrote {summary['written']} shard(s) to {job.output} "
        f"({summary['articles']} articles, {summary['sentences']} sentences, "
        f"{summary['sentences_per_s']} sentences/s); skipped {summary['skipped']} complete"
    )
    earlier = summary["failures_in_skipped"]
    if earlier:
        err(f"error: {earlier} row(s) of the skipped shards failed (_part-*.failures.txt)")
    return summary["failures"] + earlier


def _score_and_write(
    predictor, inputs, targets, options, fmt, output, batch_size, show, formulas_safe
) -> int:
    """Score and write; bad inputs are reported as they are met. The number that failed."""
    from tqdm.auto import tqdm

    from stanceframe.output import write_scores

    failures = []

    def report(failure) -> None:
        failures.append(failure)
        for line in str(failure).splitlines():
            tqdm.write(f"error: {line}", file=sys.stderr)

    results = predictor.score(
        [Path(i) for i in inputs],
        targets,
        on_error=report,
        options=options,
        batch_size=batch_size,
        progress=show,
    )
    tty = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if tty else None
    meta = predictor.meta()
    write_scores(results, fmt, meta, predictor.schema, targets, output, width, tty, formulas_safe)
    return len(failures)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
