"""Label Studio export -> corpus rows, one per (task, annotator), every problem reported.

Problems are located as ``EXPORT:N: field: message`` where ``N`` is the task's
position in the export (1-based; JSON exports have no stable line numbers)
and ``field`` names the annotation and control, e.g.
``annotations[1].stance_2``. A task nobody annotated and an annotation that
was skipped (``was_cancelled``) are not problems: they are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stanceframe.annotate.labelstudio import FRAMES_CONTROL, load_export, stance_control
from stanceframe.data.errors import Problem
from stanceframe.data.io import row_to_example
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.validate import validate_examples


@dataclass
class Imported:
    """What an export held: the rows, the problems, and what was left out and why."""

    examples: list[Example] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    tasks: int = 0
    unannotated: int = 0
    skipped: int = 0

    def summary(self, path: str) -> str:
        people = len({ex.annotator for ex in self.examples})
        return (
            f"{path}: {self.tasks} tasks -> {len(self.examples)} rows by {people} annotator(s);"
            f" {self.unannotated} task(s) without annotations, {self.skipped} skipped"
            f" annotation(s), {len(self.problems)} problem(s)"
        )


def annotator_of(annotation: dict[str, Any], spec: str) -> str | None:
    """The annotator named by ``spec``, a dotted path into the annotation
    (``completed_by``, ``completed_by.email``); an object without a sub-key
    gives its ``email``, else its ``id``."""
    value: Any = annotation
    for part in spec.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if value is None or isinstance(value, (bool, list)) or str(value).strip() == "":
        return None
    return str(value)


def _choices(result: list[Any]) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    for item in result:
        if isinstance(item, dict) and item.get("type") == "choices":
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            chosen[str(item.get("from_name"))] = list(value.get("choices") or [])
    return chosen


def _task_targets(data: dict[str, Any]) -> list[tuple[int, str]]:
    slots = []
    for key, name in data.items():
        slot = key[7:] if key.startswith("target_") else ""
        if slot.isdigit() and isinstance(name, str) and name.strip():
            slots.append((int(slot), name.strip()))
    return sorted(slots)


def _annotation_row(task, data, k, annotation, annotator, bad) -> dict[str, Any] | None:
    """The corpus row of one annotation, or ``None`` after reporting why not."""
    where = f"annotations[{k}]"
    result = annotation.get("result")
    if not isinstance(result, list):
        bad(f"{where}.result", "expected a list of results")
        return None
    chosen = _choices(result)
    targets = {}
    for slot, name in _task_targets(data):
        labels = chosen.get(stance_control(slot), [])
        if len(labels) != 1:
            what = "no stance chosen" if not labels else f"{len(labels)} stances chosen"
            bad(f"{where}.{stance_control(slot)}", f"{what} for target {name!r}")
            return None
        targets[name] = labels[0]
    return {
        "id": data.get("sentence_id") or f"ls-task-{task.get('id')}",
        "doc_id": data.get("article_id") or "",
        "text": data.get("text"),
        "targets": targets,
        "frames": chosen.get(FRAMES_CONTROL, []),
        "annotator": annotator,
        "source": {
            "dataset": "label-studio",
            "task": task.get("id"),
            "annotation": annotation.get("id"),
            **{key: data[key] for key in ("start", "end") if isinstance(data.get(key), int)},
        },
    }


def import_export(
    path: str | Path, schema: LabelSchema | None = LabelSchema(), annotator_field="completed_by"
) -> Imported:
    """Every annotation of the export as a checked ``Example`` (``schema=None``:
    whatever labels occur), plus every problem and the counts of what was skipped."""
    out = Imported()
    located: list[tuple[int, Example]] = []
    for pos, task in enumerate(load_export(path), start=1):
        out.tasks += 1

        def bad(field_name: str, message: str, pos: int = pos) -> None:
            out.problems.append(Problem(str(path), pos, field_name, message))

        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict):
            bad("data", "a task needs a data object with the sentence")
            continue
        annotations = task.get("annotations") or []
        if not isinstance(annotations, list):
            bad("annotations", "expected a list")
            continue
        done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
        out.skipped += len(annotations) - len(done)
        out.unannotated += not done
        for k, annotation in enumerate(annotations):
            if annotation not in done:
                continue
            annotator = annotator_of(annotation, annotator_field)
            if annotator is None:
                bad(f"annotations[{k}].{annotator_field}", "no annotator in this field")
                continue
            row = _annotation_row(task, data, k, annotation, annotator, bad)
            if row is None:
                continue
            example, row_problems = row_to_example(str(path), pos, row)
            out.problems += row_problems
            if not row_problems:
                located.append((pos, example))
    checked = validate_examples(str(path), located, schema)
    out.problems += checked
    bad_lines = {p.line for p in checked}
    out.examples = [ex for pos, ex in located if pos not in bad_lines]
    out.problems.sort(key=lambda p: p.line)
    return out
