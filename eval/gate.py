"""The quality gate: compare metrics.json numbers against the floors in a TOML file.

Floor files mirror metrics.json paths with TOML tables: ``[model.stance]``
``macro_f1 = 0.55`` requires ``model.stance.macro_f1 >= 0.55``. Every key is
a minimum; a metric that is missing or null fails (a gate that cannot see a
number must not pass it). Any numeric path works, e.g.
``[comparison.tfidf_logreg.stance.macro_f1]`` ``diff = 0.0`` requires the
model to be at least level with the TF-IDF baseline.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stanceframe.data.errors import DataError, Problem

FLOOR_PATH = Path(__file__).resolve().parent / "floor.toml"


@dataclass(frozen=True)
class Check:
    path: str
    value: float | None
    floor: float

    @property
    def ok(self) -> bool:
        return self.value is not None and self.value >= self.floor

    def __str__(self) -> str:
        value = "missing" if self.value is None else f"{self.value:.4f}"
        mark = "ok  " if self.ok else "FAIL"
        return f"{mark} {self.path} = {value} (floor {self.floor:.4f})"


def _flatten(tree: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, path, out)
        else:
            out[path] = value


def _read(path: Path, parse: Any, kind: str, syntax: str) -> Any:
    """Parse a UTF-8 file, or a one-line ``DataError`` naming it."""
    if not path.is_file():
        raise DataError(Problem(str(path), 0, "file", f"no such {kind} file"))
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:  # TOML and JSON errors are ValueErrors
        raise DataError(
            Problem(str(path), 0, syntax, f"not valid {syntax.upper()}: {exc}")
        ) from None


def load_floors(path: str | Path = FLOOR_PATH) -> dict[str, float]:
    """Dotted metric path -> minimum, from a floor TOML file."""
    path = Path(path)
    tree = _read(path, tomllib.loads, "floor", "toml")
    flat: dict[str, Any] = {}
    _flatten(tree, "", flat)
    problems = [
        Problem(str(path), 0, key, f"floor must be a number, got {value!r}")
        for key, value in flat.items()
        if isinstance(value, bool) or not isinstance(value, (int, float))
    ]
    if problems:
        raise DataError(problems)
    if not flat:
        raise DataError(Problem(str(path), 0, "file", "no floors defined"))
    return {key: float(value) for key, value in flat.items()}


def load_metrics(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    data = _read(path, json.loads, "metrics", "json")
    if not isinstance(data, dict):
        raise DataError(Problem(str(path), 0, "json", "expected a JSON object (metrics.json)"))
    return data


def lookup(metrics: dict[str, Any], path: str) -> float | None:
    """The number at a dotted path, or None when absent, null or not a number."""
    node: Any = metrics
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, (int, float)) or math.isnan(node):
        return None
    return float(node)


def check_floors(metrics: dict[str, Any], floors: dict[str, float]) -> list[Check]:
    """One check per floor, in the floor file's order."""
    return [Check(path, lookup(metrics, path), floor) for path, floor in floors.items()]


def failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok]
