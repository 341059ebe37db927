"""Reading and writing ``Example`` rows: JSONL and CSV, decoding checks, atomic writes.

Every problem is a ``Problem`` naming file, line and field, so the CLI can
print one clear line per problem instead of a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stanceframe.data.atomic import atomic_write
from stanceframe.data.errors import DataError, Problem
from stanceframe.data.rows import is_delimited, iter_rows
from stanceframe.data.schema import Example

__all__ = ["CsvColumns", "DataError", "Problem", "read_examples", "write_examples", "atomic_write"]


@dataclass(frozen=True)
class CsvColumns:
    """Which CSV columns hold what. A long-format CSV (one row per sentence x
    target) is merged by id; ``targets`` may instead hold a JSON object."""

    text: str = "text"
    id: str = "id"
    doc_id: str = "doc_id"
    target: str = "target"
    stance: str = "stance"
    frames: str = "frames"
    frames_sep: str = ";"


def decode_bytes(raw: bytes, path: str | Path) -> str:
    """UTF-8 (BOM allowed) or a ``DataError`` saying why not, with the line."""
    if b"\x00" in raw:  # anywhere, not only near the start
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError(
            Problem(str(path), line, "file", "binary file (NUL bytes), expected UTF-8 text")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        msg = f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})"
        raise DataError(Problem(str(path), line, "encoding", msg)) from None
    if not text.strip():  # str.strip knows every Unicode space, bytes.strip only ASCII
        raise DataError(Problem(str(path), 0, "file", "file is empty"))
    return text


def read_text(path: str | Path) -> str:
    path = Path(path)
    if not path.exists():
        raise DataError(Problem(str(path), 0, "file", "no such file"))
    if path.is_dir():
        raise DataError(Problem(str(path), 0, "file", "is a directory, expected a file"))
    return decode_bytes(path.read_bytes(), path)


def raw_rows(path: str | Path, columns: CsvColumns | None = None) -> tuple[list, list[Problem]]:
    """``[(line, dict)]`` from a JSONL or CSV file, plus per-line parse problems."""
    columns = columns or CsvColumns()
    if is_delimited(path):
        return _merge_long_csv(str(path), iter_rows(path, columns.text), columns)
    rows, problems = [], []
    for lineno, row in iter_rows(path):
        if isinstance(row, Problem):
            problems.append(row)
        else:
            rows.append((lineno, row))
    return rows, problems


def _merge_long_csv(path: str, stream, cols: CsvColumns) -> tuple[list, list[Problem]]:
    """CSV records as rows; a long-format CSV (one line per sentence x target) is merged by id."""
    merged: dict[str, tuple[int, dict]] = {}
    problems: list[Problem] = []
    for lineno, record in stream:
        if isinstance(record, Problem):
            problems.append(record)
            continue
        rid = (record.get(cols.id) or "").strip() or f"{Path(path).stem}-{lineno}"
        row: dict[str, Any] = {"id": rid, "text": record.get(cols.text) or ""}
        if record.get(cols.doc_id):
            row["doc_id"] = record[cols.doc_id]
        if record.get("targets"):
            try:
                row["targets"] = json.loads(record["targets"])
            except json.JSONDecodeError:
                problems.append(Problem(path, lineno, "targets", "not a JSON object"))
                continue
        elif record.get(cols.target):
            row["targets"] = {record[cols.target].strip(): (record.get(cols.stance) or "").strip()}
        if cols.frames in record and record[cols.frames] is not None:
            cell = record[cols.frames].strip()
            row["frames"] = [f.strip() for f in cell.split(cols.frames_sep) if f.strip()]
        for key in ("topic", "genre", "split", "layer"):
            if record.get(key):
                row[key] = record[key]
        if rid in merged and merged[rid][1]["text"] == row["text"]:
            merged[rid][1].setdefault("targets", {}).update(row.get("targets", {}))
        elif rid in merged:
            problems.append(Problem(path, lineno, "id", f"duplicate id {rid!r} with other text"))
        else:
            merged[rid] = (lineno, row)
    return list(merged.values()), problems


def row_to_example(path: str, lineno: int, row: dict) -> tuple[Example | None, list[Problem]]:
    """Type-check one raw row. Label *values* are checked later, against a schema."""
    problems: list[Problem] = []

    def bad(field: str, msg: str) -> None:
        problems.append(Problem(path, lineno, field, msg))

    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        bad("text", "missing or empty text")
    rid = row.get("id")
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        bad("id", "missing or empty id")
    elif isinstance(rid, bool) or not isinstance(rid, (str, int)):
        bad("id", f"must be a string or integer, got {json.dumps(rid)}")
    targets = row.get("targets") or {}
    if not isinstance(targets, dict):
        bad("targets", "expected an object {target: stance}")
    elif not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in targets.items()
    ):
        bad("targets", "target names and stance labels must be non-empty strings")
    frames = row.get("frames", [])
    if frames is not None and (
        not isinstance(frames, list) or not all(isinstance(f, str) for f in frames)
    ):
        bad("frames", "expected a list of frame labels")
    elif frames and len(set(frames)) != len(frames):
        bad("frames", f"repeated frame label in {frames}")
    for key in ("doc_id", "topic", "genre", "split", "layer", "annotator"):
        if row.get(key) is not None and not isinstance(row[key], str):
            bad(key, "expected a string")
    if row.get("source") is not None and not isinstance(row["source"], dict):
        bad("source", "expected an object {dataset, url or article, license, ...}")
    # Every field that is well-formed goes on to the cross-row and label checks,
    # so `data validate` reports every problem of a row at once; a row with any
    # problem is still never used.
    bad_fields = {p.field for p in problems}

    def keep(key: str, value: Any, default: Any) -> Any:
        return default if key in bad_fields else value

    targets_ok = keep("targets", targets, {})
    frames_ok = keep("frames", frames, [])
    return Example(
        id=str(rid) if "id" not in bad_fields else "",
        text=text if isinstance(text, str) else "",
        doc_id=keep("doc_id", row.get("doc_id"), None) or "",
        targets={k.strip(): v.strip() for k, v in targets_ok.items()},
        frames=None if frames_ok is None else list(frames_ok),
        topic=keep("topic", row.get("topic"), None),
        genre=keep("genre", row.get("genre"), None),
        split=keep("split", row.get("split"), None),
        layer=keep("layer", row.get("layer"), None),
        source=keep("source", row.get("source"), None),
        annotator=keep("annotator", row.get("annotator"), None),
    ), problems


def read_examples(path: str | Path, columns: CsvColumns | None = None) -> list[Example]:
    """All rows of a file as ``Example``s, or a ``DataError`` listing every bad row."""
    rows, problems = raw_rows(path, columns)
    examples = []
    for lineno, row in rows:
        ex, row_problems = row_to_example(str(path), lineno, row)
        problems.extend(row_problems)
        if ex is not None and not row_problems:
            examples.append(ex)
    if problems:
        raise DataError(problems)
    return examples


def read_sentence_rows(
    path: str | Path, text_col: str = "text", targets_col: str | None = "targets"
) -> list[tuple[int, dict]]:
    """Rows to tag (``predict``): a text field and optional targets (a list of names or
    the corpus's ``{name: stance}`` object); every problem at once, as ``DataError``.

    Read the fields with the keys ``sentence_keys`` gives (a CSV row is merged
    into the corpus's own field names)."""
    rows, problems = raw_rows(path, CsvColumns(text=text_col))
    text_col, targets_col = sentence_keys(path, text_col, targets_col)
    for lineno, row in rows:
        if not isinstance(row.get(text_col), str) or not row[text_col].strip():
            problems.append(Problem(str(path), lineno, text_col, "missing or empty text"))
        targets = row.get(targets_col, []) if targets_col else []
        if not isinstance(targets, (list, dict)) or not all(
            isinstance(t, str) and t.strip() for t in targets
        ):
            msg = "expected a list of target names or a {target: stance} object"
            problems.append(Problem(str(path), lineno, targets_col, msg))
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.line))
    return rows


def sentence_keys(
    path: str | Path, text_col: str, targets_col: str | None
) -> tuple[str, str | None]:
    """The keys of the text and targets in ``read_sentence_rows``'s rows for this file."""
    if is_delimited(path):
        return "text", "targets" if targets_col else None
    return text_col, targets_col


def write_examples(path: str | Path, examples: Iterable[Example]) -> None:
    rows = [ex.to_json() for ex in examples]
    atomic_write(path, lambda fh: fh.writelines(r + "\n" for r in rows))
