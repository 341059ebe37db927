"""Presentation: scored articles as a terminal table, JSON, JSONL, CSV or one HTML page.

``write_scores`` is what ``stanceframe score`` does with its results: it
writes nothing (and leaves an existing ``--output`` alone) unless at least
one article scored, and writes files atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from stanceframe.data.errors import StanceframeError
from stanceframe.data.io import atomic_write
from stanceframe.output.render import FORMATS as TEXT_FORMATS
from stanceframe.output.render import SUFFIX_FORMATS, write_results

# Parquet holds sentence rows (output/sentences.py), not article objects.
FORMATS = (*TEXT_FORMATS, "parquet")
__all__ = ["FORMATS", "NothingScored", "choose_format", "write_scores"]


class NothingScored(StanceframeError):
    """Every input failed: there is nothing to write, and nothing was written."""


def choose_format(fmt: str | None, output: Path | None, tty: bool) -> str:
    """``fmt`` checked; else from the suffix of ``output``; else a table on a tty, JSON if not."""
    if fmt is not None:
        if fmt.lower() not in FORMATS:
            raise ValueError(f"{fmt!r}: expected one of {', '.join(FORMATS)}")
        return fmt.lower()
    if output is not None:
        suffix = output.suffix.lower()
        return "parquet" if suffix == ".parquet" else SUFFIX_FORMATS.get(suffix, "json")
    return "table" if tty else "json"


def write_scores(
    results: Iterable[dict[str, Any]],
    fmt: str,
    model: dict[str, Any],
    schema,
    targets: Sequence[str],
    output: Path | None = None,
    width: int | None = None,
    color: bool = False,
    formulas_safe: bool = True,
) -> int:
    """Write scored articles to ``output`` (atomically) or stdout; the number written.

    Raises ``NothingScored`` before writing anything when ``results`` is empty,
    so a run in which every input failed leaves an existing file untouched.
    """
    stream = iter(results)
    first = next(stream, None)
    if first is None:
        raise NothingScored("no article could be scored")
    everything = chain([first], stream)
    if fmt == "parquet":  # sentence rows, one file (output/sentences.py)
        from stanceframe.output.sentences import write_sentence_file

        if output is None:
            raise ValueError("parquet needs an output path")
        return write_sentence_file(output, everything, schema, "parquet")[0]

    def write(fh) -> int:
        return write_results(
            fh, fmt, everything, model, schema, targets, width, color, formulas_safe
        )

    return atomic_write(output if output is not None else "-", write)
