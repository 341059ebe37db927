"""``stanceframe.json``: what a model directory says about itself, checked field by field.

A model directory is trusted only after every required file is present and
``stanceframe.json`` holds well-typed values; each problem is one line naming
the file and the field. The weights' sha256 recorded at save time catches a
damaged, truncated or swapped ``model.safetensors``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from stanceframe.data.schema import LabelSchema
from stanceframe.model.errors import ModelError

FORMAT = "stanceframe-model"
# 2: the sentence is encoded once for all targets (model/network.py); temperatures.
# 3: the stance head attends with the target and its mentions (StanceHead).
FORMAT_VERSION = 3
META = "stanceframe.json"
WEIGHTS = "model.safetensors"
# A fast tokenizer's files: without them transformers silently builds a tiny
# vocabulary and every word becomes [UNK].
REQUIRED = (WEIGHTS, "config.json", META, "tokenizer.json", "tokenizer_config.json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_meta(model_dir: str | Path) -> dict[str, Any]:
    """The checked ``stanceframe.json`` of a complete model directory, or ``ModelError``."""
    path = Path(model_dir)
    if not path.is_dir():
        raise ModelError(f"{path}: no such model directory (train one with `stanceframe train`)")
    missing = [name for name in REQUIRED if not (path / name).is_file()]
    if missing:
        raise ModelError(f"{path}: incomplete model directory, missing {', '.join(missing)}")
    where = path / META
    try:
        meta = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelError(f"{where}:0: json: unreadable ({exc})") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{where}:0: json: expected a JSON object, got {type(meta).__name__}")
    if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: not a stanceframe model of format version {FORMAT_VERSION} "
            f"(found {meta.get('format')!r} v{meta.get('format_version')!r})"
        )
    _check_fields(where, meta)
    return meta


def _check_fields(where: Path, meta: dict[str, Any]) -> None:
    def bad(field: str, message: str) -> ModelError:
        return ModelError(f"{where}:0: {field}: {message}")

    max_length = meta.get("max_length")
    if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 16:
        raise bad("max_length", f"expected an integer >= 16, got {max_length!r}")
    try:
        schema = LabelSchema.from_dict(meta.get("labels"))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise bad("labels", f"expected {{stance_labels, frame_labels}} ({exc})") from None
    thresholds = meta.get("thresholds")
    if not isinstance(thresholds, dict) or set(thresholds) != set(schema.frame_labels):
        raise bad("thresholds", f"expected one per frame label {list(schema.frame_labels)}")
    if not all(isinstance(v, (int, float)) and 0 < v < 1 for v in thresholds.values()):
        raise bad("thresholds", "expected numbers between 0 and 1")
    temperature = meta.get("temperature", {})
    if not isinstance(temperature, dict) or not all(
        isinstance(v, (int, float)) and v > 0 for v in temperature.values()
    ):
        raise bad("temperature", "expected positive numbers per head")
    if not isinstance(meta.get("info", {}), dict):
        raise bad("info", "expected an object")


def check_weights(model_dir: Path, meta: dict[str, Any]) -> None:
    """The weights file matches the checksum saved with it (when one was saved)."""
    expected = meta.get("weights_sha256")
    if expected and file_sha256(model_dir / WEIGHTS) != expected:
        raise ModelError(
            f"{model_dir / WEIGHTS}: checksum does not match {META} "
            "(the file is damaged, truncated or from another model)"
        )


def check_tokenizer(model_dir: Path, tokenizer, rows: int) -> None:
    """The tokenizer's vocabulary fits the encoder's embedding matrix.

    A few padding rows beyond the vocabulary are normal; a vocabulary much
    smaller than the matrix means the tokenizer files belong to another model.
    """
    size = len(tokenizer)
    if size > rows or size < rows - 1024:
        raise ModelError(
            f"{model_dir / 'tokenizer.json'}: vocabulary of {size} tokens does not fit the "
            f"encoder's {rows} embedding rows (tokenizer files from another model?)"
        )
