"""``stanceframe data ...``: validate, stats and split labelled files."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import err, handle_errors
from stanceframe.data.corpus import CORPUS_PATH
from stanceframe.data.io import CsvColumns, write_examples
from stanceframe.data.schema import LabelSchema
from stanceframe.data.split import assign_splits, parse_ratios
from stanceframe.data.stats import corpus_stats, format_stats
from stanceframe.data.validate import load_checked, validate_file

app = typer.Typer(
    help="Validate, describe and split labelled data (JSONL, CSV, Parquet, datasets folders).",
    no_args_is_help=True,
)

FILE_ARG = typer.Argument(
    None, help="JSONL, CSV or Parquet file, or a datasets folder. Default: the bundled corpus."
)


def _schema(
    stance_labels: str | None, frame_labels: str | None, any_labels: bool
) -> LabelSchema | None:
    if any_labels:
        return None
    base = LabelSchema()
    stances = (
        tuple(s.strip() for s in stance_labels.split(",")) if stance_labels else base.stance_labels
    )
    frames = (
        tuple(f.strip() for f in frame_labels.split(",")) if frame_labels else base.frame_labels
    )
    return LabelSchema(stances, frames)


def _columns(text_col: str, id_col: str, frames_sep: str) -> CsvColumns:
    return CsvColumns(text=text_col, id=id_col, frames_sep=frames_sep)


@app.command()
@handle_errors
def validate(
    file: Path = FILE_ARG,
    stance_labels: str = typer.Option(
        None, help="Comma-separated allowed stance labels (default favor,against,neutral)."
    ),
    frame_labels: str = typer.Option(
        None, help="Comma-separated allowed frame labels (default: the three frames)."
    ),
    any_labels: bool = typer.Option(
        False, "--any-labels", help="Accept whatever labels occur (own label sets)."
    ),
    text_col: str = typer.Option("text", help="CSV: text column."),
    id_col: str = typer.Option("id", help="CSV: id column."),
    frames_sep: str = typer.Option(";", help="CSV: separator inside the frames cell."),
) -> None:
    """Report EVERY problem as FILE:LINE: field: message; exit 1 if any."""
    path = file or CORPUS_PATH
    result = validate_file(
        path,
        _schema(stance_labels, frame_labels, any_labels),
        _columns(text_col, id_col, frames_sep),
    )
    for problem in result.problems:
        print(problem)
    err(result.summary())
    if not result.ok:
        raise typer.Exit(1)


@app.command()
@handle_errors
def stats(
    file: Path = FILE_ARG,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    any_labels: bool = typer.Option(False, "--any-labels", help="Accept whatever labels occur."),
    layer: str = typer.Option(None, help="Only the rows of this corpus layer (real, written)."),
) -> None:
    """Counts per label, split, topic and genre; frame co-occurrence; sentence lengths."""
    examples = load_checked(file or CORPUS_PATH, None if any_labels else LabelSchema())
    if layer is not None:
        examples = [ex for ex in examples if ex.layer == layer]
        if not examples:
            raise typer.BadParameter(f"no rows of layer {layer!r}", param_hint="--layer")
    result = corpus_stats(examples)
    print(json.dumps(result, indent=2) if as_json else format_stats(result))


@app.command()
@handle_errors
def split(
    file: Path = typer.Argument(..., help="JSONL file to split."),
    ratios: str = typer.Option("0.7,0.15,0.15", help="train,dev,test shares (of sentences)."),
    seed: int = typer.Option(13, help="Seed for the document shuffle."),
    holdout_topic: list[str] = typer.Option(
        [], "--holdout-topic", help="Topic kept for test only (repeatable)."
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help="Output file (default: rewrite FILE in place, atomically)."
    ),
    any_labels: bool = typer.Option(False, "--any-labels", help="Accept whatever labels occur."),
) -> None:
    """Assign train/dev/test by document (never by sentence), deterministically."""
    try:
        parsed = parse_ratios(ratios)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--ratios") from None
    examples = load_checked(file, None if any_labels else LabelSchema())
    rows = assign_splits(examples, parsed, seed=seed, holdout_topics=holdout_topic)
    target = out or file
    write_examples(target, rows)
    counts = corpus_stats(rows)["splits"]
    err(
        f"wrote {len(rows)} rows to {target}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )


@app.command()
@handle_errors
def agreement(
    first: Path = typer.Argument(
        None,
        help="First pass, or ONE file of rows with an `annotator` field (from `annotate "
        "import`). Default: the bundled first pass of --layer.",
    ),
    second: Path = typer.Argument(None, help="Second pass (default: the bundled blind pass)."),
    layer: str = typer.Option(
        "real", help="Bundled passes to compare when no files are given: real or written."
    ),
    adjudicate: str = typer.Option(
        None,
        help="With one annotated file: `majority` writes one row per sentence to --out (a "
        "label more than half the annotators chose; ties are listed, not written).",
    ),
    out: Path = typer.Option(None, "--out", "-o", help="Where --adjudicate writes its rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Cohen's kappa per frame and for stance: between two labelling passes, or between
    every pair of annotators in one file (weighted mean over pairs, then each pair).

    Without files it recomputes the datasheet's figures from the corpus's own
    passes under data/corpus/agreement/ (a source checkout is needed).
    """
    from stanceframe.data.agreement import PASSES, agreement_files, format_agreement

    if adjudicate is not None and (second is not None or first is None):
        raise typer.BadParameter("needs exactly one annotated file", param_hint="--adjudicate")
    if first is not None and second is None:
        _annotators(first, adjudicate, out, as_json)
        return
    if layer not in PASSES:
        raise typer.BadParameter(f"expected one of {', '.join(PASSES)}", param_hint="--layer")
    default_first, default_second = PASSES[layer]
    result = agreement_files(first or default_first, second or default_second)
    print(json.dumps(result, indent=2) if as_json else format_agreement(result))


def _annotators(path: Path, adjudicate: str | None, out: Path | None, as_json: bool) -> None:
    from stanceframe.data.agreement import (
        adjudicate_majority,
        annotator_agreement,
        format_agreement,
    )

    if adjudicate not in (None, "majority"):
        raise typer.BadParameter("the one rule is `majority`", param_hint="--adjudicate")
    if adjudicate and out is None:
        raise typer.BadParameter("--adjudicate needs --out", param_hint="--out")
    examples = load_checked(path, None)
    result = annotator_agreement(examples, source=str(path))
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print(f"annotators: {', '.join(result['annotators'])}")
        print(format_agreement(result))
        for pair in result["pairs"]:
            print(f"\n{' vs '.join(pair['annotators'])}")
            print(format_agreement(pair))
    if adjudicate:
        rows, ties = adjudicate_majority(examples)
        write_examples(out, rows)
        for sid in ties:
            err(f"tie: {sid} (no majority; decide it by hand)")
        err(f"wrote {len(rows)} adjudicated rows to {out}; {len(ties)} tie(s) left out")
