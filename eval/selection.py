"""Which rows an evaluation scores and which rows train its baselines.

The bundled corpus is held to the default label scheme; a user's own file
may bring its own labels. ``split`` picks the evaluated rows; baselines
train on the ``train`` split, so they are skipped when the data has none
or when the train rows themselves are evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stanceframe.data.corpus import load_labelled
from stanceframe.data.errors import DataError, Problem
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.split import by_split


@dataclass
class Selection:
    rows: list[Example]
    train: list[Example] | None  # None: no baselines
    source: str
    schema: LabelSchema | None  # None: whatever labels occur
    notes: list[str] = field(default_factory=list)


def select(data: str | Path | None, split: str) -> Selection:
    """The rows of ``split`` (or every row with ``"all"``) and the baselines' train rows."""
    examples, source, schema = load_labelled(data)
    if split == "all":
        note = "--split all: baselines are skipped (they would score their own training rows)"
        return Selection(examples, None, source, schema, [note])
    if not any(ex.split for ex in examples):
        note = (
            f"{source} has no split field: evaluating all rows; baselines need a train split "
            "and are skipped (stanceframe data split adds one)"
        )
        return Selection(examples, None, source, schema, [note])
    rows = by_split(examples, split)
    if not rows:
        present = sorted({ex.split for ex in examples if ex.split})
        raise DataError(Problem(source, 0, "split", f"no rows with split {split!r} ({present})"))
    train = by_split(examples, "train")
    if not train or split == "train":
        return Selection(
            rows, None, source, schema, ["no separate train split: baselines are skipped"]
        )
    return Selection(rows, train, source, schema)
