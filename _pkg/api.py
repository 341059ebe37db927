"""The Python API: everything the command line does, as plain functions.

    import stanceframe as sf
    model = sf.load_model()                 # the default model, built on first use
    preds = model.predict(["Kestria cut the river, Valdoria said."], [["Kestria"]])
    for article in model.score(["First article ...", "Second article ..."], targets=["Kestria"]):
        print(article["summary"]["frame_share"])
    sf.train("models/mine", data="mine.jsonl")
    metrics = sf.evaluate("models/mine", data="mine.jsonl", split="test", out="reports/mine")
    sf.score_corpus("archive.parquet", "scores/", targets=["Kestria"])   # restartable shards

Heavy libraries are imported inside the functions, so ``import stanceframe``
stays fast. Inference never imports ``training/``: only building the
default model (once) does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def load_model(path: str | Path | None = None, *, precision: str | None = None, progress=True):
    """A model directory loaded for inference (a ``Predictor``), offline.

    Without ``path``, the default model in ``$STANCEFRAME_HOME/default-model``;
    it is trained from the bundled corpus first when it is missing or was
    built from another corpus version (a few minutes, progress on stderr).
    """
    from stanceframe.model.defaults import default_model_dir, default_model_status
    from stanceframe.model.store import load_model as load_dir

    if path is None:
        path = default_model_dir()
        if default_model_status(path) != "current":
            from stanceframe.training.default import ensure_default_model

            path = ensure_default_model(progress=progress)
    return load_dir(path, precision=precision)


def train(
    out: str | Path,
    data: str | Path | None = None,
    config: str | Path | None = None,
    *,
    progress: bool = True,
    **overrides: Any,
):
    """Fine-tune a model on ``data`` (default: the bundled corpus) and save it to ``out``.

    ``config`` is a TOML file (default: the shipped default config); keyword
    arguments override single keys (``epochs=2``). Returns the ``TrainResult``
    (``.predictor``, ``.dev_metrics``, ``.history``).
    """
    from stanceframe.training.config import load_config
    from stanceframe.training.run import train_to_dir

    cfg = load_config(config)
    if overrides:
        cfg = cfg.replace(**overrides)
    return train_to_dir(cfg, out, data=data, progress=progress)


def evaluate(
    model: str | Path | None = None,
    data: str | Path | None = None,
    *,
    split: str = "test",
    out: str | Path | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    baselines: bool = True,
    progress: bool = False,
    batch_size: int = 32,
    on_note=None,
) -> dict[str, Any]:
    """Score a model (default: the default model) on one split of ``data`` (default: the
    bundled corpus) beside the baselines; write report.md, metrics.json and plots to
    ``out`` when given; return the metrics.json content.

    ``on_note`` receives plain sentences about the evaluation (e.g. that baselines were
    skipped); by default they are logged as warnings.
    """
    import logging
    import tempfile

    from stanceframe.eval.evaluate import evaluate_model
    from stanceframe.eval.selection import select

    chosen = select(data, split)
    for note in chosen.notes:
        (on_note or logging.getLogger("stanceframe.evaluate").warning)(note)
    predictor = load_model(model, progress=progress)
    target = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="stanceframe-eval-"))
    return evaluate_model(
        predictor,
        chosen.rows,
        target,
        seed=seed,
        n_bootstrap=bootstrap,
        baselines=baselines and chosen.train is not None,
        train_examples=chosen.train,
        data_info={"path": chosen.source, "split": split},
        batch_size=batch_size,
        progress=progress,
    )


def score_corpus(
    inputs,
    output: str | Path,
    *,
    model: str | Path | None = None,
    targets=(),
    engine: str = "local",
    fmt: str = "parquet",
    shard_size: int = 250,
    overwrite: bool = False,
    actors: int = 0,
    threads: int = 1,
    address: str | None = None,
    progress: bool = False,
    **read_options,
) -> dict[str, Any]:
    """Score a corpus into a folder of shards (``part-NNNNN.parquet`` sentence rows);
    re-running the same call skips the shards already written. ``engine="ray"``
    runs an actor pool on Ray Data (``address``: a cluster; else a local Ray).
    ``read_options``: ``text_col``, ``id_col``, ``targets_col``, ``max_bytes``.
    Returns the run's summary (also in ``_summary.json``).
    """
    from stanceframe.batch.runner import CorpusJob, run_corpus
    from stanceframe.data.articles import ReadOptions
    from stanceframe.model.defaults import default_model_dir

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    predictor = load_model(model, progress=progress)
    job = CorpusJob(
        tuple(str(i) for i in inputs),
        Path(output),
        fmt,
        tuple(targets),
        ReadOptions(**read_options),
        shard_size,
        overwrite=overwrite,
    )
    ray_options = {
        "model_dir": model or default_model_dir(),
        "actors": actors,
        "threads": threads,
        "address": address,
    }
    import logging

    log = logging.getLogger("stanceframe.batch").info
    return run_corpus(
        job, predictor, engine, ray_options if engine == "ray" else None, progress, log
    )
