"""Check a labelled file against the label schema and report every problem.

Row-level type checks live in ``io``; here are the checks that need the whole
file (duplicate ids, a document in two splits) or a schema (unknown labels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stanceframe.data.io import CsvColumns, DataError, Problem, raw_rows, row_to_example
from stanceframe.data.schema import LAYERS, SPLITS, Example, LabelSchema


@dataclass
class Validation:
    path: str
    examples: list[Example] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        docs = len({ex.doc_id for ex in self.examples})
        if self.ok:
            return f"{self.path}: OK, {len(self.examples)} rows in {docs} documents"
        return f"{self.path}: {len(self.problems)} problem(s) in {len(self.examples)} readable rows"


def validate_examples(
    path: str, located: list[tuple[int, Example]], schema: LabelSchema | None
) -> list[Problem]:
    """Cross-row and schema checks over ``(line, example)`` pairs."""
    problems: list[Problem] = []
    seen_ids: dict[tuple[str, str | None], int] = {}
    doc_split: dict[str, tuple[str, int]] = {}
    for lineno, ex in located:
        found = []  # (field, message)
        # Several annotators may label one sentence: an id repeats once per annotator.
        key = (ex.id, ex.annotator)
        if ex.id and key in seen_ids:  # a missing id is already reported
            who = f" by annotator {ex.annotator!r}" if ex.annotator else ""
            found.append(("id", f"duplicate id {ex.id!r}{who} (first on line {seen_ids[key]})"))
        seen_ids.setdefault(key, lineno)
        found += _split_problems(ex, lineno, doc_split)
        if ex.layer is not None and ex.layer not in LAYERS:
            found.append(("layer", f"unknown layer {ex.layer!r}, expected one of {list(LAYERS)}"))
        if schema is not None:
            found += _label_problems(ex, schema)
        problems += [Problem(path, lineno, field, msg) for field, msg in found]
    return problems


def _split_problems(ex: Example, lineno: int, doc_split: dict) -> list[tuple[str, str]]:
    """An unknown split, or a document already seen in another split."""
    if ex.split is None:
        return []
    found = []
    if ex.split not in SPLITS:
        found.append(("split", f"unknown split {ex.split!r}, expected one of {list(SPLITS)}"))
    first = doc_split.setdefault(ex.doc_id, (ex.split, lineno))
    if first[0] != ex.split:
        found.append(
            (
                "split",
                f"document {ex.doc_id!r} is in split {ex.split!r} here "
                f"but in {first[0]!r} on line {first[1]}",
            )
        )
    return found


def _label_problems(ex: Example, schema: LabelSchema) -> list[tuple[str, str]]:
    found = []
    for target, stance in ex.targets.items():
        if stance not in schema.stance_labels:
            found.append(
                (
                    "targets",
                    f"unknown stance label {stance!r} for target {target!r}, "
                    f"expected one of {list(schema.stance_labels)}",
                )
            )
    for frame in ex.frames or []:
        if frame not in schema.frame_labels:
            found.append(
                (
                    "frames",
                    f"unknown frame label {frame!r}, expected one of {list(schema.frame_labels)}",
                )
            )
    return found


def validate_file(
    path: str | Path,
    schema: LabelSchema | None = LabelSchema(),
    columns: CsvColumns | None = None,
) -> Validation:
    """Every problem in the file. ``schema=None`` accepts whatever labels occur."""
    result = Validation(str(path))
    try:
        rows, result.problems = raw_rows(path, columns)
    except DataError as err:
        result.problems = err.problems
        return result
    located = []
    for lineno, row in rows:
        ex, row_problems = row_to_example(str(path), lineno, row)
        result.problems.extend(row_problems)
        if ex is not None:
            located.append((lineno, ex))
    result.problems.extend(validate_examples(str(path), located, schema))
    result.problems.sort(key=lambda p: p.line)
    bad_lines = {p.line for p in result.problems}
    result.examples = [ex for lineno, ex in located if lineno not in bad_lines]
    return result


def load_checked(
    path: str | Path, schema: LabelSchema | None = None, columns: CsvColumns | None = None
) -> list[Example]:
    """Examples from a file that passes validation, else ``DataError`` with all problems."""
    result = validate_file(path, schema, columns)
    if not result.ok:
        raise DataError(result.problems)
    return result.examples
