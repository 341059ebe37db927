"""Which label set a Label Studio project uses: the project's, or a researcher's own."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from stanceframe.data.errors import DataError, Problem
from stanceframe.data.io import read_text
from stanceframe.data.schema import LabelSchema
from stanceframe.data.validate import load_checked


def schema_from(path: str | Path | None) -> LabelSchema:
    """The label schema in ``path``: a JSON/TOML file with ``stance_labels`` and
    ``frame_labels``, a model directory (its ``stanceframe.json``), or labelled
    rows (the labels that occur). ``None``: the project's scheme."""
    if path is None:
        return LabelSchema()
    path = Path(path)
    if path.is_dir():
        path = path / "stanceframe.json"
        if not path.is_file():
            raise DataError(Problem(str(path), 0, "labels", "not a model directory"))
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        return LabelSchema.from_examples(load_checked(path, None))
    text = read_text(path)
    try:
        data = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataError(Problem(str(path), getattr(exc, "lineno", 0), "labels", str(exc))) from None
    if isinstance(data, dict) and isinstance(data.get("labels"), dict):
        data = data["labels"]  # a model's stanceframe.json
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in data.values()
    ):
        msg = "expected stance_labels and frame_labels, each a list of strings"
        raise DataError(Problem(str(path), 0, "labels", msg))
    try:  # unknown keys are errors (from_dict names them), not silently dropped
        return LabelSchema.from_dict({"stance_labels": [], "frame_labels": [], **data})
    except ValueError as exc:
        raise DataError(Problem(str(path), 0, "labels", str(exc))) from None
