"""``--engine ray``: the shards of a corpus run scored by an actor pool on Ray Data.

Optional: ``pip install -e ".[ray]"``. Ray Data turns the shard plan into a
dataset (one shard per block) and ``map_batches`` sends each shard to an
actor of a fixed-size pool. An actor loads the model once, sets its torch
threads once, and runs the same ``score_shard`` as the local engine, so a
shard's rows do not depend on the engine; within a shard, sentences are
sorted by length into batches (``Predictor.predict``).

Each actor reads its shard's rows itself (Parquet row groups, or rows of a
JSONL/CSV/``datasets`` input) and writes the shard file atomically, so what
crosses Ray is a shard description one way and a summary line back. That is
what makes a killed run restartable by shard on Ray too. On a cluster
(``--address`` or ``RAY_ADDRESS``) the inputs and the output folder must be
at the same path on every node (a shared file system), and stanceframe
installed there.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from stanceframe.batch.shards import CorpusRunError, Shard

OBJECT_STORE_BYTES = 256 * 1024**2  # only shard descriptions and summaries cross Ray


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data is the part we need
    except ImportError:
        raise CorpusRunError(
            "--engine ray needs Ray Data: pip install -e \".[ray]\" (or pip install 'ray[data]')"
        ) from None
    return ray


class ShardScorer:
    """One actor of the pool: a loaded model, scoring one shard per call."""

    def __init__(self, model_dir: str, precision: str | None, threads: int, cwd: str, job):
        import torch

        from stanceframe.model.store import load_model

        if os.path.isdir(cwd):  # relative input paths mean what they meant to the driver
            os.chdir(cwd)
        if threads > 0:
            torch.set_num_threads(threads)
        self.predictor = load_model(model_dir, precision=precision)
        self.job = job

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from stanceframe.batch.runner import score_shard

        results = [
            json.dumps(score_shard(self.predictor, Shard.from_dict(json.loads(s)), self.job))
            for s in batch["shard"]
        ]
        return {"result": np.array(results, dtype=object)}


def score_on_ray(
    shards: Sequence[Shard],
    job,
    model_dir: str | Path,
    precision: str | None = None,
    actors: int = 0,
    threads: int = 1,
    address: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Summaries of the scored shards, as they finish (in no fixed order)."""
    if not shards:
        return
    ray = _ray()
    address = address or os.environ.get("RAY_ADDRESS") or None
    threads = max(threads, 1)
    actors = actors or max((os.cpu_count() or 1) // threads, 1)
    # Ray Data logs every execution at INFO; a corpus run reports its own progress.
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    started = not ray.is_initialized()
    if started:
        kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": "warning"}
        if address:
            kwargs["address"] = address
        else:  # a local Ray sized to the pool, with a small object store
            kwargs.update(num_cpus=actors * threads, object_store_memory=OBJECT_STORE_BYTES)
        ray.init(**kwargs)
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # ours counts rows; Ray's would interleave
        items = [{"shard": json.dumps(s.to_dict())} for s in shards]
        plan = ray.data.from_items(items, override_num_blocks=len(items))
        scored = plan.map_batches(
            ShardScorer,
            fn_constructor_kwargs={
                "model_dir": str(Path(model_dir).resolve()),
                "precision": precision,
                "threads": threads,
                "cwd": os.getcwd(),
                "job": job,
            },
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(actors, len(shards))),
            num_cpus=threads,
        )
        try:
            for row in scored.iter_rows():
                yield json.loads(row["result"])
        except ray.exceptions.RayError as exc:
            cause = getattr(exc, "cause", None)
            raise CorpusRunError(f"a Ray worker failed: {cause or exc}") from None
    finally:
        if started:
            ray.shutdown()
