"""The one streaming row reader: JSONL, CSV, TSV (and, via ``tables``, Parquet and datasets).

Rows come as ``(line, dict)`` pairs.

Every reader of row files (labelled data in ``io``, article corpora in
``articles``, ``predict`` input) goes through ``iter_rows``, so they agree on
what a file is:

- UTF-8, a byte-order mark allowed; an empty or binary (NUL bytes) file fails
  as a whole before any row is read;
- JSONL lines are split on ``\\n`` only (a JSON string may hold U+2028 or
  U+0085 raw, as the JSON spec allows), one JSON object per line;
- CSV/TSV through the ``csv`` module, with the header checked for the
  required column and ragged rows reported.

A bad row becomes a ``Problem`` in the stream (``FILE:LINE: field: message``)
instead of stopping it, so callers can report every problem, or skip the
row and go on. Rows are read lazily: memory is bounded by one row.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

from stanceframe.data.errors import DataError, Problem
from stanceframe.data.tables import iter_table_rows, table_kind

ROW_SUFFIXES = (".jsonl", ".csv", ".tsv")
HEAD_BYTES = 8192


def check_file(path: str | Path) -> Path:
    """The path, or a ``DataError`` if it is missing, a directory, empty or binary."""
    path = Path(path)
    name = str(path)
    if path.is_symlink() and not path.exists():
        raise DataError(Problem(name, 0, "file", "symlink loop or broken symlink"))
    if not path.exists():
        raise DataError(Problem(name, 0, "file", "no such file"))
    if path.is_dir():
        raise DataError(Problem(name, 0, "file", "is a directory, expected a file"))
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise DataError(Problem(name, 0, "file", f"cannot read: {exc.strerror or exc}")) from None
    if not head.strip():
        raise DataError(Problem(name, 0, "file", "file is empty"))
    if b"\x00" in head:
        raise DataError(Problem(name, 0, "file", "binary file (NUL bytes), expected UTF-8 text"))
    return path


def is_delimited(path: str | Path) -> bool:
    return str(path).lower().endswith((".csv", ".tsv"))


def iter_rows(
    path: str | Path, required: str | None = None, max_field: int = 0
) -> Iterator[tuple[int, dict | Problem]]:
    """``(line, row)`` for every row, ``(line, Problem)`` for every bad one.

    ``required`` names a column a CSV header must have; ``max_field`` lifts
    the csv module's field size cap for long texts. Parquet files and folders,
    ``save_to_disk`` folders and dataset-card folders go to ``tables``.
    """
    if table_kind(path):
        yield from iter_table_rows(path, required)
        return
    path = check_file(path)
    if is_delimited(path):
        yield from _csv_rows(path, required, max_field)
    else:
        yield from _jsonl_rows(path)


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict | Problem]]:
    name = str(path)
    with path.open("rb") as fh:
        for lineno, raw in enumerate(_lines(fh), start=1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            if b"\x00" in raw:
                yield lineno, Problem(name, lineno, "file", "binary data (NUL bytes) in this line")
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as err:
                yield lineno, Problem(name, lineno, "encoding", f"not valid UTF-8 ({err.reason})")
                continue
            except RecursionError:
                yield lineno, Problem(name, lineno, "json", "JSON nested too deeply")
                continue
            except json.JSONDecodeError as err:
                yield lineno, Problem(name, lineno, "json", f"invalid JSON: {err.msg}")
                continue
            if not isinstance(obj, dict):
                yield lineno, Problem(name, lineno, "json", "expected a JSON object")
                continue
            surrogate = _lone_surrogate(raw)
            if surrogate:
                msg = f"{surrogate} is a lone surrogate escape, not a Unicode character"
                yield lineno, Problem(name, lineno, "json", msg)
                continue
            yield lineno, obj


_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _lone_surrogate(raw: bytes) -> str | None:
    """The first ``\\uD800``-style escape not part of a valid surrogate pair, if any.

    JSON allows such escapes, but the string they make cannot be encoded as
    UTF-8: it would fail later, in the tokenizer or the writer, far from here.
    """
    if b"\\u" not in raw or not _SURROGATE.search(raw):
        return None
    try:
        json.dumps(json.loads(raw.decode("utf-8")), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as err:
        return repr(err.object[err.start : err.end])[1:-1]
    return None


def _lines(fh) -> Iterator[bytes]:
    # Binary iteration splits on b"\n" only: U+2028 and U+0085 stay inside their line.
    yield from fh


def _csv_rows(
    path: Path, required: str | None, max_field: int
) -> Iterator[tuple[int, dict | Problem]]:
    name = str(path)
    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    if max_field:
        csv.field_size_limit(max(csv.field_size_limit(), max_field + 1))
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter, strict=True)
        try:
            header = reader.fieldnames or []
            if required and required not in header:
                raise DataError(
                    Problem(name, 1, required, f"no {required!r} column (header: {header})")
                )
            for record in reader:
                lineno = reader.line_num
                if None in record:
                    yield lineno, Problem(name, lineno, "row", "more cells than header columns")
                elif None in record.values():
                    yield lineno, Problem(name, lineno, "row", "fewer cells than header columns")
                else:
                    yield lineno, record
        except UnicodeDecodeError as err:
            raise DataError(
                Problem(name, reader.line_num, "encoding", f"not valid UTF-8 ({err.reason})")
            ) from None
        except csv.Error as err:
            raise DataError(Problem(name, reader.line_num, "csv", str(err))) from None
