"""Training items: one per sentence with all its pairs; renamed and absent targets."""

from __future__ import annotations

import random

import torch

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.training.items import build_items, class_weights, invented_name, renamed

ROWS = [
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


def test_rename_replaces_every_exact_mention_and_keeps_grammar():
    rng = random.Random(1)
    text, name = renamed("Kestria's army shelled the town, and Kestria denied it.", "Kestria", rng)
    assert "Kestria" not in text and text.count(name) == 2 and f"{name}'s army" in text
    # a demonym would keep the old name around: skipped rather than half-renamed
    assert renamed("Kestrian troops and Kestria", "Kestria", rng) is None
    assert renamed("The ministry said so.", "Kestria", rng) is None
    assert invented_name(random.Random(0)) == invented_name(random.Random(0))


def test_one_item_per_sentence_with_all_its_pairs_and_masks():
    schema = LabelSchema()
    rows = [
        Example(id="a", text="Families fled.", frames=["humanitarian_appeal"]),
        Example(
            id="b", text="X said Y lied.", targets={"Y": "against", "X": "neutral"}, frames=None
        ),
    ]
    a, b = build_items(rows, schema)
    assert a.frames == [0.0, 0.0, 1.0] and a.pairs == []
    against, neutral = schema.stance_labels.index("against"), schema.stance_labels.index("neutral")
    assert b.frames is None and b.pairs == [("Y", against, 1.0, None), ("X", neutral, 1.0, None)]
    # auxiliary rows carry their weight on every pair
    (aux,) = build_items(rows[1:], schema, weight=0.3)
    assert {pair[2] for pair in aux.pairs} == {0.3}


def test_mentions_a_row_states_are_used_for_pooling():
    # NewsMTSC marks the pronoun that refers to the target; the name never occurs.
    row = Example(
        id="n",
        text="He denied it.",
        targets={"Devin Nunes": "neutral"},
        frames=[],
        source={"mentions": [{"mention": "He", "start": 0, "end": 2, "target": "Devin Nunes"}]},
    )
    (item,) = build_items([row], LabelSchema())
    assert item.pairs[0][0] == "Devin Nunes" and item.pairs[0][3] == [(0, 2)]


def test_augmentation_is_seeded_and_keeps_labels():
    schema = LabelSchema()
    items = build_items(ROWS, schema, rename_share=1.0, absent_share=1.0, seed=3)
    assert items == build_items(ROWS, schema, rename_share=1.0, absent_share=1.0, seed=3)
    copies = [it for it in items if it.frames is None]  # renamed copies train stance only
    assert len(copies) == 2
    assert sorted(pair[1] for it in copies for pair in it.pairs) == [0, 1]  # favor, against
    assert all(it.pairs[0][0] in it.text and "Kestria" not in it.text for it in copies[:1])
    neutral = schema.stance_labels.index("neutral")
    originals = [it for it in items if it.frames is not None]
    absent = [(it, p) for it in originals for p in it.pairs if p[1] == neutral]
    assert len(absent) == 2  # each sentence asked about the other article's actor
    assert all(p[0] not in it.text for it, p in absent)


def test_no_absent_pairs_without_a_no_stance_label():
    schema = LabelSchema(("pro", "con"), ())
    rows = [
        Example(id="a1", doc_id="a", text="X did it.", targets={"X": "pro"}),
        Example(id="b1", doc_id="b", text="Y did it.", targets={"Y": "con"}),
    ]
    items = build_items(rows, schema, absent_share=1.0)
    assert [len(it.pairs) for it in items] == [1, 1]


def test_class_weights_power_interpolates_between_none_and_inverse_frequency():
    schema = LabelSchema()
    items = build_items(
        [
            Example(id=str(i), text="t", targets={"T": "neutral" if i else "against"}, frames=[])
            for i in range(10)
        ],
        schema,
    )
    full, _ = class_weights(items, schema, 1.0)
    half, _ = class_weights(items, schema, 0.5)
    none, frames = class_weights(items, schema, 0.0, frame_pos_weight=False)
    assert none is None and frames is None
    against, neutral = schema.stance_labels.index("against"), schema.stance_labels.index("neutral")
    assert torch.isclose(full[against], torch.tensor(10 / 3))
    assert torch.isclose(half[against], torch.tensor((10 / 3) ** 0.5))
    assert half[neutral] < 1 < half[against] < full[against]
