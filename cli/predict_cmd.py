"""``stanceframe predict``: tag sentences you have already split (JSONL in, JSONL out)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import (
    BATCH_OPTION,
    MODEL_OPTION,
    PRECISION_HELP,
    PROGRESS_OPTION,
    err,
    handle_errors,
    parse_precision,
    resolve_model,
)
from stanceframe.data.io import atomic_write, read_sentence_rows, sentence_keys


@handle_errors
def predict(
    input: Path = typer.Option(
        ...,
        "--input",
        "-i",
        help="Rows with a text and optional targets: JSONL, CSV, Parquet, or a datasets "
        "folder (save_to_disk, or data files with a README.md card).",
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Output JSONL (default: stdout). Written atomically."
    ),
    model: Path = MODEL_OPTION,
    batch_size: int = BATCH_OPTION,
    precision: str = typer.Option(None, help=PRECISION_HELP),
    progress: bool = PROGRESS_OPTION,
    text_col: str = typer.Option("text", "--text-col", help="The text field/column."),
    targets_col: str = typer.Option(
        "targets", "--targets-col", help="The targets field/column ('' for none)."
    ),
) -> None:
    """Tag sentences: each output row is the input row plus "pred".

    "pred" = {"frames": [...], "frame_probs": {label: p}, "stance": {target: label},
    "stance_probs": {target: {label: p}}}. Same model and input give byte-identical output.
    """
    if precision is not None:  # checked before the (possibly slow) model load
        precision = parse_precision(precision)
    rows = read_sentence_rows(input, text_col, targets_col or None)
    text_col, targets_col = sentence_keys(input, text_col, targets_col or None)
    predictor = resolve_model(model, progress, precision)
    texts = [row[text_col] for _, row in rows]
    targets = [list(row.get(targets_col) or []) if targets_col else [] for _, row in rows]
    preds = predictor.predict(texts, targets, batch_size=batch_size, progress=progress)
    lines = [
        json.dumps({**row, "pred": pred}, ensure_ascii=False, default=str) + "\n"
        for (_, row), pred in zip(rows, preds, strict=False)
    ]
    if output is None:
        typer.echo("".join(lines), nl=False)
    else:
        atomic_write(output, lambda fh: fh.writelines(lines))
        err(f"wrote {len(lines)} rows to {output}")


def register(app: typer.Typer) -> None:
    app.command()(predict)
