"""The bundled corpus: where it lives and how to load it (validated)."""

from __future__ import annotations

from pathlib import Path

from stanceframe.data.schema import Example, LabelSchema

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CORPUS_PATH = CORPUS_DIR / "corpus.jsonl"
BUNDLED_NAME = "data/corpus/corpus.jsonl"  # how reports name it: stable and relative
# Stance-only supervision bundled beside the corpus, by the name a config uses.
AUX_PATHS = {"newsmtsc": CORPUS_DIR / "newsmtsc_polarity.jsonl"}
# Topics that occur only in the test split, to measure generalisation to
# topics the model never saw in training (see DATASHEET.md).
HOLDOUT_TOPICS = ("prisoner_exchange", "press_freedom", "cyberattack")


def corpus_fingerprint() -> str:
    """sha256 over the bundled files the default model is trained on.

    The default model records it; a model built from other files is stale.
    """
    import hashlib

    digest = hashlib.sha256()
    for path in (CORPUS_PATH, *AUX_PATHS.values()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_corpus(path: str | Path = CORPUS_PATH) -> list[Example]:
    """The bundled corpus, validated against the default label schema."""
    from stanceframe.data.validate import load_checked

    return load_checked(path, LabelSchema())


def load_labelled(
    data: str | Path | None, columns=None
) -> tuple[list[Example], str, LabelSchema | None]:
    """Rows, a printable source name and the label schema to hold them to.

    The one rule for labels: the bundled corpus (``data`` None) is held to the
    project's scheme; a user's own file may bring its own labels (schema None:
    whatever occurs), while its structure is still validated.
    """
    from stanceframe.data.validate import load_checked

    if data is None:
        return load_corpus(), BUNDLED_NAME, LabelSchema()
    return load_checked(data, None, columns), str(data), None
