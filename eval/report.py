"""report.md and metrics.json from one metrics dict, plus the stdout summary table.

The report is rendered from metrics.json alone, so it can be rebuilt from a
kept metrics.json. metrics.json schema (``schema_version`` 2; full reference
with examples: eval/METRICS.md). Scores are floats in [0, 1] rounded to 6
places, or null when undefined (e.g. F_avg for a schema without favor/against):

- ``schema_version`` (int), ``model_info`` (the model's info, thresholds, max_length)
- ``data``: ``path``, ``split``, ``n_sentences``, ``n_pairs``, ``n_docs``,
  ``n_frame_rows``, ``stance_counts``, ``frame_counts``, ``train`` (same counts)
- ``settings``: ``seed``, ``n_bootstrap``, ``ci_level``, ``resampling_unit``,
  ``calibration_bins``
- ``model`` and ``baselines.majority`` / ``baselines.tfidf_logreg``, each
  ``{"stance": {n, labels, accuracy, macro_f1, f_avg, per_class: {label:
  {precision, recall, f1, support}}, confusion: [[gold x predicted]]},
  "frames": {n, labels, micro_f1, macro_f1, exact_match, hamming_loss,
  per_label: {label: {precision, recall, f1, support}}, confusion: {label:
  [[tn, fp], [fn, tp]]}}}``
- ``ci95``: mirrors those paths: ``ci95.model.stance.macro_f1 = [lo, hi]``,
  ``ci95.baselines.tfidf_logreg.frames.per_label.<label>.f1``; null when
  undefined on most resamples
- ``comparison.<baseline>.<head>.<metric>``: ``{model, baseline, diff, ci95,
  verdict}`` (paired bootstrap of model minus baseline; verdict better /
  worse / no clear difference / undetermined)
- ``calibration.stance`` / ``calibration.frames``: ``{n, n_bins, ece, bins}``
  (+ ``per_label`` ECE for frames)
- ``calibration.before_temperature``: the same with the model's temperatures undone
- ``rates.frames|stance.<label>``: ``{gold, predicted, ratio, n}`` (shares of sentences / pairs)
- ``confusions.stance``: ``[{gold, predicted, count, examples: [{id, text, target}]}]``;
  ``confusions.frames``: ``[{label, error, count, examples: [{id, text, prob}]}]``
- ``layers.<name>``: the same document for each other corpus layer (the headline
  layer is ``data.layer``, ``real`` when present)
- ``plots``: name -> path relative to the report; ``notes``: plain sentences
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stanceframe.data.io import atomic_write
from stanceframe.eval import report_sections as sections
from stanceframe.eval.report_sections import ci, num, table

ROWS = [
    ("stance", "accuracy", "Stance accuracy"),
    ("stance", "macro_f1", "Stance macro-F1"),
    ("stance", "f_avg", "Stance F_avg (favor, against)"),
    ("frames", "micro_f1", "Frames micro-F1"),
    ("frames", "macro_f1", "Frames macro-F1"),
    ("frames", "exact_match", "Frames exact match"),
    ("frames", "hamming_loss", "Frames Hamming loss (lower is better)"),
]


def systems(metrics: dict[str, Any]) -> list[tuple[str, dict, dict]]:
    """(name, scores, intervals) for the model then each baseline."""
    ci = metrics.get("ci95", {})
    out = [("model", metrics["model"], ci.get("model", {}))]
    for name, scores in metrics.get("baselines", {}).items():
        out.append((name, scores, ci.get("baselines", {}).get(name, {})))
    return out


def _headline(metrics: dict[str, Any]) -> list[str]:
    systs = systems(metrics)
    rows = [
        [title] + [num(s[head][m]) + ci(c.get(head, {}).get(m)) for _, s, c in systs]
        for head, m, title in ROWS
    ]
    return table(["metric"] + [name for name, _, _ in systs], rows)


def _comparison(metrics: dict[str, Any]) -> list[str]:
    rows = []
    for base, heads in metrics.get("comparison", {}).items():
        for head, metric, title in ROWS:
            c = heads.get(head, {}).get(metric)
            if c and c["diff"] is not None:
                diff = f"{c['diff']:+.3f}{ci(c['ci95'])}"
                rows.append([base, title, diff, c["verdict"]])
    if not rows:
        return ["No baselines were run (no train split was given).", ""]
    return table(["baseline", "metric", "model minus baseline [95 % CI]", "verdict"], rows)


def _per_class(metrics: dict[str, Any], head: str, key: str) -> list[str]:
    model = metrics["model"][head]
    others = [(name, s[head]) for name, s, _ in systems(metrics)[1:]]
    intervals = metrics.get("ci95", {}).get("model", {}).get(head, {}).get(key, {})
    header = ["label", "precision", "recall", "F1 [95 % CI]", "support"]
    header += [f"F1 {name}" for name, _ in others]
    rows = []
    for lab, s in model.get(key, {}).items():
        row = [lab, num(s["precision"]), num(s["recall"])]
        row += [num(s["f1"]) + ci(intervals.get(lab, {}).get("f1")), str(s["support"])]
        row += [num(o.get(key, {}).get(lab, {}).get("f1")) for _, o in others]
        rows.append(row)
    return table(header, rows)


def _confusion(metrics: dict[str, Any]) -> list[str]:
    stance = metrics["model"]["stance"]
    labels = stance["labels"]
    if not stance.get("n"):
        return []
    cm = stance["confusion"]
    rows = [[f"**{g}**"] + [str(v) for v in r] for g, r in zip(labels, cm, strict=True)]
    return ["Stance confusion matrix (rows: gold, columns: predicted):", ""] + table(
        ["gold \\ predicted"] + labels, rows
    )


def _by_topic(by_topic: dict[str, Any]) -> list[str]:
    rows = [
        [
            name.replace("_", " "),
            ", ".join(part["topics"]),
            f"{part['n_sentences']} ({part['n_docs']} docs)",
            num(part["stance_macro_f1"]),
            num(part["frames_macro_f1"]),
        ]
        for name, part in by_topic.items()
    ]
    header = ["topics", "which", "sentences", "stance macro-F1", "frames macro-F1"]
    return table(header, rows) + [
        "Unseen topics never occur in the training split: their scores estimate how the model "
        "does on subjects it was not trained on.",
        "",
    ]


def _data(metrics: dict[str, Any]) -> list[str]:
    d = metrics["data"]
    where = f"`{d['path']}`" if d.get("path") else "the given rows"
    split = f", split `{d['split']}`" if d.get("split") else ""
    lines = [
        f"Evaluated on {where}{split}: {d['n_sentences']} sentences from {d['n_docs']} "
        f"documents; {d['n_pairs']} (sentence, target) stance pairs; "
        f"{d['n_frame_rows']} frame-annotated sentences.",
    ]
    if "train" in d:
        t = d["train"]
        lines.append(
            f"Baselines were trained on {t['n_sentences']} sentences ({t['n_docs']} documents)."
        )
    counts = ", ".join(f"{k} {v}" for k, v in d["stance_counts"].items()) or "none"
    frames = ", ".join(f"{k} {v}" for k, v in d["frame_counts"].items()) or "none"
    return lines + ["", f"Gold stance labels: {counts}. Gold frames: {frames}.", ""]


def _method(metrics: dict[str, Any]) -> list[str]:
    s = metrics["settings"]
    return [
        f"95 % confidence intervals: percentile bootstrap with {s['n_bootstrap']} resamples of "
        f"whole documents (seed {s['seed']}), shared by all systems, so differences are "
        "paired. Stance is scored per (sentence, gold target) pair; macro averages run over "
        "the labels that occur in gold or predictions; F_avg is the mean F1 of favor and "
        "against (SemEval-2016). Frames are multi-label over frame-annotated sentences. "
        "Baselines: majority class, and TF-IDF uni/bigrams with logistic regression "
        "(one-vs-rest for frames; sentence n-grams plus target identity, mention and "
        "context-word features for stance), trained on the train split.",
        "",
    ]


def render_report(metrics: dict[str, Any]) -> str:
    name = metrics.get("model_info", {}).get("name") or "model"
    lines = [f"# Evaluation report: {name}", ""]
    if metrics.get("notes"):
        lines += ["## Read this first", ""] + [f"- {n}" for n in metrics["notes"]] + [""]
    lines += ["## Data", ""] + _data(metrics)
    lines += ["## Headline results (95 % bootstrap CI)", ""] + _headline(metrics)
    if metrics.get("layers"):
        lines += ["## Corpus layers", ""] + sections.layers(metrics)
    lines += ["## Predicted vs gold rates", ""] + sections.rates(metrics)
    lines += ["## Model vs baselines (paired bootstrap)", ""] + _comparison(metrics)
    lines += ["## Stance per class (model)", ""] + _per_class(metrics, "stance", "per_class")
    lines += _confusion(metrics)
    lines += ["## Frames per label (model)", ""] + _per_class(metrics, "frames", "per_label")
    if metrics.get("by_topic"):
        lines += ["## Seen vs unseen topics (model)", ""] + _by_topic(metrics["by_topic"])
    lines += ["## Calibration", ""] + sections.calibration(metrics)
    lines += ["## Most frequent confusions, with examples", ""] + sections.confusions(metrics)
    if metrics.get("plots"):
        lines += ["## Plots", ""]
        lines += [f"![{key}]({path})" for key, path in metrics["plots"].items()] + [""]
    lines += ["## Method", ""] + _method(metrics)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_json_and_markdown(
    out_dir: str | Path, data: dict[str, Any], json_name: str, markdown: str, md_name: str
) -> None:
    """Write a JSON file and its Markdown rendering into ``out_dir``, each atomically."""
    out = Path(out_dir)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out / json_name, lambda fh: fh.write(text))
    atomic_write(out / md_name, lambda fh: fh.write(markdown))


def write_report(metrics: dict[str, Any], out_dir: str | Path) -> None:
    """Write metrics.json and report.md into ``out_dir`` (each atomically)."""
    write_json_and_markdown(out_dir, metrics, "metrics.json", render_report(metrics), "report.md")


def format_summary(metrics: dict[str, Any]) -> str:
    """A short plain-text table for stdout: headline metrics, model vs baselines."""
    systs = systems(metrics)
    header = ["metric"] + [name for name, _, _ in systs]
    rows = [
        [title.split(" (")[0]]
        + [
            num(s[head][m]) + (ci(c.get(head, {}).get(m)) if i == 0 else "")
            for i, (_, s, c) in enumerate(systs)
        ]
        for head, m, title in ROWS
    ]
    notes = [f"note: {n}" for n in metrics.get("notes", [])]
    return "\n".join([sections.plain_table([header, *rows]), *notes])
