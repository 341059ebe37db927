"""What the training loop learns from: one item per sentence, with all its stance pairs.

A ``TrainItem`` is a sentence with its frame labels (or ``None``: the frame
loss is masked) and its (target, stance) pairs (possibly none: the stance
loss is then empty). The network encodes the sentence once for all of them,
as it does at inference.

Two label-preserving augmentations push the stance head to read the
context, not the name (a corpus of a hundred articles teaches a small model
that "Kestria" is always condemned):

- renamed targets: a copy of a sentence with one target's name replaced, in
  the sentence and in the target, by an invented name; the copy trains stance
  only, so every sentence counts once for frames;
- absent targets: an actor from another article that the sentence never
  mentions, asked as an extra pair labelled with the no-stance label
  (LABELS.md: a sentence that does not bear on a target is neutral toward
  it). Extra pairs cost almost nothing: the sentence is encoded anyway.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import torch

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model.mentions import find_mentions

NO_STANCE = ("neutral", "none")
_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "tr"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea"]
_ENDINGS = ["ria", "nia", "via", "land", "stan", "mar", "dor", "ena", "ovia"]


@dataclass
class TrainItem:
    text: str
    frames: list[float] | None  # multi-hot over the schema's frames; None = masked
    # (target, label index, loss weight, mention spans or None = find them by name)
    pairs: list[tuple[str, int, float, list | None]] = field(default_factory=list)


def invented_name(rng: random.Random) -> str:
    """A pronounceable country-like name that occurs in no corpus."""
    syllables = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 2)))
    return (syllables + rng.choice(_ENDINGS)).capitalize()


def renamed(text: str, target: str, rng: random.Random) -> tuple[str, str] | None:
    """The sentence and target with every exact mention of the target renamed.

    Only exact, case-sensitive whole-name mentions are replaced, so grammar
    stays intact ("Kestria's refusal" -> "Dovoria's refusal"); sentences that
    refer to the target by a demonym or a partial name are skipped.
    """
    pattern = re.compile(r"(?<!\w)" + re.escape(target) + r"(?!\w)")
    exact = sum(1 for _ in pattern.finditer(text))
    if not exact or exact != len(find_mentions(text, target)):
        return None  # other forms (demonyms, parts) would keep the old name around
    name = invented_name(rng)
    return pattern.sub(name, text), name


def given_mentions(ex: Example) -> dict[str, list[tuple[int, int]]]:
    """Mention spans a row states itself (NewsMTSC marks pronouns: "He" for Devin Nunes).

    The stance head then pools over the words that really refer to the target,
    not only over its name.
    """
    out: dict[str, list[tuple[int, int]]] = {}
    for m in (ex.source or {}).get("mentions", []) if isinstance(ex.source, dict) else []:
        try:
            out.setdefault(str(m["target"]), []).append((int(m["start"]), int(m["end"])))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def build_items(
    examples: list[Example],
    schema: LabelSchema,
    rename_share: float = 0.0,
    absent_share: float = 0.0,
    seed: int = 0,
    weight: float = 1.0,
) -> list[TrainItem]:
    """Items for ``examples``; deterministic for a given seed and input order.

    ``weight`` scales the stance loss of these rows' pairs (auxiliary data
    such as another dataset's polarity labels trains with a lower weight).
    """
    index = {label: i for i, label in enumerate(schema.stance_labels)}
    rng = random.Random(seed)
    no_stance = next((lab for lab in NO_STANCE if lab in index), None)
    names_by_doc: dict[str, set[str]] = {}
    for ex in examples:
        names_by_doc.setdefault(ex.doc_id, set()).update(ex.targets)
    docs = sorted(names_by_doc)
    items: list[TrainItem] = []
    for ex in examples:
        frames = None
        if ex.frames is not None and schema.frame_labels:
            frames = [1.0 if f in ex.frames else 0.0 for f in schema.frame_labels]
        spans = given_mentions(ex)
        pairs = (
            [(t, index[lab], weight, spans.get(t)) for t, lab in ex.targets.items()]
            if index
            else []
        )
        if no_stance and len(docs) > 1 and rng.random() < absent_share:
            other = rng.choice([d for d in docs if d != ex.doc_id])
            names = sorted(names_by_doc[other])
            name = rng.choice(names) if names else None
            if name and name not in ex.targets and not find_mentions(ex.text, name):
                pairs.append((name, index[no_stance], weight, None))
        if frames is not None or pairs:
            items.append(TrainItem(ex.text, frames, pairs))
        for target, label in ex.targets.items() if index else ():
            if rng.random() < rename_share:
                swapped = renamed(ex.text, target, rng)
                if swapped:
                    pair = (swapped[1], index[label], weight, None)
                    items.append(TrainItem(swapped[0], None, [pair]))
    return items


def class_weights(
    items: list[TrainItem], schema: LabelSchema, power: float, frame_pos_weight: bool = True
) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """Stance weights (n / (k * count)) ** power, frame positive weights sqrt(neg / pos).

    ``power`` 1 is full inverse frequency, 0 none. Real news is mostly neutral:
    full inverse-frequency weights make the head call favor and against far
    more often than they occur, so the default is in between. The square root
    for frames likewise keeps rare frames from being over-predicted.
    """
    counts = Counter(pair[1] for it in items for pair in it.pairs)
    stance_w = None
    if counts and schema.stance_labels and power > 0:
        k, n = len(schema.stance_labels), sum(counts.values())
        stance_w = torch.tensor(
            [min(5.0, (n / (k * max(1, counts.get(i, 0)))) ** power) for i in range(k)],
            dtype=torch.float,
        )
    framed = [it.frames for it in items if it.frames is not None]
    frame_w = None
    if framed and schema.frame_labels and frame_pos_weight:
        pos = np.asarray(framed).sum(axis=0)
        neg = len(framed) - pos
        frame_w = torch.tensor(
            np.clip(np.sqrt(neg / np.maximum(pos, 1)), 0.5, 5.0), dtype=torch.float
        )
    return stance_w, frame_w
