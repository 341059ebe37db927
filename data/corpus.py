"""The bundled corpus: where it lives and how to load it (validated)."""

from __future__ import annotations

from pathlib import Path

from stanceframe.data.schema import Example, LabelSchema

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CORPUS_PATH = CORPUS_DIR / "corpus.jsonl"
# Topics that occur only in the test split, to measure generalisation to
# topics the model never saw in training (see DATASHEET.md).
HOLDOUT_TOPICS = ("prisoner_exchange", "press_freedom", "cyberattack")
SPLIT_SEED = 13


def load_corpus(path: str | Path = CORPUS_PATH) -> list[Example]:
    """The bundled corpus, validated against the default label schema."""
    from stanceframe.data.validate import load_checked

    return load_checked(path, LabelSchema())
