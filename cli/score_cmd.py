"""``stanceframe score``: articles -> sentences with frames and stance, and a summary.

A thin layer over ``Predictor.score`` (reading, predicting, failure
collection, progress) and ``stanceframe.output.write_scores`` (writing,
atomically, and only when something scored).
"""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

import typer

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
from stanceframe.data.articles import CORPUS_SUFFIXES, DEFAULT_MAX_BYTES, STDIN, ReadOptions

FORMAT_HELP = (
    "table, json, jsonl, csv or html. Default: from --output's suffix, "
    "else table on a terminal, json otherwise."
)
INPUTS_HELP = (
    "Article files (.txt/.md), directories (searched recursively), '-' for stdin, "
    "or JSONL/CSV corpora (one article per row)."
)


def _wants_progress(inputs: list[str], progress: bool | None) -> bool:
    if progress is not None:
        return progress
    many = len(inputs) > 1 or any(
        i != STDIN and (Path(i).is_dir() or Path(i).suffix.lower() in CORPUS_SUFFIXES)
        for i in inputs
    )
    return many and sys.stderr.isatty()


@handle_errors
def score(
    inputs: list[str] = typer.Argument(..., metavar="INPUT", help=INPUTS_HELP),
    target: list[str] = typer.Option(
        [], "--target", "-t", help="Target to judge stance toward (repeatable)."
    ),
    model: Path = MODEL_OPTION,
    fmt: str = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path = typer.Option(
        None, "--output", "-o", help="Write here (atomically) instead of stdout."
    ),
    batch_size: int = BATCH_OPTION,
    precision: str = typer.Option(None, help=PRECISION_HELP),
    text_col: str = typer.Option("text", "--text-col", help="Corpus: the text field/column."),
    id_col: str = typer.Option("id", "--id-col", help="Corpus: the id field/column."),
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
) -> None:
    """Score articles: frames and stance per sentence, with offsets, and a summary per article."""
    from stanceframe.output import choose_format

    if precision is not None:  # checked before the (possibly slow) model load
        precision = parse_precision(precision)
    if not math.isfinite(max_size):
        raise typer.BadParameter(f"{max_size} is not a finite size in MB", param_hint="--max-size")
    tty = output is None and sys.stdout.isatty()
    try:
        fmt = choose_format(fmt, output, tty)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    set_threads(threads)
    predictor = resolve_model(model, True, precision)
    options = ReadOptions(text_col=text_col, id_col=id_col, max_bytes=int(max_size * 1e6))
    targets = list(dict.fromkeys(t.strip() for t in target if t.strip()))
    show = _wants_progress(inputs, progress)
    failures = _score_and_write(
        predictor, inputs, targets, options, fmt, output, batch_size, show, formulas_safe
    )
    if failures:
        err(f"error: {failures} input(s) failed; the others were scored")
        raise typer.Exit(1)


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
