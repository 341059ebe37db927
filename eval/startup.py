"""Start-up benchmark: how long ``stanceframe score ARTICLE`` takes as a whole process.

A user scoring one article pays for the interpreter, the imports, loading the
model and the scoring itself. This runs the real command several times in
fresh processes (min/median/max of the wall time), then once under
``python -X importtime`` to say which imports cost what, and times the
in-process stages (import, load, score) once, so the figures add up.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from stanceframe.errors import StanceframeError

# Top-level packages whose import time is worth naming; the rest is summed as "other".
WATCHED = ("torch", "transformers", "sklearn", "matplotlib", "datasets", "safetensors", "rich")

STAGES = """
import time, sys
t0 = time.perf_counter()
import stanceframe
from stanceframe.data.articles import Article
t1 = time.perf_counter()
model = stanceframe.load_model({model!r}, progress=False)
t2 = time.perf_counter()
text = open({article!r}, encoding="utf-8").read()
list(model.score([Article("a", text, "a")], targets={targets!r}))
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def _command(article: str, model: str, targets: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "stanceframe.cli.app", "score", article, "--model", model]
    for t in targets:
        cmd += ["--target", t]
    return cmd + ["--format", "json", "--output", os.devnull, "--no-progress"]


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise StanceframeError(f"start-up benchmark: the timed command failed: {last}")
    return proc


def whole_process(article: str, model: str, targets: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _run(_command(article, model, targets))
        times.append(time.perf_counter() - start)
    return times


def import_costs(article: str, model: str, targets: list[str]) -> dict[str, float]:
    """Cumulative import time (s) per watched top-level package, from ``-X importtime``."""
    cmd = _command(article, model, targets)
    proc = _run([cmd[0], "-X", "importtime", *cmd[1:]])
    costs: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if name in WATCHED and cumulative.isdigit():  # top-level entries only
            costs[name] = max(costs.get(name, 0.0), int(cumulative) / 1e6)
    return costs


def stages(article: str, model: str, targets: list[str]) -> dict[str, float]:
    code = STAGES.format(model=model, article=article, targets=targets)
    out = _run([sys.executable, "-c", code])
    imp, load, score = (float(x) for x in out.stdout.split())
    return {"import_s": imp, "load_model_s": load, "score_s": score}


def run_startup(article: str | Path, model: str | Path, targets: list[str], runs: int = 5):
    article, model = str(article), str(model)
    times = whole_process(article, model, targets, runs)
    return {
        "article": article,
        "runs": runs,
        "wall_s": {
            "min": round(min(times), 3),
            "median": round(statistics.median(times), 3),
            "max": round(max(times), 3),
        },
        "stages_s": {k: round(v, 3) for k, v in stages(article, model, targets).items()},
        "imports_s": {k: round(v, 3) for k, v in import_costs(article, model, targets).items()},
    }


def format_startup(result: dict[str, Any]) -> str:
    w, st = result["wall_s"], result["stages_s"]
    lines = [
        f"stanceframe score {result['article']} (whole process, {result['runs']} runs):"
        f" min {w['min']:.2f} s, median {w['median']:.2f} s, max {w['max']:.2f} s",
        f"in-process: import {st['import_s']:.2f} s, load model {st['load_model_s']:.2f} s,"
        f" score {st['score_s']:.2f} s",
        "imports (cumulative, -X importtime): "
        + (", ".join(f"{k} {v:.2f} s" for k, v in result["imports_s"].items()) or "none watched"),
    ]
    return "\n".join(lines)
