"""The one record type (``Example``) and the label schema it is checked against.

A row is one sentence with an optional stance label per target and a set of
frame labels, as in ``shared/spec/LABELS.md``. The label schema is derived
from data when a researcher brings their own labels, and defaults to the
project's scheme (three frames; favor/against/neutral).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_STANCES: tuple[str, ...] = ("favor", "against", "neutral")
DEFAULT_FRAMES: tuple[str, ...] = ("attribution", "accusation", "humanitarian_appeal")
SPLITS: tuple[str, ...] = ("train", "dev", "test")
# Corpus layers: sentences written for the project, and published journalism.
LAYERS: tuple[str, ...] = ("written", "real")


@dataclass
class Example:
    """One labelled (or unlabelled) sentence.

    ``frames`` is ``None`` when the row carries no frame annotation at all
    (then the frame loss is masked); an empty list means "annotated: no frame".
    """

    id: str
    text: str
    doc_id: str = ""
    targets: dict[str, str] = field(default_factory=dict)
    frames: list[str] | None = field(default_factory=list)
    topic: str | None = None
    genre: str | None = None
    split: str | None = None
    # "written" or "real" (CODEBOOK.md 9); None for data without layers.
    layer: str | None = None
    # Where a real sentence comes from: {"dataset", "url" or "article", "license", ...}.
    source: dict[str, Any] | None = None
    # Who labelled the row, where several annotators labelled the same sentence
    # (``annotate import``); such rows share an id and differ by annotator.
    annotator: str | None = None

    def __post_init__(self) -> None:
        # A row without a document id is its own document: splits stay grouped.
        if not self.doc_id:
            self.doc_id = self.id

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"id": self.id, "doc_id": self.doc_id, "text": self.text}
        row["targets"] = dict(self.targets)
        row["frames"] = None if self.frames is None else list(self.frames)
        for key in ("topic", "genre", "split", "layer", "source", "annotator"):
            value = getattr(self, key)
            if value is not None:
                row[key] = value
        return row

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass(frozen=True)
class LabelSchema:
    """Ordered stance and frame label sets; the order fixes the head outputs."""

    stance_labels: tuple[str, ...] = DEFAULT_STANCES
    frame_labels: tuple[str, ...] = DEFAULT_FRAMES

    def __post_init__(self) -> None:
        for name, labels in (("stance", self.stance_labels), ("frame", self.frame_labels)):
            if len(set(labels)) != len(labels):
                raise ValueError(f"duplicate {name} labels: {list(labels)}")
        if self.stance_labels and len(self.stance_labels) < 2:
            raise ValueError("a stance head needs at least two labels")

    @classmethod
    def from_examples(cls, examples: Iterable[Example]) -> LabelSchema:
        """The labels that occur in the data, keeping the default order first.

        Researchers may bring other frames or stance labels: whatever occurs is
        the schema. Default labels that occur keep their canonical order so
        that models trained on the bundled corpus line up.
        """
        stances: set[str] = set()
        frames: set[str] = set()
        for ex in examples:
            stances.update(ex.targets.values())
            frames.update(ex.frames or [])
        return cls(_ordered(stances, DEFAULT_STANCES), _ordered(frames, DEFAULT_FRAMES))

    def to_dict(self) -> dict[str, list[str]]:
        return {"stance_labels": list(self.stance_labels), "frame_labels": list(self.frame_labels)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabelSchema:
        unknown = set(data) - {"stance_labels", "frame_labels"}
        if unknown:
            raise ValueError(f"unknown label-schema keys: {sorted(unknown)}")
        return cls(tuple(data["stance_labels"]), tuple(data["frame_labels"]))


def _ordered(found: set[str], canonical: tuple[str, ...]) -> tuple[str, ...]:
    known = [label for label in canonical if label in found]
    return tuple(known + sorted(found - set(canonical)))
