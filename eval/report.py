"""report.md and metrics.json from one metrics dict, plus the stdout summary table.

The report is rendered from metrics.json alone, so it can be rebuilt from a
kept metrics.json. metrics.json schema (``schema_version`` 1; full reference
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
- ``worst_confusions``: ``stance_cells``, ``stance``, ``frames`` (mistakes with sentences)
- ``plots``: name -> path relative to the report; ``notes``: plain sentences
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stanceframe.data.io import atomic_write

ROWS = [
    ("stance", "accuracy", "Stance accuracy"),
    ("stance", "macro_f1", "Stance macro-F1"),
    ("stance", "f_avg", "Stance F_avg (favor, against)"),
    ("frames", "micro_f1", "Frames micro-F1"),
    ("frames", "macro_f1", "Frames macro-F1"),
    ("frames", "exact_match", "Frames exact match"),
    ("frames", "hamming_loss", "Frames Hamming loss (lower is better)"),
]


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _ci(ci: list[float] | None) -> str:
    return "" if not ci else f" [{ci[0]:.3f}, {ci[1]:.3f}]"


def _cell(text: str) -> str:
    # Table cells must not break the row: escape pipes, flatten newlines.
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


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
        [title] + [_num(s[head][m]) + _ci(c.get(head, {}).get(m)) for _, s, c in systs]
        for head, m, title in ROWS
    ]
    return _table(["metric"] + [name for name, _, _ in systs], rows)


def _comparison(metrics: dict[str, Any]) -> list[str]:
    rows = []
    for base, heads in metrics.get("comparison", {}).items():
        for head, metric, title in ROWS:
            c = heads.get(head, {}).get(metric)
            if c and c["diff"] is not None:
                diff = f"{c['diff']:+.3f}{_ci(c['ci95'])}"
                rows.append([base, title, diff, c["verdict"]])
    if not rows:
        return ["No baselines were run (no train split was given).", ""]
    return _table(["baseline", "metric", "model minus baseline [95 % CI]", "verdict"], rows)


def _per_class(metrics: dict[str, Any], head: str, key: str) -> list[str]:
    model = metrics["model"][head]
    others = [(name, s[head]) for name, s, _ in systems(metrics)[1:]]
    ci = metrics.get("ci95", {}).get("model", {}).get(head, {}).get(key, {})
    header = ["label", "precision", "recall", "F1 [95 % CI]", "support"]
    header += [f"F1 {name}" for name, _ in others]
    rows = []
    for lab, s in model.get(key, {}).items():
        row = [lab, _num(s["precision"]), _num(s["recall"])]
        row += [_num(s["f1"]) + _ci(ci.get(lab, {}).get("f1")), str(s["support"])]
        row += [_num(o.get(key, {}).get(lab, {}).get("f1")) for _, o in others]
        rows.append(row)
    return _table(header, rows)


def _confusion(metrics: dict[str, Any]) -> list[str]:
    stance = metrics["model"]["stance"]
    labels = stance["labels"]
    if not stance.get("n"):
        return []
    cm = stance["confusion"]
    rows = [[f"**{g}**"] + [str(v) for v in r] for g, r in zip(labels, cm, strict=True)]
    return ["Stance confusion matrix (rows: gold, columns: predicted):", ""] + _table(
        ["gold \\ predicted"] + labels, rows
    )


def _by_topic(by_topic: dict[str, Any]) -> list[str]:
    rows = [
        [
            name.replace("_", " "),
            ", ".join(part["topics"]),
            f"{part['n_sentences']} ({part['n_docs']} docs)",
            _num(part["stance_macro_f1"]),
            _num(part["frames_macro_f1"]),
        ]
        for name, part in by_topic.items()
    ]
    header = ["topics", "which", "sentences", "stance macro-F1", "frames macro-F1"]
    return _table(header, rows) + [
        "Unseen topics never occur in the training split: their scores estimate how the model "
        "does on subjects it was not trained on.",
        "",
    ]


def _calibration(metrics: dict[str, Any]) -> list[str]:
    cal = metrics["calibration"]
    lines = [
        f"Expected calibration error ({cal['stance']['n_bins']} equal-width bins): "
        f"stance {_num(cal['stance']['ece'])} (confidence of the predicted label vs "
        f"correctness, {cal['stance']['n']} pairs); frames {_num(cal['frames']['ece'])} "
        f"(each label's probability vs presence, {cal['frames']['n']} decisions).",
        "",
    ]
    per = cal["frames"].get("per_label", {})
    if per:
        lines += _table(["frame label", "ECE"], [[k, _num(v)] for k, v in per.items()])
    return lines


def _worst(metrics: dict[str, Any]) -> list[str]:
    worst = metrics["worst_confusions"]
    lines = [
        "Most frequent stance confusions: "
        + (
            "; ".join(
                f"{c['gold']} -> {c['predicted']} ({c['count']})" for c in worst["stance_cells"]
            )
            or "none"
        )
        + ".",
        "",
    ]
    if worst["stance"]:
        lines += ["Most confident stance mistakes:", ""]
        rows = [
            [w["id"], w["text"], w["target"], w["gold"], w["predicted"], f"{w['prob']:.2f}"]
            for w in worst["stance"]
        ]
        lines += _table(["id", "sentence", "target", "gold", "predicted", "p(predicted)"], rows)
    if worst["frames"]:
        lines += ["Most confident frame mistakes:", ""]
        rows = [
            [w["id"], w["text"], w["label"], w["error"], f"{w['prob']:.2f}"]
            for w in worst["frames"]
        ]
        lines += _table(["id", "sentence", "frame", "error", "p(label)"], rows)
    return lines


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
    lines += ["## Model vs baselines (paired bootstrap)", ""] + _comparison(metrics)
    lines += ["## Stance per class (model)", ""] + _per_class(metrics, "stance", "per_class")
    lines += _confusion(metrics)
    lines += ["## Frames per label (model)", ""] + _per_class(metrics, "frames", "per_label")
    if metrics.get("by_topic"):
        lines += ["## Seen vs unseen topics (model)", ""] + _by_topic(metrics["by_topic"])
    lines += ["## Calibration", ""] + _calibration(metrics)
    lines += ["## Worst confusions", ""] + _worst(metrics)
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
            _num(s[head][m]) + (_ci(c.get(head, {}).get(m)) if i == 0 else "")
            for i, (_, s, c) in enumerate(systs)
        ]
        for head, m, title in ROWS
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    return "\n".join(lines + [f"note: {n}" for n in metrics.get("notes", [])])
