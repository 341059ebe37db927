"""Shared fixtures: offline mode, a tiny random BERT encoder, small datasets.

The tiny encoder (2 layers, hidden size 32) is built from scratch in a
session fixture, so the suite needs no network and runs in seconds.
"""

from __future__ import annotations

import os

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from helpers import build_tiny_encoder, make_examples  # noqa: E402

from stanceframe.data.schema import Example  # noqa: E402


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory) -> str:
    """A randomly initialised 2-layer BERT with its tokenizer, saved locally."""
    return build_tiny_encoder(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture()
def examples() -> list[Example]:
    return make_examples()
