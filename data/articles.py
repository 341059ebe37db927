"""Gathering articles to score: text files, directories, stdin and corpora.

``iter_articles`` turns the command line's inputs into a stream of
``Article``s. A bad input does not stop the stream: it becomes an
``InputFailure`` (one line naming the file) so the good inputs are still
scored. Corpora (JSONL/CSV/TSV, Parquet, ``datasets`` folders; one article
per row) are read row by row, so memory stays bounded however large the
corpus is. ``read_entries`` reads a range of one input's rows: the unit a
sharded corpus run (``stanceframe.batch``) is made of.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from stanceframe.data.errors import DataError, Problem, StanceframeError
from stanceframe.data.io import decode_bytes
from stanceframe.data.rows import check_file, iter_rows
from stanceframe.data.tables import count_table_rows, iter_table_rows, table_kind

TEXT_SUFFIXES = (".txt", ".md")
CORPUS_SUFFIXES = (".jsonl", ".csv", ".tsv")
DEFAULT_MAX_BYTES = 5_000_000
STDIN = "-"


@dataclass(frozen=True)
class Article:
    """One text to score. ``source`` says where it came from (``FILE`` or ``FILE:LINE``)."""

    id: str
    text: str
    source: str
    # Targets named by the row itself (``--targets-col``), judged besides ``--target``.
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputFailure:
    """An input (or corpus row) that could not be read; ``str()`` is one line per problem."""

    source: str
    error: StanceframeError

    def __str__(self) -> str:
        return str(self.error)


@dataclass(frozen=True)
class ReadOptions:
    text_col: str = "text"
    id_col: str = "id"
    targets_col: str | None = "targets"
    max_bytes: int = DEFAULT_MAX_BYTES


def _size_problem(
    source: str, line: int, field: str, size: int, limit: int, more: bool = False
) -> Problem:
    if more:  # read up to the limit and stopped: the true size is unknown
        return Problem(source, line, field, f"more than the {limit / 1e6:g} MB limit (--max-size)")
    return Problem(
        source, line, field, f"{size / 1e6:.1f} MB, over the {limit / 1e6:g} MB limit (--max-size)"
    )


def expand_inputs(inputs: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, id_hint)`` per input file: directories become their ``.txt``/``.md`` files.

    Files inside a directory get ids relative to it (``sub/name``), so two
    ``name.txt`` in different folders stay distinct. Hidden files are skipped.
    """
    out: list[tuple[str, str]] = []
    for item in inputs:
        path = Path(item)
        if item != STDIN and path.is_dir() and not table_kind(path):
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in TEXT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                # Kept as an entry so reading it reports "no text files" for this folder.
                out.append((item, ""))
            out.extend((str(p), p.relative_to(path).with_suffix("").as_posix()) for p in found)
        else:
            out.append((item, "stdin" if item == STDIN else path.stem))
    return out


def iter_articles(
    inputs: Sequence[str], options: ReadOptions | None = None, stdin: BinaryIO | None = None
) -> Iterator[Article | InputFailure]:
    """Articles from every input in order, with failures in place of bad inputs."""
    options = options or ReadOptions()
    seen: dict[str, int] = {}
    for item, id_hint in expand_inputs(inputs):
        try:
            for entry in _read_one(item, id_hint, options, stdin):
                if isinstance(entry, Article):
                    entry = _unique(entry, seen)
                yield entry
        except StanceframeError as exc:
            yield InputFailure(item, exc)


def _unique(article: Article, seen: dict[str, int]) -> Article:
    # Ids key the output (CSV rows, HTML anchors): a repeated id gets "-2", "-3", ...
    count = seen.get(article.id, 0) + 1
    seen[article.id] = count
    if count == 1:
        return article
    return replace(article, id=f"{article.id}-{count}")


def _read_one(
    item: str, id_hint: str, options: ReadOptions, stdin: BinaryIO | None
) -> Iterator[Article | InputFailure]:
    if item == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield Article(
            "stdin", decode_bytes(_read_capped(stream, "<stdin>", options), "<stdin>"), "<stdin>"
        )
        return
    path = Path(item)
    if path.is_symlink() and not path.exists():
        problem = "symlink loop" if _is_loop(path) else "broken symlink (its target is missing)"
        raise DataError(Problem(item, 0, "file", problem))
    if not path.exists():
        raise DataError(Problem(item, 0, "file", "no such file or directory"))
    if is_corpus(path):
        yield from _read_corpus(path, options)
        return
    if path.is_dir():
        raise DataError(
            Problem(item, 0, "file", f"no {'/'.join(TEXT_SUFFIXES)} files in this directory")
        )
    try:
        with path.open("rb") as fh:
            raw = _read_capped(fh, item, options)
    except OSError as exc:
        raise DataError(Problem(item, 0, "file", f"cannot read: {exc.strerror or exc}")) from None
    yield Article(id_hint or path.stem, decode_bytes(raw, item), item)


def _read_capped(stream: BinaryIO, name: str, options: ReadOptions) -> bytes:
    """At most ``max_bytes``: the limit holds on what is read, not on what ``stat`` says
    (a pipe, a process substitution or /dev/zero has no size)."""
    raw = stream.read(options.max_bytes + 1)
    if len(raw) > options.max_bytes:
        raise DataError(_size_problem(name, 0, "file", len(raw), options.max_bytes, more=True))
    return raw


def _is_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except (RuntimeError, OSError) as exc:
        return isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == 40
    return False


def is_corpus(path: str | Path) -> bool:
    """One article per row: JSONL/CSV/TSV, Parquet, or a ``datasets`` folder."""
    return Path(path).suffix.lower() in CORPUS_SUFFIXES or table_kind(path) is not None


def count_entries(item: str) -> int:
    """How many entries ``read_entries`` can give for one expanded input (1 for a text file)."""
    path = Path(item)
    if item == STDIN or not path.exists() or not is_corpus(path):
        return 1
    try:
        if table_kind(path):
            return count_table_rows(path)
        if path.suffix.lower() == ".jsonl":  # no need to parse: one entry per non-blank line
            return _count_jsonl_entries(check_file(path))
        return sum(1 for _ in iter_rows(path))  # a CSV row may span lines
    except StanceframeError:
        return 1  # read_entries reports it, as one failure


def _count_jsonl_entries(path: Path) -> int:
    # The entries ``rows._jsonl_rows`` yields: a row or a problem per non-blank line.
    with path.open("rb") as fh:
        return sum(
            1
            for n, raw in enumerate(fh)
            if (raw[3:] if n == 0 and raw.startswith(b"\xef\xbb\xbf") else raw).strip()
        )


def read_entries(
    item: str, id_hint: str, options: ReadOptions, start: int = 0, stop: int | None = None
) -> Iterator[Article | InputFailure]:
    """Entries ``[start, stop)`` of one expanded input (a text file is one entry)."""
    try:
        if Path(item).exists() and is_corpus(item):
            yield from _read_corpus(Path(item), options, start, stop)
        elif start == 0 and stop != 0:
            yield from _read_one(item, id_hint, options, None)
    except StanceframeError as exc:
        yield InputFailure(item, exc)


def _corpus_rows(path: Path, options: ReadOptions, start: int, stop: int | None):
    if table_kind(path):
        return iter_table_rows(path, options.text_col, start, stop)
    rows = iter_rows(path, options.text_col, max_field=options.max_bytes)
    return islice(rows, start, stop) if start or stop is not None else rows


def row_targets(value) -> tuple[str, ...] | None:
    """Target names from a row's targets cell, or None if it is not a form we know.

    A list of names, a ``{name: stance}`` object (a labelled corpus), JSON text
    of either, or names separated by ``;`` (a CSV cell).
    """
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("[", "{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                return None
        else:
            value = text.split(";")
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, (list, tuple)) and all(isinstance(t, str) for t in value):
        return tuple(dict.fromkeys(t.strip() for t in value if t.strip()))
    return None


def _read_corpus(
    path: Path, options: ReadOptions, start: int = 0, stop: int | None = None
) -> Iterator[Article | InputFailure]:
    name = str(path)
    n_rows = 0
    for lineno, row in _corpus_rows(path, options, start, stop):
        n_rows += 1
        if isinstance(row, Problem):
            yield InputFailure(f"{name}:{lineno}", DataError(row))
            continue
        text = row.get(options.text_col)
        if not isinstance(text, str) or not text.strip():
            problem = Problem(name, lineno, options.text_col, "missing or empty text (--text-col)")
            yield InputFailure(f"{name}:{lineno}", DataError(problem))
            continue
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > options.max_bytes:
            problem = _size_problem(name, lineno, options.text_col, size, options.max_bytes)
            yield InputFailure(f"{name}:{lineno}", DataError(problem))
            continue
        targets = row_targets(row.get(options.targets_col)) if options.targets_col else ()
        if targets is None:
            problem = Problem(
                name, lineno, options.targets_col, "expected a list of target names (--targets-col)"
            )
            yield InputFailure(f"{name}:{lineno}", DataError(problem))
            continue
        rid = row.get(options.id_col)
        rid = str(rid).strip() if isinstance(rid, (str, int)) and str(rid).strip() else ""
        yield Article(rid or f"{path.stem}-{lineno}", text, f"{name}:{lineno}", targets)
    if n_rows == 0 and start == 0:
        raise DataError(Problem(name, 0, "file", "no rows in this corpus"))
