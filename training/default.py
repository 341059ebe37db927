"""Building the default model: the bundled corpus, the default config, the user's cache.

Where the model lives and whether it is current is ``model/defaults.py``'s
business; this module only trains it when it is missing or stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stanceframe.model.defaults import default_model_dir, default_model_status
from stanceframe.training.config import load_config
from stanceframe.training.run import train_to_dir


def build_default_model(progress: bool = True, out_dir: Path | None = None) -> Path:
    """Train the default model from the bundled corpus with the default config."""
    out = out_dir or default_model_dir()
    train_to_dir(load_config(), out, progress=progress, name="stanceframe-default")
    return out


def ensure_default_model(progress: bool = True) -> Path:
    """The default model's directory, building it first if it is missing or stale."""
    out = default_model_dir()
    status = default_model_status(out)
    if status == "current":
        return out
    why = "not built yet" if status == "missing" else "built from another corpus version"
    print(
        f"stanceframe: building the default model in {out} ({why}; once, a few minutes "
        "on a laptop CPU) ...",
        file=sys.stderr,
        flush=True,
    )
    return build_default_model(progress=progress, out_dir=out)
