"""``stanceframe score`` (articles -> sentences, frames, stance, summary) and ``stanceframe bench``.

A thin layer over ``stanceframe.data.articles`` (reading inputs),
``stanceframe.model.scoring`` (predicting) and ``stanceframe.model.render``
(writing). Bad inputs are reported one line each as they are met; the good
ones are still scored, and the exit code is 1 if any input failed.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import typer

from stanceframe.cli.common import (
    err,
    handle_errors,
    parse_precision,
    resolve_model,
    set_threads,
)
from stanceframe.data.articles import (
    CORPUS_SUFFIXES,
    DEFAULT_MAX_BYTES,
    STDIN,
    Article,
    InputFailure,
    ReadOptions,
    iter_articles,
)
from stanceframe.data.io import atomic_write

FORMAT_HELP = (
    "table, json, jsonl, csv or html. Default: from --output's suffix, "
    "else table on a terminal, json otherwise."
)
INPUTS_HELP = (
    "Article files (.txt/.md), directories (searched recursively), '-' for stdin, "
    "or JSONL/CSV corpora (one article per row)."
)


def _format(fmt: str | None, output: Path | None) -> str:
    from stanceframe.model.render import FORMATS, SUFFIX_FORMATS

    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise typer.BadParameter(
                f"{fmt!r}: expected one of {', '.join(FORMATS)}", param_hint="--format"
            )
        return fmt
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "json")
    return "table" if sys.stdout.isatty() else "json"


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
    model: Path = typer.Option(
        None,
        "--model",
        "-m",
        help="Model directory. Default: the bundled default model (built on first use).",
    ),
    fmt: str = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    output: Path = typer.Option(
        None, "--output", "-o", help="Write here (atomically) instead of stdout."
    ),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Sentences per forward pass."),
    precision: str = typer.Option(
        None,
        help="fp32, bf16 or mixed (bf16, then fp32 for items near a decision: fp32 labels, "
        "about 2x faster). Default: mixed on CPUs with native bf16, else fp32; "
        "$STANCEFRAME_PRECISION overrides.",
    ),
    text_col: str = typer.Option("text", "--text-col", help="Corpus: the text field/column."),
    id_col: str = typer.Option("id", "--id-col", help="Corpus: the id field/column."),
    max_size: float = typer.Option(
        DEFAULT_MAX_BYTES / 1e6, "--max-size", min=0.001, help="Largest article, in MB."
    ),
    threads: int = typer.Option(0, "--threads", min=0, help="Torch threads (0: torch's default)."),
    progress: bool = typer.Option(
        None,
        "--progress/--no-progress",
        help="Progress bar on stderr (default: for several inputs on a terminal).",
    ),
) -> None:
    """Score articles: frames and stance per sentence, with offsets, and a summary per article."""
    if precision is not None:  # checked before the (possibly slow) model load
        precision = parse_precision(precision)
    from tqdm.auto import tqdm

    from stanceframe.model.render import write_results
    from stanceframe.model.scoring import model_meta, score_articles

    fmt = _format(fmt, output)
    set_threads(threads)
    predictor = resolve_model(model, True, precision)
    options = ReadOptions(text_col=text_col, id_col=id_col, max_bytes=int(max_size * 1e6))
    targets = list(dict.fromkeys(t.strip() for t in target if t.strip()))
    failures: list[InputFailure] = []
    show = _wants_progress(inputs, progress)
    bar = tqdm(desc="score", unit="article", disable=not show, file=sys.stderr)

    def articles() -> Iterator[Article]:
        for entry in iter_articles(inputs, options):
            if isinstance(entry, InputFailure):
                failures.append(entry)
                for line in str(entry).splitlines():
                    tqdm.write(f"error: {line}", file=sys.stderr)
                continue
            yield entry

    def scored() -> Iterator[dict]:
        for result in score_articles(predictor, articles(), targets, batch_size=batch_size):
            bar.update(1)
            yield result

    results = scored()
    # Nothing is written (and an existing --output is left alone) unless something scored.
    first = next(results, None)
    if first is None:
        bar.close()
        err("error: no article could be scored")
        raise typer.Exit(1)
    stream = chain([first], results)
    meta, schema = model_meta(predictor), predictor.schema

    def write(fh) -> None:
        tty = output is None and sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if tty else None
        write_results(fh, fmt, stream, meta, schema, targets, width=width, color=tty)

    if output is None:
        write(sys.stdout)
        sys.stdout.flush()
    else:
        atomic_write(output, write)
    bar.close()
    if failures:
        err(f"error: {len(failures)} input(s) failed; the others were scored")
        raise typer.Exit(1)


@handle_errors
def bench(
    model: Path = typer.Option(
        None, "--model", "-m", help="Model directory. Default: the bundled default model."
    ),
    n: int = typer.Option(10_000, "--n", min=1, help="Sentences to score."),
    target: list[str] = typer.Option(
        ["Valdoria"], "--target", "-t", help="Targets per sentence (repeatable)."
    ),
    inputs: list[Path] = typer.Option(
        [], "--input", "-i", help="Articles to draw sentences from (default: the bundled corpus)."
    ),
    batch_size: int = typer.Option(
        32, "--batch-size", min=1, help="Batch size of the optimised path."
    ),
    threads: int = typer.Option(0, "--threads", min=0, help="Torch threads (0: torch's default)."),
    bf16: bool = typer.Option(
        True,
        "--bf16/--no-bf16",
        help="Also time mixed (bf16 + fp32 re-check) and pure bf16, with label agreement.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Scoring speed: optimised path vs a naive loop over the same model, same run."""
    from stanceframe.data.io import read_text
    from stanceframe.eval.speed import bench_sentences, format_report, run_benchmark

    set_threads(threads)
    predictor = resolve_model(model)
    texts = [read_text(p) for p in inputs]
    sentences = bench_sentences(n, texts or None)
    variants = 5 if bf16 else 3
    err(
        f"timing {len(sentences)} sentences, {variants} variants in rounds (this takes a while) ..."
    )
    result = run_benchmark(predictor, sentences, target, batch_size=batch_size, try_bf16=bf16)
    print(json.dumps(result, indent=2) if as_json else format_report(result))


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("bench")(bench)
