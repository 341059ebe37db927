"""Columnar inputs: Parquet files and folders, ``save_to_disk`` datasets, dataset-card folders.

``iter_rows`` (``rows.py``) hands any path this module recognises to
``iter_table_rows``, so labelled data (``train``, ``evaluate``, ``data
validate``), ``predict`` input and ``score`` corpora read these formats with
the same ``(row, dict | Problem)`` contract as JSONL and CSV. Row numbers are
1-based positions in the table (per file for a folder of Parquet files, per
split for a dataset), so a problem reads ``FILE:ROW: field: message``.

Memory stays bounded: Parquet is read in Arrow record batches, a
``save_to_disk`` folder is memory-mapped by ``datasets`` and iterated in
batches, and a card folder is opened as a streaming ``IterableDataset``.
``pyarrow`` and ``datasets`` are imported only when such an input is met.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from stanceframe.data.errors import DataError, Problem

PARQUET_SUFFIX = ".parquet"
BATCH_ROWS = 1024
# Split names of other projects that mean ours.
SPLIT_ALIASES = {"validation": "dev", "valid": "dev", "eval": "dev"}


def table_kind(path: str | Path) -> str | None:
    """``parquet``, ``parquet_dir``, ``saved``, ``saved_dict``, ``card`` or None (not a table)."""
    path = Path(path)
    if path.suffix.lower() == PARQUET_SUFFIX and not path.is_dir():
        return "parquet"
    if not path.is_dir():
        return None
    if (path / "dataset_dict.json").is_file():
        return "saved_dict"
    if (path / "state.json").is_file() and (path / "dataset_info.json").is_file():
        return "saved"
    card = path / "README.md"
    if card.is_file() and card.read_bytes()[:4].rstrip() == b"---":
        return "card"  # YAML front matter: a dataset card, data files beside it
    if any(path.glob(f"*{PARQUET_SUFFIX}")):
        return "parquet_dir"
    return None


def iter_table_rows(
    path: str | Path, required: str | None = None, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, dict | Problem]]:
    """``(row, dict)`` per row of a table input, rows ``[start, stop)`` of the whole stream."""
    kind = table_kind(path)
    if kind is None:
        raise DataError(Problem(str(path), 0, "file", "not a Parquet file or dataset folder"))
    if kind == "parquet":
        yield from _parquet_rows(Path(path), required, start, stop)
    elif kind == "parquet_dir":
        yield from islice(_parquet_dir_rows(Path(path), required), start, stop)
    else:
        yield from _dataset_rows(Path(path), kind, required, start, stop)


def count_table_rows(path: str | Path) -> int:
    """Rows in a table input, from metadata where the format keeps it."""
    kind = table_kind(path)
    if kind == "parquet":
        return _open_parquet(Path(path)).metadata.num_rows
    if kind == "parquet_dir":
        return sum(_open_parquet(p).metadata.num_rows for p in _parquet_files(Path(path)))
    if kind in ("saved", "saved_dict"):
        return sum(ds.num_rows for _, ds in _saved_splits(Path(path), kind))
    return sum(1 for _ in iter_table_rows(path))


def normalize_row(row: dict[str, Any]) -> dict[str, Any]:
    """A columnar row as the JSON row it stands for.

    Arrow has no "missing key": absent values are nulls (dropped here, except
    ``frames``, where null means "not annotated", as in JSONL). ``targets`` may
    be a ``{name: stance}`` struct (nulls for names the row lacks), a map
    (``[(name, stance)]``), a list of ``{target, stance}`` records, a list of
    names, or JSON text; ``source`` may be JSON text.
    """
    out = {k: v for k, v in row.items() if v is not None or k == "frames"}
    targets = out.get("targets")
    if isinstance(targets, str) and targets.strip()[:1] in ("{", "["):
        targets = _json_or(targets)
    if isinstance(targets, dict):
        targets = {k: v for k, v in targets.items() if v is not None}
    elif isinstance(targets, list) and targets and all(isinstance(t, dict) for t in targets):
        if all({"target", "stance"} <= set(t) for t in targets):
            targets = {t["target"]: t["stance"] for t in targets}
    elif isinstance(targets, list) and targets and all(isinstance(t, tuple) for t in targets):
        targets = dict(targets)
    if "targets" in out:
        out["targets"] = targets
    if isinstance(out.get("source"), str) and out["source"].strip().startswith("{"):
        out["source"] = _json_or(out["source"])
    return out


def _json_or(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # left as is: the row check names the field


# ------------------------------------------------------------------ Parquet
def _open_parquet(path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.exists():
        raise DataError(Problem(str(path), 0, "file", "no such file"))
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(
            Problem(str(path), 0, "file", f"not a readable Parquet file ({exc})")
        ) from None


def _check_column(name: str, columns: list[str], required: str | None) -> None:
    if required and required not in columns:
        raise DataError(Problem(name, 1, required, f"no {required!r} column (columns: {columns})"))


def _parquet_rows(
    path: Path, required: str | None, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, dict | Problem]]:
    import pyarrow as pa

    pf = _open_parquet(path)
    _check_column(str(path), pf.schema_arrow.names, required)
    stop = pf.metadata.num_rows if stop is None else min(stop, pf.metadata.num_rows)
    # Skip whole row groups before ``start``: a shard of a large file reads only its part.
    groups, first = [], 0
    for g in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if first + n > start and first < stop:
            groups.append(g)
        elif not groups:
            first += n
    if not groups:
        return
    row = first
    try:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=groups):
            for record in batch.to_pylist():
                if row >= stop:
                    return
                if row >= start:
                    yield row + 1, normalize_row(record)
                row += 1
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(
            Problem(str(path), row + 1, "file", f"cannot read Parquet ({exc})")
        ) from None


def _parquet_files(path: Path) -> list[Path]:
    return sorted(p for p in path.glob(f"*{PARQUET_SUFFIX}") if not p.name.startswith((".", "_")))


def _parquet_dir_rows(path: Path, required: str | None) -> Iterator[tuple[int, dict | Problem]]:
    # One stream over the files in name order (part-00000, part-00001, ...).
    for file in _parquet_files(path):
        yield from _parquet_rows(file, required)


# ------------------------------------------------------------------ datasets
def _datasets():
    # A local folder needs no hub; without this, datasets may try to reach it first.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets

    datasets.disable_progress_bars()
    return datasets


def _saved_splits(path: Path, kind: str) -> list[tuple[str | None, Any]]:
    datasets = _datasets()
    try:
        loaded = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises several types for a broken folder
        raise DataError(Problem(str(path), 0, "file", f"cannot load dataset ({exc})")) from None
    if kind == "saved":
        return [(None, loaded)]
    return list(loaded.items())


def _card_splits(path: Path) -> list[tuple[str | None, Any]]:
    datasets = _datasets()
    try:
        loaded = datasets.load_dataset(str(path), streaming=True)
    except Exception as exc:
        raise DataError(Problem(str(path), 0, "file", f"cannot load dataset ({exc})")) from None
    return list(loaded.items())


def _dataset_rows(
    path: Path, kind: str, required: str | None, start: int, stop: int | None
) -> Iterator[tuple[int, dict | Problem]]:
    splits = _card_splits(path) if kind == "card" else _saved_splits(path, kind)
    seen = 0  # rows of earlier splits: ``start``/``stop`` count over the whole stream
    for split, ds in splits:
        name = f"{path}[{split}]" if split else str(path)
        columns = list(ds.features or {})
        if columns:
            _check_column(name, columns, required)
        n = getattr(ds, "num_rows", None)
        if n is not None and (seen + n <= start or (stop is not None and seen >= stop)):
            seen += n  # a memory-mapped split outside the range is not read at all
            continue
        lo = max(start - seen, 0) if n is not None else 0
        index = lo  # position in this split of the next record
        for record in _records(ds, lo):
            if stop is not None and seen + index >= stop:
                return
            index += 1
            if seen + index <= start:  # a streamed split cannot seek: skip up to ``start``
                continue
            row = normalize_row(dict(record))
            if split and "split" not in row:
                row["split"] = SPLIT_ALIASES.get(split, split)
            yield index, row
        seen += n if n is not None else index


def _records(ds, skip: int) -> Iterator[dict]:
    if hasattr(ds, "num_rows"):  # a memory-mapped Dataset: read in batches from ``skip``
        for lo in range(skip, ds.num_rows, BATCH_ROWS):
            batch = ds[lo : lo + BATCH_ROWS]
            keys = list(batch)
            for i in range(len(batch[keys[0]]) if keys else 0):
                yield {key: batch[key][i] for key in keys}
    else:
        yield from islice(ds, skip, None)
