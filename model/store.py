"""Saving and loading model directories (safetensors, JSON, tokenizer files; no pickles).

A model directory holds:
  model.safetensors       encoder + both heads
  config.json             the encoder's config (the encoder is rebuilt from it, offline)
  tokenizer files         whatever the tokenizer saves
  stanceframe.json        format version, label schema, thresholds, temperatures,
                          max_length, info, the weights' sha256 (model/meta.py checks it)
  training_config.json    the resolved training config (when trained here)
  metrics.json            dev metrics the checkpoint was selected on
  test_metrics.json       test-split figures per corpus layer (when the data has a test split)
  README.md               the model card
Writing goes to a temporary sibling directory renamed into place, so an
interrupted save never leaves a half-written model behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from stanceframe.data.schema import LabelSchema
from stanceframe.model.card import model_card
from stanceframe.model.errors import ModelError
from stanceframe.model.meta import (
    FORMAT,
    FORMAT_VERSION,
    META,
    WEIGHTS,
    check_tokenizer,
    check_weights,
    file_sha256,
    read_meta,
)
from stanceframe.model.network import StanceFrameNet
from stanceframe.model.predictor import Predictor

__all__ = ["FORMAT_VERSION", "load_model", "read_meta", "save_model"]


def save_model(
    predictor: Predictor,
    out_dir: str | Path,
    train_config: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    test_metrics: dict[str, Any] | None = None,
) -> Path:
    from safetensors.torch import save_model as save_weights

    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        save_weights(predictor.network, str(tmp / WEIGHTS))
        predictor.network.encoder.config.save_pretrained(tmp)
        predictor.tokenizer.save_pretrained(tmp)
        meta = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "labels": predictor.schema.to_dict(),
            "thresholds": predictor.thresholds,
            "temperature": predictor.temperature,
            "max_length": predictor.max_length,
            "dropout": predictor.network.dropout.p,
            "info": predictor.info,
        }
        meta["weights_sha256"] = file_sha256(tmp / WEIGHTS)
        _write_json(tmp / META, meta)
        if train_config is not None:
            _write_json(tmp / "training_config.json", train_config)
        if metrics is not None:
            _write_json(tmp / "metrics.json", metrics)
        if test_metrics:
            _write_json(tmp / "test_metrics.json", test_metrics)
        card = model_card(meta, train_config, metrics, test_metrics)
        (tmp / "README.md").write_text(card, encoding="utf-8")
        _normal_permissions(tmp)
        if out.exists():
            # Swap: the old model stays intact until the new one is complete.
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _normal_permissions(folder: Path) -> None:
    """rw-r--r-- files in an rwxr-xr-x folder (under the umask), not mkdtemp's 0700."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)
    for child in folder.iterdir():
        child.chmod(0o666 & ~mask)


def load_model(
    model_dir: str | Path,
    expect_schema: LabelSchema | None = None,
    precision: str | None = None,
) -> Predictor:
    """Load a model directory for inference, offline; every check is one clear line."""
    from safetensors import SafetensorError
    from safetensors.torch import load_model as load_weights

    from stanceframe.model.tokenizer import FastTokenizer

    path = Path(model_dir)
    meta = read_meta(path)
    schema = LabelSchema.from_dict(meta["labels"])
    if expect_schema is not None and expect_schema != schema:
        raise ModelError(
            f"{path}: model labels {schema.to_dict()} do not match the expected "
            f"labels {expect_schema.to_dict()}"
        )
    check_weights(path, meta)
    try:
        tokenizer = FastTokenizer(path)
        encoder = _encoder(path)
        check_tokenizer(path, tokenizer, encoder.get_input_embeddings().num_embeddings)
        network = StanceFrameNet(
            encoder, len(schema.stance_labels), len(schema.frame_labels), meta.get("dropout", 0.1)
        )
        load_weights(network, str(path / WEIGHTS))
    except ModelError:
        raise
    except (KeyError, ValueError, OSError, RuntimeError, SafetensorError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"{path}: cannot load model: {first}") from None
    info = {**meta.get("info", {}), "path": str(path)}
    return Predictor(
        network,
        tokenizer,
        schema,
        meta["thresholds"],
        meta["max_length"],
        info,
        precision,
        meta.get("temperature"),
    )


def _encoder(path: Path):
    """An empty encoder of the saved architecture, for the weights to load into.

    BERT-family encoders (the default MiniLM) get the inference-only module in
    ``bert.py``, which spares start-up the import of transformers' modeling code;
    any other architecture is built by transformers from its config.
    """
    from stanceframe.model import bert

    config = bert.read_config(path)
    if bert.supports(config):
        return bert.InferenceBert(config)
    from transformers import AutoConfig, AutoModel

    return AutoModel.from_config(AutoConfig.from_pretrained(path))
