"""Corpus runs: score many articles into a folder of shards, restartably, on one engine.

``run_corpus`` is what ``stanceframe score ... --output FOLDER`` does. It
plans the shards, checks the folder (``RunDir.prepare``), skips the shards
already written, hands the rest to an engine and writes ``_summary.json``:

- ``local``: this process scores the shards one after another
  (``score_shard``), with ``--threads`` torch threads;
- ``ray``: Ray Data runs ``score_shard`` in an actor pool (``ray_engine``).

Both engines run the same ``score_shard`` on the same plan, so they write the
same rows for the same input. Memory is bounded by one chunk of sentences per
worker (``article_scoring.score_articles``) and one Parquet row group.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stanceframe.batch.shards import (
    DEFAULT_SHARD_SIZE,
    SUMMARY_FILE,
    CorpusRunError,
    RunDir,
    Shard,
    input_fingerprint,
    plan_shards,
    read_shard,
    write_json,
)
from stanceframe.data.articles import Article, ReadOptions
from stanceframe.data.atomic import atomic_write
from stanceframe.output.sentences import SENTENCE_FORMATS, write_sentence_file

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class CorpusJob:
    """What to score and where; the engine does not change the rows written."""

    inputs: tuple[str, ...]
    output: Path
    fmt: str = "parquet"
    targets: tuple[str, ...] = ()
    options: ReadOptions = field(default_factory=ReadOptions)
    shard_size: int = DEFAULT_SHARD_SIZE
    batch_size: int = 32
    overwrite: bool = False

    def settings(self, model_meta: dict[str, Any]) -> dict[str, Any]:
        """``_run.json``: everything the rows depend on (not the engine or thread count)."""
        model_key = json.dumps(model_meta, sort_keys=True, default=str).encode()
        return {
            "inputs": input_fingerprint(self.inputs),
            "format": self.fmt,
            "shard_size": self.shard_size,
            "targets": list(self.targets),
            "columns": {
                "text": self.options.text_col,
                "id": self.options.id_col,
                "targets": self.options.targets_col,
            },
            "max_bytes": self.options.max_bytes,
            "model": hashlib.sha256(model_key).hexdigest()[:16],
        }


def score_shard(predictor, shard: Shard, job: CorpusJob) -> dict[str, Any]:
    """Score one shard into its file (atomically); counts and failure lines."""
    from stanceframe.model.article_scoring import score_articles

    run_dir = RunDir(job.output, job.fmt)
    failures: list[str] = []
    start = time.perf_counter()

    def articles() -> Iterator[Article]:
        for entry in read_shard(shard, job.options):
            if isinstance(entry, Article):
                yield entry
            else:
                failures.extend(str(entry).splitlines())

    def write_failures() -> None:
        path = run_dir.failures_path(shard.index)
        if failures:
            atomic_write(path, lambda fh: fh.writelines(line + "\n" for line in failures))
        else:  # a re-scored shard must not keep an earlier run's failures
            path.unlink(missing_ok=True)

    results = score_articles(predictor, articles(), job.targets, job.batch_size)
    n_articles, n_sentences = write_sentence_file(
        run_dir.shard_path(shard.index), results, predictor.schema, job.fmt, write_failures
    )
    return {
        "shard": shard.index,
        "rows": shard.rows,
        "articles": n_articles,
        "sentences": n_sentences,
        "failures": failures,
        "seconds": round(time.perf_counter() - start, 3),
    }


def run_corpus(
    job: CorpusJob,
    predictor,
    engine: str = "local",
    engine_options: dict[str, Any] | None = None,
    progress: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Score ``job`` into its folder of shards; the summary (also in ``_summary.json``)."""
    if engine not in ENGINES:
        raise CorpusRunError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if job.fmt not in SENTENCE_FORMATS:
        raise CorpusRunError(
            f"a folder of shards holds {' or '.join(SENTENCE_FORMATS)}, not {job.fmt}"
        )
    start = time.perf_counter()
    shards = plan_shards(job.inputs, job.shard_size)
    if not shards:
        raise CorpusRunError("the inputs hold no rows to score")
    run_dir = RunDir(job.output, job.fmt)
    run_dir.prepare(job.settings(predictor.meta()), job.overwrite)
    finished = {s.index for s in shards if run_dir.is_done(s.index)}
    todo = [s for s in shards if s.index not in finished]
    done = len(finished)
    earlier_failures = sum(run_dir.failures_of(i) for i in finished)
    if done:
        log(f"{done} of {len(shards)} shards already complete in {job.output}: skipped")
    results = _engine_results(engine, todo, job, predictor, engine_options or {})
    totals = {"articles": 0, "sentences": 0, "failures": 0}
    from tqdm.auto import tqdm

    rows = sum(s.rows for s in todo)
    with tqdm(total=rows, desc="score", unit="row", disable=not progress, file=sys.stderr) as bar:
        for result in results:
            for line in result["failures"]:
                tqdm.write(f"error: {line}", file=sys.stderr)
            totals["articles"] += result["articles"]
            totals["sentences"] += result["sentences"]
            totals["failures"] += len(result["failures"])
            bar.update(result["rows"])
    seconds = time.perf_counter() - start
    summary = {
        "output": str(job.output),
        "engine": engine,
        "shards": len(shards),
        "skipped": done,
        "written": len(todo),
        **totals,
        "failures_in_skipped": earlier_failures,
        "seconds": round(seconds, 2),
        "sentences_per_s": round(totals["sentences"] / seconds, 1) if seconds else None,
    }
    write_json(run_dir.path / SUMMARY_FILE, summary)
    return summary


def _engine_results(
    engine: str, todo: Sequence[Shard], job: CorpusJob, predictor, options: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    if engine == "local":
        return (score_shard(predictor, shard, job) for shard in todo)
    from stanceframe.batch.ray_engine import score_on_ray

    return score_on_ray(todo, job, **options)
