"""Writing scored articles: JSON, JSONL, CSV, a rich table, or an HTML page.

Every writer takes an iterable of article result dicts (from
``stanceframe.model.article_scoring``) and writes as it goes, so JSONL, CSV and even
the JSON document stream with bounded memory. The HTML page lives in
``stanceframe.output.html``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from stanceframe.data.schema import LabelSchema

FORMATS = ("table", "json", "jsonl", "csv", "html")
SUFFIX_FORMATS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
}


def write_results(
    fh: TextIO,
    fmt: str,
    results: Iterable[dict[str, Any]],
    model: dict[str, Any],
    schema: LabelSchema,
    targets: Sequence[str],
    width: int | None = None,
    color: bool = False,
    formulas_safe: bool = True,
) -> int:
    """Write ``results`` to ``fh`` in ``fmt``; returns the number of articles written."""
    if fmt == "json":
        return write_json(fh, results, model, targets)
    if fmt == "jsonl":
        return write_jsonl(fh, results)
    if fmt == "csv":
        return write_csv(fh, results, schema, targets, formulas_safe)
    if fmt == "table":
        return write_table(fh, results, schema, targets, width=width, color=color)
    if fmt == "html":
        from stanceframe.output.html import write_html

        return write_html(fh, results, model, schema, targets)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_json(
    fh: TextIO, results: Iterable[dict], model: dict[str, Any], targets: Sequence[str]
) -> int:
    """One JSON document ``{"model", "targets", "articles": [...]}``, written article by article."""
    head = {"model": model, "targets": list(targets)}
    fh.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "articles": [')
    n = 0
    for result in results:
        body = json.dumps(result, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        fh.write(("," if n else "") + "\n    " + body)
        n += 1
    fh.write("\n  ]\n}\n" if n else "]\n}\n")
    return n


def write_jsonl(fh: TextIO, results: Iterable[dict]) -> int:
    """One article object per line (the same object as in the JSON ``articles`` list)."""
    n = 0
    for result in results:
        fh.write(json.dumps(result, ensure_ascii=False) + "\n")
        n += 1
    return n


# C0/C1 control characters (ESC starts terminal escape sequences: clear screen,
# window title, hyperlinks) and bidi overrides that reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet will not run: a leading ``'`` before = + - @ (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_header(schema: LabelSchema, targets: Sequence[str]) -> list[str]:
    header = ["article_id", "source", "index", "start", "end", "paragraph", "truncated"]
    header += ["text", "frames"] + [f"p_{f}" for f in schema.frame_labels]
    for target in targets:
        header.append(f"stance:{target}")
        header += [f"p_{label}:{target}" for label in schema.stance_labels]
    return header


def write_csv(
    fh: TextIO,
    results: Iterable[dict],
    schema: LabelSchema,
    targets: Sequence[str],
    formulas_safe: bool = True,
) -> int:
    """One row per sentence; frames joined by ``;``; one stance column group per target.

    With ``formulas_safe`` (the default) text cells that a spreadsheet would run
    as a formula get a leading ``'``; numbers are left alone.
    """
    safe = spreadsheet_safe if formulas_safe else (lambda v: v)
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow([safe(c) for c in csv_header(schema, targets)])
    n = 0
    for result in results:
        for s in result["sentences"]:
            row: list[Any] = [result["id"], result["source"], s["index"], s["start"], s["end"]]
            row += [s["paragraph"], int(s["truncated"]), s["text"], ";".join(s["frames"])]
            row += [s["frame_probs"][f] for f in schema.frame_labels]
            for target in targets:
                entry = s["stance"].get(target)
                row.append(entry["label"] if entry else "")
                row += [entry["probs"][label] if entry else "" for label in schema.stance_labels]
            writer.writerow([safe(c) for c in row])
        n += 1
    return n


def _stance_cell(entry: dict | None):
    from rich.text import Text

    if not entry:
        return Text("")
    label = entry["label"]
    style = {"favor": "green", "against": "red"}.get(label, "dim")
    return Text(f"{label} {entry['probs'][label]:.2f}", style=style)


def write_table(
    fh: TextIO,
    results: Iterable[dict],
    schema: LabelSchema,
    targets: Sequence[str],
    width: int | None = None,
    color: bool = False,
) -> int:
    """A rich table of sentences per article, then its summary."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(
        file=fh,
        width=width or 120,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    n = 0
    for result in results:
        # Text objects, never markup strings: article text may contain "[...]".
        title = Text(printable(f"{result['id']}  ({result['source']})"))
        table = Table(title=title, expand=True, show_lines=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("sentence", ratio=1)
        table.add_column("frames", no_wrap=True)
        for target in targets:
            table.add_column(printable(target), no_wrap=True)
        for s in result["sentences"]:
            text = Text(printable(s["text"]) + (" [truncated]" if s["truncated"] else ""))
            cells = [str(s["index"]), text, Text("\n".join(s["frames"]))]
            cells += [_stance_cell(s["stance"].get(t)) for t in targets]
            table.add_row(*cells)
        console.print(table)
        console.print(Text(printable(summary_text(result["summary"], schema, targets))))
        console.print()
        n += 1
    return n


def summary_text(summary: dict, schema: LabelSchema, targets: Sequence[str]) -> str:
    """The summary as a few plain lines (used by the table format)."""
    n = summary["n_sentences"]
    lines = [
        f"{n} sentences"
        + (f", {summary['n_truncated']} truncated" if summary.get("n_truncated") else "")
    ]
    shares = ", ".join(f"{f} {summary['frame_share'][f]:.0%}" for f in schema.frame_labels)
    lines.append(f"frames: {shares}")
    for target in targets:
        entry = summary["stance"].get(target, {})
        counts = ", ".join(f"{label} {entry.get(label, 0)}" for label in schema.stance_labels)
        score = entry.get("score")
        score_text = "n/a" if score is None else f"{score:+.2f}"
        lines.append(f"stance toward {target}: {counts}; score {score_text}")
    for key, indexes in summary["evidence"].items():
        if indexes:
            lines.append(f"evidence {key}: sentences {', '.join(map(str, indexes))}")
    if not targets and summary.get("suggested_targets"):
        names = ", ".join(f"{t['name']} ({t['count']})" for t in summary["suggested_targets"])
        lines.append(f"suggested targets: {names}")
    return "\n".join(lines)
