"""The model card (README.md) written into every model directory."""

from __future__ import annotations

from typing import Any


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def model_card(
    meta: dict[str, Any], train_config: dict[str, Any] | None, metrics: dict[str, Any] | None
) -> str:
    info = meta.get("info", {})
    labels = meta["labels"]
    lines = [
        f"# stanceframe model: {info.get('name', 'unnamed')}",
        "",
        "A stance-and-framing tagger for news sentences: one transformer encoder shared by a",
        "target-aware **stance** head (softmax; input is the sentence paired with the target)",
        "and a multi-label **frame** head (one sigmoid per frame, thresholds tuned on dev).",
        "",
        "## Model",
        f"- base encoder: `{info.get('base_model', 'unknown')}`",
        f"- created: {info.get('created', 'unknown')} with stanceframe {info.get('version', '?')}",
        f"- max tokens per (sentence, target) input: {meta['max_length']}",
        "",
        "## Labels",
        f"- stance: {', '.join(labels['stance_labels']) or '(none)'}",
        f"- frames: {', '.join(labels['frame_labels']) or '(none)'}",
        "- thresholds: " + ", ".join(f"{k} {v:.2f}" for k, v in meta.get("thresholds", {}).items()),
        "",
        "## Data",
        f"- training data: `{info.get('data', 'unknown')}` "
        f"(sha256 {info.get('data_sha256', '?')[:12]})",
        f"- train / dev rows: {info.get('n_train', '?')} / {info.get('n_dev', '?')}",
        "",
    ]
    if metrics:
        lines += [
            "## Dev metrics (the checkpoint was selected on these)",
            "",
            "| metric | value |",
            "| --- | --- |",
        ]
        for key, value in metrics.items():
            if isinstance(value, (int, float)):
                lines.append(f"| {key} | {_fmt(value)} |")
        lines.append("")
    if train_config:
        lines += ["## Training config", "", "```toml"]
        lines += [f"{k} = {v!r}".replace("'", '"') for k, v in train_config.items()]
        lines += ["```", ""]
    lines += [
        "## Intended use",
        "Measuring, at scale, which sentences of news text attribute claims to sources, accuse",
        "an actor or make a humanitarian appeal, and the stance each takes toward named targets.",
        "Aggregate figures over many sentences are more reliable than any single prediction.",
        "",
        "## Limitations",
        "- Trained on a small corpus written for the project, not sampled from real outlets;",
        "  expect lower scores on real journalism, other genres and other languages",
        "  (English only).",
        "- Stance is judged per sentence: irony and stance carried by context are often missed.",
        "- Not a fact-checker: an `accusation` label says a sentence blames an actor, not that",
        "  the blame is deserved.",
        "",
    ]
    return "\n".join(lines)
