"""Corpus benchmark: one process against Ray actor pools, on a synthetic Parquet corpus.

``stanceframe speed score --corpus N`` writes a corpus of about N sentences
(real news sentences from the bundled corpus, drawn with a seed, 20 to an
article) as Parquet, then scores it into a folder of shards once per
configuration, each as its own ``stanceframe score`` process, and prints:

- wall time (process start to exit: start-up, model load and Ray's start
  included) and the scoring time inside the run, sentences/s, and the ratio to
  the first configuration;
- peak memory: the largest sum of resident memory over the whole process tree
  (for Ray: the driver, raylet, GCS and every actor), sampled every 0.2 s, and
  that sum at a quarter, half and three quarters of the run, so a flat line
  can be seen rather than assumed.

Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SENTENCES_PER_ARTICLE = 20
SAMPLE_S = 0.2


def write_synthetic_corpus(path: Path, n_sentences: int, seed: int = 13) -> dict[str, int]:
    """About ``n_sentences`` sentences in articles of 20, as Parquet, written in row groups."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stanceframe.data.corpus import CORPUS_PATH

    pool = [
        json.loads(line)["text"]
        for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines()
        if '"layer": "real"' in line
    ]
    rng = random.Random(seed)
    n_articles = max(n_sentences // SENTENCES_PER_ARTICLE, 1)
    schema = pa.schema([("id", pa.string()), ("text", pa.string())])
    with pq.ParquetWriter(path, schema) as writer:
        for lo in range(0, n_articles, 1000):
            rows = [
                {"id": f"syn-{i:07d}", "text": " ".join(rng.sample(pool, SENTENCES_PER_ARTICLE))}
                for i in range(lo, min(lo + 1000, n_articles))
            ]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return {"articles": n_articles, "sentences_asked": n_sentences}


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm", encoding="ascii") as fh:
                rss[int(entry)] = int(fh.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(cmd: Sequence[str], kill_after: float | None = None) -> dict[str, Any]:
    """Run ``cmd``; wall seconds, exit code, peak tree memory and its timeline.

    ``kill_after``: SIGKILL the process after that many seconds (no clean-up
    runs), as a crash or an out-of-memory kill would.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples: list[tuple[float, int]] = []
    while proc.poll() is None:
        samples.append((time.perf_counter() - start, _tree_rss(proc.pid)))
        if kill_after is not None and samples[-1][0] > kill_after:
            proc.kill()
            proc.wait()
            break
        time.sleep(SAMPLE_S)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    timeline = {f"{int(q * 100)}%": _at(samples, q * wall) / 2**20 for q in (0.25, 0.5, 0.75)}
    return {
        "wall_s": round(wall, 1),
        "returncode": proc.returncode,
        "peak_mb": round(max((b for _, b in samples), default=0) / 2**20),
        "mb_at": {k: round(v) for k, v in timeline.items()},
        "mb_every_10pct": [round(_at(samples, q / 10 * wall) / 2**20) for q in range(1, 10)],
        "stderr_tail": stderr[-800:],
    }


def _at(samples: list[tuple[float, int]], t: float) -> int:
    return next((b for s, b in samples if s >= t), samples[-1][1] if samples else 0)


def corpus_benchmark(
    n_sentences: int,
    model: str | None,
    actors: Sequence[int] = (1, 2),
    threads: int = 0,
    workdir: Path | None = None,
    shard_size: int = 100,
    keep: bool = False,
    kill_after: float | None = None,
    log=print,
) -> dict[str, Any]:
    """Score one synthetic corpus with each configuration; the figures.

    ``kill_after``: the one-process run is killed after that many seconds and
    run again into the same folder, which must skip the shards already written.
    """
    import tempfile

    root = Path(workdir or tempfile.mkdtemp(prefix="stanceframe-corpus-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    corpus = root / f"synthetic-{n_sentences}.parquet"
    info = write_synthetic_corpus(corpus, n_sentences)
    cores = len(os.sched_getaffinity(0))
    configs = [("local", 1, threads or cores)] + [("ray", a, 1) for a in actors]
    results = []
    for engine, n_actors, n_threads in configs:
        out = root / f"out-{engine}-{n_actors}x{n_threads}"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, "-m", "stanceframe.cli.app", "score", str(corpus), "-o", f"{out}/",
               "--engine", engine, "--threads", str(n_threads), "--shard-size", str(shard_size),
               "--target", "Russia", "--no-progress"]  # fmt: skip
        if model:
            cmd += ["--model", str(model)]
        if engine == "ray":
            cmd += ["--actors", str(n_actors)]
        label = "1 process" if engine == "local" else f"ray {n_actors} actor(s)"
        log(f"{label} x {n_threads} thread(s): scoring {corpus.name} ...")
        if engine == "local" and kill_after:
            killed = run_measured(cmd, kill_after)
            shards = len(list(out.glob("part-*.parquet")))
            log(f"killed after {killed['wall_s']} s with {shards} shard(s) written; re-running")
            results.append({"config": "1 process, killed", **killed, "shards_written": shards})
        measured = run_measured(cmd)
        summary_path = out / "_summary.json"
        summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}
        results.append({"config": f"{label} x {n_threads} thread(s)", **measured, **summary})
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
    timed = [r for r in results if "sentences" in r]
    base = timed[0]["sentences"] / timed[0]["wall_s"] if timed else 0
    for r in timed:
        rate = r.get("sentences", 0) / r["wall_s"]
        r["wall_sentences_per_s"] = round(rate, 1)
        r["ratio"] = round(rate / base, 2) if base else None
        r["sentences_per_hour"] = round(rate * 3600)
    if not keep:
        corpus.unlink(missing_ok=True)
    return {"corpus": {**info, "file": str(corpus)}, "cores": cores, "results": results}


def format_corpus_report(report: dict[str, Any]) -> str:
    lines = [
        f"corpus: {report['corpus']['articles']} articles, "
        f"{report['results'][-1].get('sentences', '?')} sentences in the last run (Parquet); "
        f"{report['cores']} cores",
        f"{'configuration':32} {'wall s':>8} {'sent/s':>8} {'ratio':>6} "
        f"{'scoring s':>10} {'peak MB':>8} {'MB at 25/50/75 %':>18} {'sent/hour':>10}",
    ]
    for r in report["results"]:
        at = "/".join(str(v) for v in r["mb_at"].values())
        if "sentences" not in r:  # the killed run: no summary, only what it had written
            lines.append(
                f"{r['config']:32} {r['wall_s']:>8} {'':>8} {'':>6} {'':>10} {r['peak_mb']:>8} "
                f"{at:>18}   ({r.get('shards_written', 0)} shards written, then SIGKILL)"
            )
            continue
        lines.append(
            f"{r['config']:32} {r['wall_s']:>8} {r['wall_sentences_per_s']:>8} {r['ratio']:>6} "
            f"{r.get('seconds', '?'):>10} {r['peak_mb']:>8} {at:>18} {r['sentences_per_hour']:>10}"
        )
        if r["returncode"] != 0:
            lines.append(f"  exit {r['returncode']}: {r['stderr_tail'].strip()[-300:]}")
    return "\n".join(lines)
