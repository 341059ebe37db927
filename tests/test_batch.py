"""Corpus runs: shards, restarts after a crash, settings checks, failures, Parquet output."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from stanceframe.batch import runner
from stanceframe.batch.runner import CorpusJob, run_corpus
from stanceframe.batch.shards import CorpusRunError, plan_shards
from stanceframe.cli.app import app
from stanceframe.data.corpus import CORPUS_PATH
from stanceframe.model import Predictor, save_model
from stanceframe.output.sentences import read_sentence_rows

N_ARTICLES = 23


@pytest.fixture(scope="module")
def predictor(tiny_encoder_dir) -> Predictor:
    return Predictor.untrained(tiny_encoder_dir, max_length=48, seed=3)


@pytest.fixture(scope="module")
def model_dir(predictor, tmp_path_factory) -> str:
    return str(save_model(predictor, tmp_path_factory.mktemp("m") / "model"))


def corpus_parquet(path: Path, n: int = N_ARTICLES, bad_row: int | None = None) -> Path:
    """``n`` articles of 1-4 real corpus sentences each, as Parquet (small row groups)."""
    lines = CORPUS_PATH.read_text(encoding="utf-8").splitlines()[: 3 * n + 4]
    texts = [json.loads(line)["text"] for line in lines]
    rows = [{"id": f"art{i}", "text": " ".join(texts[3 * i : 3 * i + 1 + i % 4])} for i in range(n)]
    if bad_row is not None:
        rows[bad_row]["text"] = "   "
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=4)
    return path


def all_rows(folder: Path) -> list[dict]:
    return [r for p in sorted(folder.glob("part-*.parquet")) for r in read_sentence_rows(p)]


def test_plan_covers_every_row_once_in_order(tmp_path):
    a = corpus_parquet(tmp_path / "a.parquet", 10)
    b = corpus_parquet(tmp_path / "b.parquet", 5)
    text = tmp_path / "t.txt"
    text.write_text("One sentence.", encoding="utf-8")
    shards = plan_shards([str(a), str(text), str(b)], 4)
    assert [s.rows for s in shards] == [4, 4, 4, 4]
    flat = [(seg.item, i) for s in shards for seg in s.segments for i in range(seg.start, seg.stop)]
    assert flat == [(str(a), i) for i in range(10)] + [(str(text), 0)] + [
        (str(b), i) for i in range(5)
    ]


def test_folder_rows_equal_the_single_file_and_json_output(model_dir, tmp_path):
    src = corpus_parquet(tmp_path / "in.parquet")
    r1 = CliRunner().invoke(
        app,
        [
            "score",
            str(src),
            "-m",
            model_dir,
            "-t",
            "Kestria",
            "-o",
            f"{tmp_path}/out/",
            "--shard-size",
            "5",
        ],
    )
    assert r1.exit_code == 0, r1.output
    r2 = CliRunner().invoke(
        app,
        ["score", str(src), "-m", model_dir, "-t", "Kestria", "-o", str(tmp_path / "one.parquet")],
    )
    assert r2.exit_code == 0, r2.output
    sharded, single = all_rows(tmp_path / "out"), read_sentence_rows(tmp_path / "one.parquet")
    assert sharded == single and len({r["article_id"] for r in single}) == N_ARTICLES
    # the folder is one Parquet dataset to pyarrow/pandas: _run.json and the like are skipped
    assert pq.read_table(tmp_path / "out").num_rows == len(single)
    assert len(list((tmp_path / "out").glob("part-*.parquet"))) == 5
    r3 = CliRunner().invoke(
        app, ["score", str(src), "-m", model_dir, "-t", "Kestria", "-f", "json"]
    )
    articles = json.loads(r3.stdout)["articles"]
    flat = [
        (a["id"], s["index"], s["frames"], s["stance"]["Kestria"]["label"])
        for a in articles
        for s in a["sentences"]
    ]
    assert flat == [
        (r["article_id"], r["sentence"], r["frames"], r["stance"][0]["label"]) for r in single
    ]


def test_a_crashed_run_restarts_and_skips_finished_shards(predictor, tmp_path, monkeypatch):
    src = corpus_parquet(tmp_path / "in.parquet")
    job = CorpusJob((str(src),), tmp_path / "out", shard_size=5, targets=("Kestria",))
    reference = tmp_path / "ref"
    run_corpus(CorpusJob((str(src),), reference, shard_size=5, targets=("Kestria",)), predictor)
    real_score_shard = runner.score_shard

    def crash_on_third(pred, shard, job_):
        if shard.index == 2:
            raise KeyboardInterrupt  # as if killed mid-run
        return real_score_shard(pred, shard, job_)

    monkeypatch.setattr(runner, "score_shard", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        run_corpus(job, predictor)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("part-*")) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")}
    monkeypatch.setattr(runner, "score_shard", real_score_shard)
    logged: list[str] = []
    summary = run_corpus(job, predictor, log=logged.append)
    assert summary["skipped"] == 2 and summary["written"] == 3
    assert logged == [f"2 of 5 shards already complete in {out}: skipped"]
    assert all(out.joinpath(n).stat().st_mtime_ns == t for n, t in before.items())
    assert all_rows(out) == all_rows(reference)
    assert not list(out.glob(".*tmp"))  # nothing half written left behind


def test_other_settings_are_refused_and_overwrite_starts_again(predictor, tmp_path):
    src = corpus_parquet(tmp_path / "in.parquet", 6)
    out = tmp_path / "out"
    run_corpus(CorpusJob((str(src),), out, shard_size=3), predictor)
    with pytest.raises(CorpusRunError, match="holds a run with other shard_size, targets"):
        run_corpus(CorpusJob((str(src),), out, shard_size=2, targets=("X",)), predictor)
    summary = run_corpus(
        CorpusJob((str(src),), out, shard_size=2, targets=("X",), overwrite=True), predictor
    )
    assert summary["shards"] == 3 and summary["skipped"] == 0
    assert len(list(out.glob("part-*.parquet"))) == 3
    assert all(r["stance"][0]["target"] == "X" for r in all_rows(out))
    corpus_parquet(src, 7)  # the input changed: a new run, not a continuation
    with pytest.raises(CorpusRunError, match="other inputs"):
        run_corpus(CorpusJob((str(src),), out, shard_size=2, targets=("X",)), predictor)


def test_bad_rows_are_kept_with_their_shard_and_reported_again(model_dir, tmp_path):
    src = corpus_parquet(tmp_path / "in.parquet", 8, bad_row=6)
    args = ["score", str(src), "-m", model_dir, "-o", f"{tmp_path}/out/", "--shard-size", "4"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 1
    assert f"error: {src}:7: text: missing or empty text" in first.stderr
    failures = tmp_path / "out" / "_part-00001.failures.txt"
    assert failures.read_text().strip() == f"{src}:7: text: missing or empty text (--text-col)"
    assert pq.read_table(tmp_path / "out").num_rows == len(all_rows(tmp_path / "out"))
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1 and "1 row(s) of the skipped shards failed" in again.stderr
    assert len({r["article_id"] for r in all_rows(tmp_path / "out")}) == 7


@pytest.mark.parametrize(
    "extra, hint",
    [
        (["--engine", "ray"], "--output"),
        (["-f", "parquet"], "--format"),
        (["-o", "DIR/", "-f", "csv"], "--format"),
        (["-o", "DIR/", "--engine", "spark"], "--engine"),
    ],
)
def test_usage_errors_exit_2_before_loading(tmp_path, extra, hint):
    src = corpus_parquet(tmp_path / "in.parquet", 2)
    extra = [e.replace("DIR", str(tmp_path / "o")) for e in extra]
    result = CliRunner().invoke(app, ["score", str(src), "-m", str(tmp_path / "none"), *extra])
    assert result.exit_code == 2 and hint in result.output


def test_ray_missing_is_one_line_naming_the_extra(model_dir, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("no ray")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    src = corpus_parquet(tmp_path / "in.parquet", 2)
    args = ["score", str(src), "-m", model_dir, "-o", f"{tmp_path}/o/", "--engine", "ray"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert 'error: --engine ray needs Ray Data: pip install -e ".[ray]"' in result.stderr


def test_corpus_benchmark_measures_a_whole_run(model_dir, tmp_path):
    from stanceframe.batch.bench import corpus_benchmark, format_corpus_report

    report = corpus_benchmark(60, model_dir, actors=(), workdir=tmp_path, log=lambda m: None)
    (only,) = report["results"]
    assert only["returncode"] == 0 and only["written"] == only["shards"] >= 1
    assert only["articles"] == 3 and only["sentences"] >= 3  # 60 sentences in articles of 20
    assert only["peak_mb"] > 50 and only["ratio"] == 1.0  # a Python process with torch loaded
    assert "1 process x" in format_corpus_report(report)
