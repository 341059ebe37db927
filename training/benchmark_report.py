"""Benchmark reports: ``NAME.json`` and a Markdown table beside the published figures.

Every report carries the date, the git commit of the code that produced it
(with a ``dirty`` flag for uncommitted changes), the exact command and the
training settings, so a reader can reproduce or question each number.
"""

from __future__ import annotations

import json
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

from stanceframe import __version__
from stanceframe.data.io import atomic_write

# Published figures (percent), from the benchmarks' papers. Same measure as ``key``.
PUBLISHED: dict[str, list[tuple[str, dict[str, float]]]] = {
    "semeval2016": [
        ("MITRE, best SemEval-2016 team (Zarrella & Marsh 2016)", {"f_avg": 67.82}),
        ("SVM baseline (SemEval-2016 task paper)", {"f_avg": 67.3}),
        ("RoBERTa-base (TweetEval, Barbieri et al. 2020)", {"f_avg": 68.0}),
        ("BERTweet (TweetEval leaderboard)", {"f_avg": 71.2}),
    ],
    "newsmtsc": [
        (
            "best model in the NewsMTSC paper (Hamborg & Donnay 2021)",
            {"macro_f1_rw": 83.1, "macro_f1_mt": 82.5},
        ),
    ],
    "polnear": [],
}
# Quality the issue asks for (0-1); below it the report must explain the gap.
TARGETS: dict[str, tuple[str, float]] = {
    "semeval2016": ("f_avg", 0.65),
    "newsmtsc": ("macro_f1_rw", 0.75),
    "polnear": ("f1", 0.80),
}
TITLES = {
    "semeval2016": "SemEval-2016 Task 6A stance (TweetEval packaging)",
    "newsmtsc": "NewsMTSC target-dependent sentiment as stance",
    "polnear": "PolNeAR attribution (default model, no training)",
}
COLUMNS = {
    "semeval2016": [("f_avg", "F_avg"), ("macro_f1", "macro-F1")],
    "newsmtsc": [("macro_f1_rw", "macro-F1 real-world"), ("macro_f1_mt", "macro-F1 multi-target")],
    "polnear": [("precision", "precision"), ("recall", "recall"), ("f1", "F1")],
}


def git_commit(repo: Path | None = None) -> dict[str, Any]:
    """HEAD of the repository holding this code, and whether the tree has changes."""
    repo = repo or Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit or "unknown", "dirty": bool(status) if status is not None else None}


def headline(name: str, report: dict[str, Any]) -> dict[str, float | None]:
    """The table's numbers (0-1) for this run."""
    metrics = report["metrics"]
    source = metrics["attribution"] if name == "polnear" else metrics
    return {key: source.get(key) for key, _ in COLUMNS[name]}


def write_report(name: str, report: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """Add provenance, write ``NAME.json`` and ``NAME.md`` atomically, return the report."""
    import torch

    report = {
        "benchmark": name,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **git_commit(),
        **{k: v for k, v in report.items() if k != "benchmark"},
        "environment": {
            "stanceframe": __version__,
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "machine": platform.machine(),
        },
    }
    metric, floor = TARGETS[name]
    value = headline(name, report)[metric]
    report["target"] = {
        "metric": metric,
        "at_least": floor,
        "met": value is not None and value >= floor,
    }
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out_dir / f"{name}.json", lambda fh: fh.write(text))
    markdown = render_markdown(name, report)
    atomic_write(out_dir / f"{name}.md", lambda fh: fh.write(markdown))
    return report


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}"


def render_markdown(name: str, report: dict[str, Any]) -> str:
    cols = COLUMNS[name]
    dirty = " (with uncommitted changes)" if report.get("dirty") else ""
    lines = [
        f"# Benchmark: {TITLES[name]}",
        "",
        f"- date: {report['date']}",
        f"- commit: `{report['commit']}`{dirty}",
        f"- command: `{report['command']}`",
        f"- data: `{report['data']['path']}`",
        f"- run time: {report['elapsed_seconds']} s, "
        f"{report['environment']['torch_threads']} torch threads",
        "",
        "Figures in percent.",
        "",
        "| system | " + " | ".join(label for _, label in cols) + " |",
        "| --- |" + " ---: |" * len(cols),
    ]
    ours = headline(name, report)
    lines.append(
        "| **stanceframe (this run)** | " + " | ".join(_pct(ours[k]) for k, _ in cols) + " |"
    )
    for system, figures in PUBLISHED[name]:
        cells = [f"{figures[k]:.2f}" if k in figures else "—" for k, _ in cols]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    target = report["target"]
    verdict = "met" if target["met"] else "NOT met"
    lines += ["", f"Project target: {target['metric']} ≥ {target['at_least']:.2f}: {verdict}."]
    if report.get("notes"):
        lines += ["", "## Notes", "", report["notes"].strip()]
    lines += _details(name, report)
    if report["settings"]:
        lines += ["", "## Settings", "", "```json", json.dumps(report["settings"], indent=2), "```"]
    if "training" in report:
        tr = report["training"]
        dev = tr["dev_metrics"]
        kept = (
            f"kept epoch {dev.get('best_epoch')} (best on dev)"
            if tr["n_dev_rows"]
            else "no dev set, so no early stopping: the final weights are used"
        )
        lines += [
            "",
            f"Trained on {tr['n_train_rows']} rows ({tr['n_train_pairs']} sentence-target pairs), "
            f"dev {tr['n_dev_rows']} rows, in {tr['train_seconds']} s; "
            f"epochs run {dev.get('epochs_run')}, {kept}.",
            "",
            "Full training config:",
            "",
            "```json",
            json.dumps(tr["config"], indent=2),
            "```",
        ]
    return "\n".join(lines) + "\n"


def _details(name: str, report: dict[str, Any]) -> list[str]:
    m = report["metrics"]
    if name == "semeval2016":
        out = [
            "",
            "## Per target",
            "",
            "| target | n | F_avg | macro-F1 |",
            "| --- | ---: | ---: | ---: |",
        ]
        for target, t in m["per_target"].items():
            out.append(f"| {target} | {t['n']} | {_pct(t['f_avg'])} | {_pct(t['macro_f1'])} |")
        return out
    if name == "newsmtsc":
        out = [
            "",
            "## Per test set",
            "",
            "| test set | pairs | macro-F1 | accuracy |",
            "| --- | ---: | ---: | ---: |",
        ]
        for split, label in (
            ("rw", "devtest_rw (real-world)"),
            ("mt", "devtest_mt (multi-target)"),
        ):
            row = m[split]
            cells = [str(row["n"]), _pct(row["macro_f1"]), _pct(row["accuracy"])]
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        return out
    a, d, model = m["attribution"], report["data"], report["model"]
    out = [
        "",
        f"{d['n_sentences']} sentences (dev {d['dev']}, test {d['test']}), "
        f"{a['support']} with a Cue span; model `{model['path']}`, threshold {model['threshold']}.",
        "",
        "| split | sentences with a Cue | precision | recall | F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for split, s in m["per_split"].items():
        cells = [str(s["support"]), _pct(s["precision"]), _pct(s["recall"]), _pct(s["f1"])]
        out.append(f"| {split} | " + " | ".join(cells) + " |")
    return out
