"""A self-contained HTML page of scored articles: no scripts, fonts or images to fetch.

Each sentence is underlined in the colour of every frame it carries (one
bar per frame, stacked) and followed by small stance marks per target; its
tooltip holds all probabilities. Each article starts with its summary, and a
legend explains the colours. All text goes through ``html.escape``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from stanceframe.data.schema import LabelSchema

# Readable on white, distinguishable for the common colour-vision deficiencies.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442")
STANCE_MARK = {"favor": ("▲", "#1a7f37"), "against": ("▼", "#c62828")}

CSS = """
body{font:16px/1.6 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-top:1px solid #d0d7de;
padding-top:1rem}.src{color:#59636e;font-size:.85rem;font-weight:normal}
.legend,.summary{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;
padding:.6rem 1rem;margin:1rem 0;font-size:.9rem}
.legend span.key{display:inline-block;margin-right:1.2rem}
.sw{display:inline-block;width:1.6rem;height:.35rem;vertical-align:middle;margin-right:.3rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{padding:.15rem .6rem;text-align:left;
border-bottom:1px solid #e5e7eb}th{font-weight:600}
.bar{display:inline-block;height:.6rem;vertical-align:middle;border-radius:2px}
.s{padding:0 .05rem;box-decoration-break:clone;-webkit-box-decoration-break:clone}
.s.framed{background:#fafafa}.s:target{outline:2px solid #59636e}
.idx{color:#8c959f;font-size:.7rem;vertical-align:super;margin-right:.1rem}
.st{font-size:.75rem;font-weight:600;margin-left:.15rem;white-space:nowrap}
.trunc{color:#8c959f;font-size:.75rem}
.meta{color:#59636e;font-size:.85rem}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def frame_colors(schema: LabelSchema) -> dict[str, str]:
    return {f: PALETTE[i % len(PALETTE)] for i, f in enumerate(schema.frame_labels)}


def write_html(
    fh: TextIO,
    results: Iterable[dict],
    model: dict[str, Any],
    schema: LabelSchema,
    targets: Sequence[str],
) -> int:
    """The whole page, written article by article; returns the number of articles."""
    colors = frame_colors(schema)
    fh.write('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    fh.write('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    fh.write(
        f"<title>stanceframe: scored articles</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    )
    fh.write("<h1>stanceframe: scored articles</h1>\n")
    name = model.get("name") or model.get("path") or "model"
    fh.write(f'<p class="meta">model {_e(name)}')
    if targets:
        fh.write(" · targets: " + ", ".join(_e(t) for t in targets))
    fh.write("</p>\n")
    fh.write(_legend(colors, targets))
    n = 0
    for n, result in enumerate(results, start=1):
        fh.write(_article(result, n, colors, schema, targets))
    if n == 0:
        fh.write("<p>No articles.</p>\n")
    fh.write("</body>\n</html>\n")
    return n


def _legend(colors: dict[str, str], targets: Sequence[str]) -> str:
    keys = "".join(
        f'<span class="key"><span class="sw" style="background:{c}"></span>{_e(f)}</span>'
        for f, c in colors.items()
    )
    parts = [f"<strong>Frames</strong> (underlines, one per frame): {keys}"]
    if targets:
        marks = " ".join(
            f'<span class="st" style="color:{color}">{sym} target</span> {_e(label)}'
            for label, (sym, color) in STANCE_MARK.items()
        )
        parts.append(f"<strong>Stance</strong> after a sentence: {marks}; neutral is not marked")
    parts.append("Hover a sentence for its probabilities; small numbers are sentence indexes.")
    return '<div class="legend">' + "<br>".join(parts) + "</div>\n"


def _anchor(article_no: int, index: int) -> str:
    return f"a{article_no}-s{index}"


def _article(result: dict, no: int, colors: dict, schema: LabelSchema, targets) -> str:
    out = [
        f'<h2 id="a{no}">{_e(result["id"])} <span class="src">{_e(result["source"])}</span></h2>'
    ]
    out.append(_summary(result["summary"], no, colors, schema, targets))
    paragraph: list[str] = []
    current = None
    for s in result["sentences"]:
        if current is not None and s.get("paragraph", 0) != current and paragraph:
            out.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph = []
        current = s.get("paragraph", 0)
        paragraph.append(_sentence(s, no, colors, targets))
    if paragraph:
        out.append("<p>" + " ".join(paragraph) + "</p>")
    return "\n".join(out) + "\n"


def _sentence(s: dict, no: int, colors: dict, targets: Sequence[str]) -> str:
    bars = [f"inset 0 -{3 * (i + 1)}px 0 {colors[f]}" for i, f in enumerate(s["frames"])]
    style = f' style="box-shadow:{", ".join(bars)}"' if bars else ""
    tip = ["frames: " + ", ".join(f"{f} {p:.2f}" for f, p in s["frame_probs"].items())]
    for target in targets:
        entry = s["stance"].get(target)
        if entry:
            probs = ", ".join(f"{label} {p:.2f}" for label, p in entry["probs"].items())
            tip.append(f"{target}: {entry['label']} ({probs})")
    cls = "s framed" if bars else "s"
    marks = []
    for target in targets:
        entry = s["stance"].get(target)
        if entry and entry["label"] in STANCE_MARK:
            sym, color = STANCE_MARK[entry["label"]]
            marks.append(f'<span class="st" style="color:{color}">{sym} {_e(target)}</span>')
    trunc = ' <span class="trunc">[truncated]</span>' if s.get("truncated") else ""
    return (
        f'<span class="idx">{s["index"]}</span><span id="{_anchor(no, s["index"])}" class="{cls}"'
        f'{style} title="{_e(chr(10).join(tip))}">{_e(s["text"])}</span>{trunc}{"".join(marks)}'
    )


def _summary(summary: dict, no: int, colors: dict, schema: LabelSchema, targets) -> str:
    def links(key: str) -> str:
        indexes = summary["evidence"].get(key, [])
        return ", ".join(f'<a href="#{_anchor(no, i)}">{i}</a>' for i in indexes) or "–"

    rows = ["<tr><th>frame</th><th>share of sentences</th><th>evidence</th></tr>"]
    for frame in schema.frame_labels:
        share = summary["frame_share"][frame]
        bar = (
            f'<span class="bar" style="width:{share * 8:.2f}rem;background:{colors[frame]}"></span>'
        )
        rows.append(
            f"<tr><td>{_e(frame)}</td><td>{bar} {share:.0%}</td><td>{links(frame)}</td></tr>"
        )
    parts = [f"{summary['n_sentences']} sentences", "<table>" + "".join(rows) + "</table>"]
    if summary.get("n_truncated"):
        parts[0] += f", {summary['n_truncated']} truncated to the model's length limit"
    if targets:
        head = "".join(f"<th>{_e(label)}</th>" for label in schema.stance_labels)
        rows = [f"<tr><th>target</th>{head}<th>score</th><th>evidence</th></tr>"]
        for target in targets:
            entry = summary["stance"].get(target, {})
            cells = "".join(f"<td>{entry.get(label, 0)}</td>" for label in schema.stance_labels)
            score = entry.get("score")
            score_text = "n/a" if score is None else f"{score:+.2f}"
            rows.append(
                f"<tr><td>{_e(target)}</td>{cells}<td>{score_text}</td><td>{links(target)}</td></tr>"
            )
        parts.append("<table>" + "".join(rows) + "</table>")
        parts.append("score = mean P(favor) − P(against) over the article's sentences")
    suggested = summary.get("suggested_targets") or []
    if suggested:
        names = ", ".join(f"{_e(t['name'])} ({t['count']})" for t in suggested)
        parts.append(f"Named actors (try <code>--target</code>): {names}")
    return '<div class="summary">' + "<br>".join(parts) + "</div>"
