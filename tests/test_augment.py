"""Stance augmentation: renamed and absent targets (training/augment.py)."""

from __future__ import annotations

import random

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.training.augment import augment_stance, invented_name, renamed


def test_rename_replaces_every_exact_mention_and_keeps_grammar():
    rng = random.Random(1)
    text, name = renamed("Kestria's army shelled the town, and Kestria denied it.", "Kestria", rng)
    assert "Kestria" not in text and text.count(name) == 2 and f"{name}'s army" in text
    # a demonym would keep the old name around: skipped rather than half-renamed
    assert renamed("Kestrian troops and Kestria", "Kestria", rng) is None
    assert renamed("The ministry said so.", "Kestria", rng) is None


def test_augment_is_seeded_stance_only_and_labels_absent_targets_neutral():
    rows = [
        Example(
            id="a1",
            doc_id="a",
            text="Kestria shelled the town.",
            targets={"Kestria": "against"},
            frames=["accusation"],
        ),
        Example(
            id="b1",
            doc_id="b",
            text="Valdoria praised the medics.",
            targets={"Valdoria": "favor"},
            frames=[],
        ),
    ]
    schema = LabelSchema()
    items = augment_stance(rows, schema, rename_share=1.0, absent_share=1.0, seed=3)
    assert items == augment_stance(rows, schema, rename_share=1.0, absent_share=1.0, seed=3)
    assert all(it.frames is None for it in items)  # the frame head is not trained twice
    renamed_items = [it for it in items if it.target not in ("Kestria", "Valdoria")]
    assert {it.stance for it in renamed_items} == {1, 0}  # labels kept: against, favor
    absent = [it for it in items if it.target in ("Kestria", "Valdoria")]
    neutral = schema.stance_labels.index("neutral")
    assert absent and all(it.stance == neutral for it in absent)
    assert all(it.target not in it.text for it in absent)


def test_no_augmentation_without_a_no_stance_label_or_when_off():
    rows = [Example(id="a1", doc_id="a", text="X did it.", targets={"X": "pro"})]
    schema = LabelSchema(("pro", "con"), ())
    two_docs = rows + [Example(id="b1", doc_id="b", text="Y did it.", targets={"Y": "con"})]
    assert augment_stance(two_docs, schema, 0.0, 1.0, 0) == []  # no neutral/none label
    assert augment_stance(rows, LabelSchema(), 0.0, 0.0, 0) == []
    assert invented_name(random.Random(0)) == invented_name(random.Random(0))
