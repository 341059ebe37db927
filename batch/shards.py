"""Shards of a corpus run: the plan, reading a shard's rows, and the output folder.

A corpus run cuts its inputs into shards of ``shard_size`` rows (a row is a
corpus row, or one text file), in input order, before anything is scored.
The plan depends only on the inputs and ``shard_size``, so a re-run of the
same command makes the same shards and can skip those already written.

Each shard becomes one file, ``part-00007.parquet`` (or ``.jsonl``), written
atomically (temporary file, then rename): a file that exists is complete. A
shard with unreadable rows also gets ``_part-00007.failures.txt``, written
before the data file, so the problems of a finished shard are never lost.
``_run.json`` holds what the shards were made from (inputs with sizes and
times, model, targets, options); a re-run with other settings into the same
folder is refused rather than mixing two runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stanceframe.data.articles import (
    STDIN,
    Article,
    InputFailure,
    ReadOptions,
    count_entries,
    expand_inputs,
    read_entries,
)
from stanceframe.data.atomic import atomic_write
from stanceframe.errors import StanceframeError

RUN_FILE = "_run.json"
SUMMARY_FILE = "_summary.json"
# Rows per shard: small enough that a kill loses minutes, not hours (250 articles of
# 20 sentences take about a minute here), large enough that a shard file is worth opening.
DEFAULT_SHARD_SIZE = 250


class CorpusRunError(StanceframeError):
    """A corpus run cannot start or go on; the message says why and what to do."""


@dataclass(frozen=True)
class Segment:
    """Entries ``[start, stop)`` of one expanded input."""

    item: str
    id_hint: str
    start: int
    stop: int


@dataclass(frozen=True)
class Shard:
    index: int
    segments: tuple[Segment, ...]

    @property
    def rows(self) -> int:
        return sum(s.stop - s.start for s in self.segments)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "segments": [asdict(s) for s in self.segments]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shard:
        return cls(data["index"], tuple(Segment(**s) for s in data["segments"]))


def plan_shards(inputs: Sequence[str], shard_size: int) -> list[Shard]:
    """Consecutive shards of ``shard_size`` rows over all inputs, in input order."""
    if shard_size < 1:
        raise CorpusRunError(f"shard size must be at least 1, got {shard_size}")
    shards: list[Shard] = []
    current: list[Segment] = []
    filled = 0
    for item, id_hint in expand_inputs(inputs):
        if item == STDIN:
            raise CorpusRunError("'-' (stdin) cannot be read twice, so it cannot be sharded")
        total, pos = count_entries(item), 0
        while pos < total:
            take = min(total - pos, shard_size - filled)
            current.append(Segment(item, id_hint, pos, pos + take))
            pos, filled = pos + take, filled + take
            if filled == shard_size:
                shards.append(Shard(len(shards), tuple(current)))
                current, filled = [], 0
    if current:
        shards.append(Shard(len(shards), tuple(current)))
    return shards


def read_shard(shard: Shard, options: ReadOptions) -> Iterator[Article | InputFailure]:
    for seg in shard.segments:
        yield from read_entries(seg.item, seg.id_hint, options, seg.start, seg.stop)


def input_fingerprint(inputs: Sequence[str]) -> list[dict[str, Any]]:
    """Each expanded input with its size and modification time: a changed file is a new run."""
    out = []
    for item, _ in expand_inputs(inputs):
        path = Path(item)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        stats = [p.stat() for p in files if p.exists()]
        out.append(
            {
                "input": str(path.resolve()),
                "bytes": sum(s.st_size for s in stats),
                "mtime_ns": max((s.st_mtime_ns for s in stats), default=0),
            }
        )
    return out


class RunDir:
    """The output folder of a corpus run: shard files, failures, ``_run.json``."""

    def __init__(self, path: str | Path, fmt: str):
        self.path = Path(path)
        self.fmt = fmt

    def shard_path(self, index: int) -> Path:
        return self.path / f"part-{index:05d}.{self.fmt}"

    def failures_path(self, index: int) -> Path:
        # "_" first: Parquet readers (pandas, pyarrow, DuckDB globs) skip it in the folder.
        return self.path / f"_part-{index:05d}.failures.txt"

    def is_done(self, index: int) -> bool:
        return self.shard_path(index).is_file()

    def prepare(self, settings: dict[str, Any], overwrite: bool = False) -> None:
        """Create the folder, or check that it holds this same run (``overwrite``: start over)."""
        if self.path.exists() and not self.path.is_dir():
            raise CorpusRunError(f"{self.path}: exists and is not a folder")
        run_file = self.path / RUN_FILE
        if run_file.is_file() and not overwrite:
            try:
                before = json.loads(run_file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise CorpusRunError(f"{run_file}: unreadable ({exc}); use --overwrite") from None
            changed = [
                k for k in sorted(set(before) | set(settings)) if before.get(k) != settings.get(k)
            ]
            if changed:
                raise CorpusRunError(
                    f"{self.path}: holds a run with other {', '.join(changed)}; "
                    "score into a new folder, or pass --overwrite to start this one again"
                )
            return
        if self.path.is_dir() and overwrite:
            for old in [*self.path.glob("part-*"), *self.path.glob("_part-*")]:
                old.unlink()
            (self.path / SUMMARY_FILE).unlink(missing_ok=True)
        elif self.path.is_dir() and any(self.path.glob("part-*")):
            raise CorpusRunError(
                f"{self.path}: holds shard files but no {RUN_FILE}; use a new folder or --overwrite"
            )
        self.path.mkdir(parents=True, exist_ok=True)
        write_json(run_file, settings)

    def failures_of(self, index: int) -> int:
        path = self.failures_path(index)
        if not path.is_file():
            return 0
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, lambda fh: fh.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n"))
