"""The model card (README.md) written into every model directory.

It follows the Hugging Face Hub's model-card format: YAML front matter
(license, language, library_name, tags, base_model, datasets, metrics and a
``model-index`` with the test figures when there are any) above the prose,
so a model directory can be published as it is.
"""

from __future__ import annotations

import json
from typing import Any

BASE_REPO = {"all-MiniLM-L6-v2": "sentence-transformers/all-MiniLM-L6-v2"}


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def front_matter(meta: dict[str, Any], test: dict[str, Any] | None) -> list[str]:
    info = meta.get("info", {})
    base = str(info.get("base_model", ""))
    base_id = next((repo for key, repo in BASE_REPO.items() if key in base), base)
    lines = [
        "---",
        "license: mit",
        "language:",
        "- en",
        "library_name: stanceframe",
        "pipeline_tag: text-classification",
        "tags:",
        "- stance-detection",
        "- framing",
        "- news",
        f"base_model: {_yaml_str(base_id)}",
        "datasets:",
        f"- {_yaml_str(str(info.get('data', 'unknown')))}",
        "metrics:",
        "- f1",
    ]
    results = []
    for layer, scores in (test or {}).items():
        for head, key, name in (
            ("stance", "macro_f1", "stance macro-F1"),
            ("frames", "macro_f1", "frames macro-F1"),
        ):
            value = scores.get(head, {}).get(key)
            if value is not None:
                results.append((layer, head, name, value))
    if results:
        lines += [
            "model-index:",
            f"- name: {_yaml_str(str(info.get('name', 'model')))}",
            "  results:",
        ]
        for layer, head, name, value in results:
            lines += [
                "  - task:",
                "      type: text-classification",
                f"      name: {_yaml_str(head)}",
                "    dataset:",
                f"      name: {_yaml_str(_dataset_name(layer))}",
                "      type: stanceframe",
                "      split: test",
                "    metrics:",
                "    - type: f1",
                f"      name: {_yaml_str(name)}",
                f"      value: {round(float(value), 4)}",
            ]
    return lines + ["---", ""]


def _dataset_name(layer: str) -> str:
    if layer == "all":
        return "training data, test split"
    return f"stanceframe corpus, {layer} layer, test split"


def model_card(
    meta: dict[str, Any],
    train_config: dict[str, Any] | None,
    metrics: dict[str, Any] | None,
    test: dict[str, Any] | None = None,
) -> str:
    """The card's Markdown. ``test``: per layer ``{"stance": {...}, "frames": {...}}``."""
    lines = front_matter(meta, test) + _model_section(meta)
    if test:
        lines += ["## Test results (held-out test split, per corpus layer)", ""]
        lines += [
            "| layer | sentences | stance macro-F1 | frames macro-F1 |",
            "| --- | --- | --- | --- |",
        ]
        for layer, s in test.items():
            lines.append(
                f"| {layer} | {s.get('n_sentences', '?')} | {_fmt(s['stance'].get('macro_f1'))} "
                f"| {_fmt(s['frames'].get('macro_f1'))} |"
            )
        lines.append("")
    if metrics:
        lines += ["## Dev metrics (the checkpoint was selected on these)", ""]
        lines += ["| metric | value |", "| --- | --- |"]
        lines += [f"| {k} | {_fmt(v)} |" for k, v in metrics.items() if isinstance(v, (int, float))]
        lines.append("")
    if train_config:
        lines += ["## Training config", "", "```toml"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in train_config.items()]
        lines += ["```", ""]
    return "\n".join(lines + USE_AND_LIMITS)


def _model_section(meta: dict[str, Any]) -> list[str]:
    info, labels = meta.get("info", {}), meta["labels"]
    temps = ", ".join(f"{k} {v:.3f}" for k, v in (meta.get("temperature") or {}).items())
    thresholds = ", ".join(f"{k} {v:.2f}" for k, v in meta.get("thresholds", {}).items())
    return [
        f"# stanceframe model: {info.get('name', 'unnamed')}",
        "",
        "A stance-and-framing tagger for news sentences: one transformer encoder reads each",
        "sentence once; a multi-label **frame** head (one sigmoid per frame, thresholds tuned",
        "on dev) and a target-aware **stance** head (softmax per (sentence, target) pair, from",
        "the target's mentions and an attention pool queried by the target) share it.",
        "",
        "## Model",
        f"- base encoder: `{info.get('base_model', 'unknown')}`",
        f"- created: {info.get('created', 'unknown')} with stanceframe {info.get('version', '?')}",
        f"- max tokens per sentence: {meta['max_length']}",
        "",
        "## Labels",
        f"- stance: {', '.join(labels['stance_labels']) or '(none)'}",
        f"- frames: {', '.join(labels['frame_labels']) or '(none)'}",
        f"- thresholds: {thresholds}",
        f"- temperatures (fitted on dev): {temps or 'none'}",
        "",
        "## Data",
        f"- training data: `{info.get('data', 'unknown')}` "
        f"(sha256 {str(info.get('data_sha256', '?'))[:12]})",
        f"- train / dev rows: {info.get('n_train', '?')} / {info.get('n_dev', '?')}",
        "",
    ]


USE_AND_LIMITS = [
    "## Intended use",
    "Measuring, at scale, which sentences of news text attribute claims to sources, accuse",
    "an actor or make a humanitarian appeal, and the stance each takes toward named targets.",
    "Aggregate figures over many sentences are more reliable than any single prediction.",
    "",
    "## Limitations",
    "- English only; trained on a small corpus (published Wikinews and NewsMTSC sentences",
    "  plus sentences written for the project). Expect lower scores on other genres.",
    "- Stance is judged per sentence: irony and stance carried by context are often missed,",
    '  and an actor the sentence refers to without naming it ("the company", "he") is',
    "  often judged neutral.",
    "- Not a fact-checker: an `accusation` label says a sentence blames an actor, not that",
    "  the blame is deserved.",
    "",
]
