"""Stance augmentation: make the stance head read the context, not the name.

A corpus of 100 articles teaches a small model shortcuts: "Kestria" is
always condemned, so any sentence paired with "Kestria" is `against`, and a
sentence's overall tone spills onto every target in it. Two cheap,
label-preserving augmentations push against that:

- renamed targets: a copy of a (sentence, target) pair with the target's
  name replaced, in the sentence and in the target, by an invented name:
  the label cannot come from the name any more;
- absent targets: the sentence paired with an actor from another article
  that it never mentions, labelled with the schema's no-stance label
  (`neutral`, or `none`): LABELS.md calls a sentence that does not bear on a
  target neutral toward it.

Augmented items train the stance head only (their frame loss is masked), so
the frame head sees each sentence exactly as often as before.
"""

from __future__ import annotations

import random
import re

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model.mentions import find_mentions
from stanceframe.training.objective import TrainItem

NO_STANCE = ("neutral", "none")
_ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "tr"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea"]
_ENDINGS = ["ria", "nia", "via", "land", "stan", "mar", "dor", "ena", "ovia"]


def invented_name(rng: random.Random) -> str:
    """A pronounceable country-like name that occurs in no corpus."""
    syllables = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 2)))
    return (syllables + rng.choice(_ENDINGS)).capitalize()


def renamed(ex_text: str, target: str, rng: random.Random) -> tuple[str, str] | None:
    """The sentence and target with every exact mention of the target renamed.

    Only exact, case-sensitive whole-name mentions are replaced, so grammar
    stays intact ("Kestria's refusal" -> "Dovoria's refusal"); sentences that
    refer to the target only by a demonym or a partial name are skipped.
    """
    pattern = re.compile(r"(?<!\w)" + re.escape(target) + r"(?!\w)")
    if not pattern.search(ex_text):
        return None
    exact = sum(1 for _ in pattern.finditer(ex_text))
    if exact != len(find_mentions(ex_text, target)):
        return None  # other forms (demonyms, parts) would keep the old name around
    name = invented_name(rng)
    return pattern.sub(name, ex_text), name


def augment_stance(
    examples: list[Example],
    schema: LabelSchema,
    rename_share: float,
    absent_share: float,
    seed: int,
) -> list[TrainItem]:
    """Extra stance-only items; deterministic for a given seed and input order."""
    if not schema.stance_labels or (rename_share <= 0 and absent_share <= 0):
        return []
    rng = random.Random(seed)
    index = {label: i for i, label in enumerate(schema.stance_labels)}
    items: list[TrainItem] = []
    for ex in examples:
        for target, label in ex.targets.items():
            if rng.random() < rename_share:
                swapped = renamed(ex.text, target, rng)
                if swapped:
                    items.append(TrainItem(swapped[0], swapped[1], index[label], None, 1.0))
    no_stance = next((label for label in NO_STANCE if label in index), None)
    if no_stance is None or absent_share <= 0:
        return items
    by_doc: dict[str, set[str]] = {}
    for ex in examples:
        by_doc.setdefault(ex.doc_id, set()).update(ex.targets)
    docs = sorted(by_doc)
    for ex in examples:
        if len(docs) < 2 or rng.random() >= absent_share:
            continue
        other = rng.choice([d for d in docs if d != ex.doc_id])
        names = sorted(by_doc[other])
        if not names:
            continue
        name = rng.choice(names)
        if name not in ex.targets and not find_mentions(ex.text, name):
            items.append(TrainItem(ex.text, name, index[no_stance], None, 1.0))
    return items
