"""PNG plots for the report: confusion matrices, reliability diagrams, per-label F1.

matplotlib with the Agg backend (no display needed, CI-safe). Each figure is
written to a temporary file and renamed, like every other output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from stanceframe.data.atomic import atomic_write  # noqa: E402
from stanceframe.eval.report import systems  # noqa: E402

PLOT_DIR = "plots"


def save_figure(fig: Any, path: Path) -> None:
    try:
        atomic_write(
            path,
            lambda fh: fig.savefig(fh, format="png", dpi=120, bbox_inches="tight"),
            binary=True,
        )
    finally:
        plt.close(fig)


def _annotate(ax: Any, arr: np.ndarray) -> None:
    """Counts in the cells, white on dark cells so they stay readable."""
    for i in range(arr.shape[0]):
        for j in range(arr.shape[1]):
            color = "white" if arr[i, j] > arr.max() / 2 else "black"
            ax.text(j, i, int(arr[i, j]), ha="center", va="center", color=color)


def plot_confusion(matrix: list[list[int]], labels: list[str], title: str, path: Path) -> None:
    cm = np.asarray(matrix, dtype=float)
    fig, ax = plt.subplots(figsize=(1.2 * len(labels) + 2, 1.1 * len(labels) + 1.5))
    ax.imshow(cm, cmap="Blues")
    _annotate(ax, cm)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    save_figure(fig, path)


def plot_frame_confusions(confusions: dict[str, list[list[int]]], path: Path) -> None:
    """One 2x2 matrix ([[tn, fp], [fn, tp]]) per frame label, side by side."""
    n = max(len(confusions), 1)
    fig, axes = plt.subplots(1, n, figsize=(2.8 * n, 2.8), squeeze=False)
    for k, (ax, (label, cm)) in enumerate(zip(axes[0], confusions.items(), strict=False)):
        arr = np.asarray(cm, dtype=float)
        ax.imshow(arr, cmap="Blues")
        _annotate(ax, arr)
        ax.set_xticks([0, 1], ["absent", "present"])
        # Row names once, on the first panel: repeated they collide with the neighbour.
        ax.set_yticks([0, 1], ["absent", "present"] if k == 0 else ["", ""])
        ax.set_xlabel("predicted")
        ax.set_title(label, fontsize=9)
    axes[0][0].set_ylabel("gold")
    save_figure(fig, path)


def plot_reliability(bins: list[dict[str, Any]], ece: float | None, title: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    full = [b for b in bins if b["count"]]
    width = bins[0]["hi"] - bins[0]["lo"] if bins else 0.1
    ax.bar(
        [b["lo"] for b in full],
        [b["accuracy"] for b in full],
        width=width,
        align="edge",
        edgecolor="black",
        alpha=0.7,
        label="observed",
    )
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect calibration")
    ax.plot(
        [b["confidence"] for b in full],
        [b["accuracy"] for b in full],
        "o",
        color="tab:red",
        label="bin mean confidence",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title(f"{title} (ECE {ece:.3f})" if ece is not None else title)
    ax.legend(loc="upper left", fontsize=8)
    save_figure(fig, path)


def plot_per_label_f1(metrics: dict[str, Any], path: Path) -> None:
    """Per-class stance F1 and per-label frame F1, every system, 95 % CI bars."""
    systs = systems(metrics)
    panels = [
        ("stance", "per_class", "stance F1 per class"),
        ("frames", "per_label", "frame F1 per label"),
    ]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (head, key, title) in zip(axes, panels, strict=True):
        labels = list(metrics["model"][head].get(key, {}))
        width = 0.8 / max(len(systs), 1)
        for k, (name, scores, ci) in enumerate(systs):
            vals = [scores[head].get(key, {}).get(lab, {}).get("f1") or 0.0 for lab in labels]
            cis = [ci.get(head, {}).get(key, {}).get(lab, {}).get("f1") for lab in labels]
            lo = [v - c[0] if c else 0.0 for v, c in zip(vals, cis, strict=True)]
            hi = [c[1] - v if c else 0.0 for v, c in zip(vals, cis, strict=True)]
            xs = np.arange(len(labels)) + (k - (len(systs) - 1) / 2) * width
            ax.bar(
                xs,
                vals,
                width=width,
                label=name,
                yerr=[np.maximum(lo, 0), np.maximum(hi, 0)],
                capsize=3,
            )
        ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
    axes[0].set_ylabel("F1 (95 % bootstrap CI)")
    axes[1].legend(fontsize=8)
    save_figure(fig, path)


def make_plots(metrics: dict[str, Any], out_dir: str | Path) -> dict[str, str]:
    """Write every plot under ``out_dir/plots``; return name -> path relative to out_dir."""
    out = Path(out_dir)
    made: dict[str, str] = {}

    def target(name: str) -> Path:
        made[name] = f"{PLOT_DIR}/{name}.png"
        return out / PLOT_DIR / f"{name}.png"

    for name, scores, _ in [s for s in systems(metrics) if s[0] != "majority"]:
        stance = scores["stance"]
        if stance.get("n"):
            plot_confusion(
                stance["confusion"],
                stance["labels"],
                f"stance: {name}",
                target(f"confusion_stance_{name}"),
            )
    frames = metrics["model"]["frames"]
    if frames.get("n") and frames.get("confusion"):
        plot_frame_confusions(frames["confusion"], target("confusion_frames_model"))
    before = metrics["calibration"].get("before_temperature") or {}
    for head in ("stance", "frames"):
        cal = metrics["calibration"][head]
        if not cal["n"]:
            continue
        if head in before:
            raw = before[head]
            title = f"{head} reliability, before temperature"
            plot_reliability(raw["bins"], raw["ece"], title, target(f"reliability_{head}_before"))
        title = f"{head} reliability" + (", after temperature" if head in before else "")
        plot_reliability(cal["bins"], cal["ece"], title, target(f"reliability_{head}"))
    plot_per_label_f1(metrics, target("per_label_f1"))
    return made
