"""Report sections on layers, label rates, calibration and confusions (Markdown lines).

Each function takes the metrics.json dict and returns Markdown lines; the
report (``eval/report.py``) puts them in order.
"""

from __future__ import annotations

from typing import Any


def num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def ci(interval: list[float] | None) -> str:
    return "" if not interval else f" [{interval[0]:.3f}, {interval[1]:.3f}]"


def cell(text: str) -> str:
    # Table cells must not break the row: escape pipes, flatten newlines.
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def plain_table(rows: list[list[str]]) -> str:
    """Rows (the first is the header) as left-aligned columns for a terminal."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


LAYER_ROWS = [
    ("stance", "macro_f1", "stance macro-F1"),
    ("stance", "f_avg", "stance F_avg"),
    ("frames", "macro_f1", "frames macro-F1"),
    ("frames", "micro_f1", "frames micro-F1"),
]


def layers(metrics: dict[str, Any]) -> list[str]:
    """Headline figures of every corpus layer, side by side, model and TF-IDF."""
    others = metrics.get("layers") or {}
    if not others:
        return []
    first = metrics["data"].get("layer") or "evaluated rows"
    parts = [(first, metrics)] + list(others.items())
    header = ["metric"] + [f"{name} ({m['data']['n_sentences']} sent.)" for name, m in parts]
    rows = []
    for head, key, title in LAYER_ROWS:
        row = [title]
        for _, m in parts:
            value = num(m["model"][head][key]) + ci(
                m.get("ci95", {}).get("model", {}).get(head, {}).get(key)
            )
            tfidf = m.get("baselines", {}).get("tfidf_logreg")
            if tfidf:
                value += f" (TF-IDF {num(tfidf[head][key])})"
            row.append(value)
        rows.append(row)
    return [
        f"The headline figures above are on the **{first}** layer. Every layer, same "
        "metrics (model with 95 % CI, TF-IDF baseline in brackets):",
        "",
    ] + table(header, rows)


def rates(metrics: dict[str, Any]) -> list[str]:
    """Predicted vs gold rate of every label, per layer."""
    parts = [(metrics["data"].get("layer") or "evaluated rows", metrics)]
    parts += list((metrics.get("layers") or {}).items())
    rows = []
    for name, m in parts:
        for head, unit in (("frames", "sentences"), ("stance", "pairs")):
            for label, r in m.get("rates", {}).get(head, {}).items():
                ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}"
                rows.append([name, head, label, pct(r["gold"]), pct(r["predicted"]), ratio, unit])
    if not rows:
        return []
    return [
        "How often each label is predicted against how often it is present (ratio 1.00 = "
        "the model's share matches the gold share; above 1 it over-predicts):",
        "",
    ] + table(["layer", "head", "label", "gold rate", "predicted rate", "ratio", "of"], rows)


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def calibration(metrics: dict[str, Any]) -> list[str]:
    cal = metrics["calibration"]
    before = cal.get("before_temperature")
    temps = metrics.get("model_info", {}).get("temperature") or {}
    rows = []
    for head, unit in (("stance", "predicted label vs correct"), ("frames", "p(label) vs present")):
        row = [head, unit, str(cal[head]["n"])]
        row += [num(before[head]["ece"]) if before else "n/a", num(cal[head]["ece"])]
        row.append(f"{temps[head]:.3f}" if head in temps else "1.000")
        rows.append(row)
    lines = [
        f"Expected calibration error ({cal['stance']['n_bins']} equal-width bins), before and "
        "after the per-head temperature fitted on dev:",
        "",
    ] + table(["head", "confidence", "n", "ECE before", "ECE after", "temperature"], rows)
    per = cal["frames"].get("per_label", {})
    if per:
        lines += table(["frame label", "ECE (after)"], [[k, num(v)] for k, v in per.items()])
    return lines


def confusions(metrics: dict[str, Any]) -> list[str]:
    """The most frequent stance confusions and frame errors, with example sentences."""
    conf = metrics.get("confusions") or {}
    lines = []
    for c in conf.get("stance", []):
        lines.append(f"**stance: gold {c['gold']} -> predicted {c['predicted']}** ({c['count']})")
        lines += [f"- `{e['id']}` ({e['target']}): {cell(e['text'])}" for e in c["examples"]]
        lines.append("")
    for c in conf.get("frames", []):
        lines.append(f"**{c['label']}: {c['error']}** ({c['count']})")
        lines += [f"- `{e['id']}` (p {e['prob']:.2f}): {cell(e['text'])}" for e in c["examples"]]
        lines.append("")
    return lines or ["No errors.", ""]
