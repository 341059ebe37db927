"""Label Studio's JSON formats: the labelling config, tasks to import, exports to read.

Written from Label Studio's documented formats (no SDK needed):

- a *task* is ``{"data": {...}, "predictions": [...]}``; ``data`` holds the
  sentence (``text``), its neighbours (``prev``, ``next``), where it comes from
  (``article_id``, ``sentence_index``, ``start``, ``end``, ``sentence_id``) and
  up to ``max_targets`` target names (``target_1`` ...). A prediction is a
  pre-annotation: ``{"model_version", "score", "result": [...]}``.
- an *export* is a list of tasks with ``annotations``, each with a
  ``completed_by`` (user id, or an object with ``email``), ``was_cancelled``
  (a skipped task) and a ``result`` list of ``{"from_name", "to_name",
  "type": "choices", "value": {"choices": [...]}}``.

The config has one multi-choice control ``frames`` and one single-choice
control ``stance_K`` per target slot, all on the ``text`` object, so an
export maps back to corpus rows without guessing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from stanceframe.data.errors import DataError, Problem
from stanceframe.data.io import read_text
from stanceframe.data.schema import LabelSchema

FRAMES_CONTROL = "frames"
TEXT_OBJECT = "text"
DEFAULT_MAX_TARGETS = 3


def stance_control(slot: int) -> str:
    return f"stance_{slot}"


def labelling_config(schema: LabelSchema, max_targets: int = DEFAULT_MAX_TARGETS) -> str:
    """The labelling config (XML) for ``schema``: paste it into a Label Studio project."""
    lines = [
        "<View>",
        '  <Header value="Previous sentence" size="6"/>',
        '  <Text name="prev" value="$prev"/>',
        '  <Header value="Sentence to label" size="5"/>',
        f'  <Text name="{TEXT_OBJECT}" value="$text"/>',
        '  <Header value="Next sentence" size="6"/>',
        '  <Text name="next" value="$next"/>',
    ]
    if schema.frame_labels:
        lines += [
            '  <Header value="Framing devices (none, one or several; data/CODEBOOK.md)"/>',
            f'  <Choices name="{FRAMES_CONTROL}" toName="{TEXT_OBJECT}" choice="multiple"'
            ' showInline="true">',
            *(f"    <Choice value={quoteattr(label)}/>" for label in schema.frame_labels),
            "  </Choices>",
        ]
    if schema.stance_labels:
        for slot in range(1, max_targets + 1):
            lines += [
                # An empty slot (a task with fewer targets) shows an empty header: leave it.
                f'  <Header value="Stance toward: $target_{slot}"/>',
                f'  <Choices name="{stance_control(slot)}" toName="{TEXT_OBJECT}"'
                ' choice="single" showInline="true">',
                *(f"    <Choice value={quoteattr(label)}/>" for label in schema.stance_labels),
                "  </Choices>",
            ]
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _choices(from_name: str, labels: list[str]) -> dict[str, Any]:
    return {
        "from_name": from_name,
        "to_name": TEXT_OBJECT,
        "type": "choices",
        "value": {"choices": list(labels)},
    }


def build_task(
    sentence: dict[str, Any],
    targets: list[str],
    prediction: dict[str, Any] | None,
    model_version: str,
    score: float,
) -> dict[str, Any]:
    """One task: ``sentence`` has ``text``, ``prev``, ``next``, ``article_id``,
    ``sentence_index``, ``start``, ``end``; ``prediction`` is a ``predict`` row."""
    data = {key: sentence.get(key) for key in ("text", "prev", "next", "article_id")}
    data.update(
        sentence_index=sentence.get("sentence_index"),
        start=sentence.get("start"),
        end=sentence.get("end"),
        sentence_id=sentence.get("id") or f"{sentence['article_id']}#{sentence['sentence_index']}",
    )
    data.update({f"target_{k}": name for k, name in enumerate(targets, start=1)})
    task: dict[str, Any] = {"data": data}
    if prediction is not None:
        result = []
        if prediction.get("frames"):
            result.append(_choices(FRAMES_CONTROL, prediction["frames"]))
        for k, name in enumerate(targets, start=1):
            if name in prediction.get("stance", {}):
                result.append(_choices(stance_control(k), [prediction["stance"][name]]))
        task["predictions"] = [
            {"model_version": model_version, "score": round(score, 4), "result": result}
        ]
    return task


def load_export(path: str | Path) -> list[Any]:
    """The export's tasks; one ``DataError`` line if the file is not a JSON list."""
    text = read_text(path)
    try:
        tasks = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(Problem(str(path), exc.lineno, "json", exc.msg)) from None
    if not isinstance(tasks, list):
        msg = "expected a Label Studio JSON export (a list of tasks)"
        raise DataError(Problem(str(path), 1, "json", msg))
    return tasks
