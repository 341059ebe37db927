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
from stanceframe.data.io import atomic_write, read_sentence_rows


@handle_errors
def predict(
    input: Path = typer.Option(
        ..., "--input", "-i", help="JSONL rows with id, text and optional targets."
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Output JSONL (default: stdout). Written atomically."
    ),
    model: Path = MODEL_OPTION,
    batch_size: int = BATCH_OPTION,
    precision: str = typer.Option(None, help=PRECISION_HELP),
    progress: bool = PROGRESS_OPTION,
) -> None:
    """Tag sentences: each output row is the input row plus "pred".

    "pred" = {"frames": [...], "frame_probs": {label: p}, "stance": {target: label},
    "stance_probs": {target: {label: p}}}. Same model and input give byte-identical output.
    """
    if precision is not None:  # checked before the (possibly slow) model load
        precision = parse_precision(precision)
    rows = read_sentence_rows(input)
    predictor = resolve_model(model, progress, precision)
    texts = [row["text"] for _, row in rows]
    targets = [list(row.get("targets") or []) for _, row in rows]
    preds = predictor.predict(texts, targets, batch_size=batch_size, progress=progress)
    lines = [
        json.dumps({**row, "pred": pred}, ensure_ascii=False) + "\n"
        for (_, row), pred in zip(rows, preds, strict=False)
    ]
    if output is None:
        typer.echo("".join(lines), nl=False)
    else:
        atomic_write(output, lambda fh: fh.writelines(lines))
        err(f"wrote {len(lines)} rows to {output}")


def register(app: typer.Typer) -> None:
    app.command()(predict)
