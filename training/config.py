"""``TrainConfig``: one strict dataclass, loaded from TOML.

Unknown keys and wrong types are errors that name the valid keys, so a typo
in a config never silently trains with a default.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from stanceframe.data.errors import StanceframeError

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "configs" / "default.toml"


class ConfigError(StanceframeError):
    pass


@dataclass(frozen=True)
class TrainConfig:
    # Base encoder: a local model directory or installed name; "" = bundled all-MiniLM-L6-v2.
    base_model: str = ""
    max_length: int = 128  # tokens per sentence (targets are encoded apart)
    epochs: int = 6
    batch_size: int = 16  # sentences per step (each with all its targets)
    lr: float = 1e-4  # encoder learning rate
    head_lr: float = 1e-3  # the two heads start from scratch and learn faster
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    grad_clip: float = 1.0
    dropout: float = 0.1
    # Encoder layers kept frozen from the bottom (embeddings included when > 0): no
    # backward pass through them, so a step is cheaper; the upper layers still adapt.
    freeze_layers: int = 0
    patience: int = 2  # epochs without dev improvement before stopping
    min_epochs: int = 1
    seed: int = 13
    # Stance class weights (n / (k * count)) ** power: 1 = inverse frequency, 0 = none.
    stance_weight_power: float = 0.5
    class_weights: bool = True  # frame positive weights sqrt(neg / pos)
    stance_loss_weight: float = 1.0
    frame_loss_weight: float = 1.0
    # Stance augmentation (training/items.py): share of (sentence, target) pairs
    # copied with the target renamed, and of sentences asked about an absent actor.
    augment_rename: float = 0.5
    augment_absent: float = 0.25
    # Dev rows that select the checkpoint and fit temperatures and thresholds:
    # only those of this corpus layer ("" = all dev rows; data without layers uses all).
    dev_layer: str = ""
    # Train on these corpus layers only (comma-separated, e.g. "real"); "" = every layer.
    train_layers: str = ""
    calibrate: bool = True  # fit one temperature per head on dev
    # Extra stance-only rows (a labelled JSONL/CSV; "newsmtsc" = the bundled NewsMTSC
    # polarity file), their pairs weighted by aux_weight. "" or 0 = none.
    aux_data: str = ""
    aux_weight: float = 0.0
    aux_max_rows: int = 0  # a seeded sample of that many aux rows keeps training in budget; 0 = all
    bf16: bool = False  # bf16 autocast in training (measured in the benchmark; off by default)
    threads: int = 0  # torch threads; 0 = torch's default (one per core)
    dev_fraction: float = 0.15  # dev share carved by document when the data has no dev split
    max_train_examples: int = 0  # 0 = all; a budget for large datasets (seeded sample)

    def __post_init__(self) -> None:
        checks = {
            "max_length": self.max_length >= 16,
            "epochs": self.epochs >= 1,
            "batch_size": self.batch_size >= 1,
            "lr": self.lr > 0,
            "head_lr": self.head_lr > 0,
            "warmup_ratio": 0 <= self.warmup_ratio < 1,
            "dropout": 0 <= self.dropout < 1,
            "patience": self.patience >= 1,
            "dev_fraction": 0 < self.dev_fraction < 1,
            "threads": self.threads >= 0,
            "freeze_layers": self.freeze_layers >= 0,
            "aux_max_rows": self.aux_max_rows >= 0,
            "max_train_examples": self.max_train_examples >= 0,
            "augment_rename": 0 <= self.augment_rename <= 1,
            "augment_absent": 0 <= self.augment_absent <= 1,
            "stance_weight_power": 0 <= self.stance_weight_power <= 1,
            "aux_weight": 0 <= self.aux_weight <= 10,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ConfigError(
                f"invalid value for {', '.join(bad)}: {[getattr(self, b) for b in bad]}"
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> TrainConfig:
        return config_from_dict({**self.to_dict(), **changes}, "overrides")


def config_from_dict(data: dict[str, Any], source: str = "config") -> TrainConfig:
    valid = {f.name: f for f in fields(TrainConfig)}
    unknown = sorted(set(data) - set(valid))
    if unknown:
        raise ConfigError(
            f"{source}: unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(valid)}"
        )
    for name, value in data.items():
        expected = type(getattr(TrainConfig(), name))
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise ConfigError(
                f"{source}: {name} must be {expected.__name__}, "
                f"got {type(value).__name__} {value!r}"
            )
    cast = {k: float(v) if type(getattr(TrainConfig(), k)) is float else v for k, v in data.items()}
    return TrainConfig(**cast)


def load_config(path: str | Path | None = None) -> TrainConfig:
    """The config in ``path`` (TOML), or the default config."""
    path = Path(path) if path else DEFAULT_CONFIG_PATH
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(data, str(path))
