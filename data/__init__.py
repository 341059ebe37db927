"""Data layer: the one ``Example`` type, readers and writers, validation,
document-grouped splits, sentence splitting and the bundled corpus."""

from stanceframe.data.schema import (
    DEFAULT_FRAMES,
    DEFAULT_STANCES,
    Example,
    LabelSchema,
)

__all__ = ["DEFAULT_FRAMES", "DEFAULT_STANCES", "Example", "LabelSchema"]
