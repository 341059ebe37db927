"""The default model: trained from the bundled corpus on first use, cached per user.

It lives in ``$STANCEFRAME_HOME/default-model`` (default
``~/.cache/stanceframe/default-model``). A model built from another corpus
version is rebuilt, so an upgrade never scores with stale labels.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from stanceframe.data.corpus import CORPUS_PATH
from stanceframe.training.config import load_config
from stanceframe.training.run import file_sha256, train_to_dir


def stanceframe_home() -> Path:
    env = os.environ.get("STANCEFRAME_HOME")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "stanceframe"


def default_model_dir() -> Path:
    return stanceframe_home() / "default-model"


def _is_current(model_dir: Path) -> bool:
    meta_path = model_dir / "stanceframe.json"
    if not (meta_path.is_file() and (model_dir / "model.safetensors").is_file()):
        return False
    try:
        info = json.loads(meta_path.read_text(encoding="utf-8")).get("info", {})
    except (OSError, json.JSONDecodeError):
        return False
    return info.get("data_sha256") == file_sha256(CORPUS_PATH)


def build_default_model(progress: bool = True, out_dir: Path | None = None) -> Path:
    """Train the default model from the bundled corpus with the default config."""
    out = out_dir or default_model_dir()
    train_to_dir(load_config(), out, progress=progress, name="stanceframe-default")
    return out


def ensure_default_model(progress: bool = True) -> Path:
    """The default model's directory, building it first if it is missing or stale."""
    out = default_model_dir()
    if _is_current(out):
        return out
    print(
        f"stanceframe: building the default model in {out} from the bundled corpus "
        "(once; a few minutes on a laptop CPU) ...",
        file=sys.stderr,
        flush=True,
    )
    return build_default_model(progress=progress, out_dir=out)
