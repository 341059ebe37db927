"""The benchmark runner end to end on tiny invented fixtures and the tiny encoder."""

from __future__ import annotations

import json

import numpy as np
import pytest
from benchmark_fixtures import NEWSMTSC_TEST, write_newsmtsc, write_polnear, write_semeval
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data import importers
from stanceframe.data.errors import StanceframeError
from stanceframe.data.schema import LabelSchema
from stanceframe.model import Predictor, save_model
from stanceframe.training.benchmarks import BenchmarkDataMissing, run_benchmark

ATTRIBUTION_ONLY = LabelSchema(("favor", "against", "neutral"), ("attribution",))


def _f1_from_confusion(confusion: list[list[int]], labels: list[str], label: str) -> float:
    c = np.asarray(confusion)
    i = labels.index(label)
    tp, fp, fn = c[i, i], c[:, i].sum() - c[i, i], c[i, :].sum() - c[i, i]
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def test_semeval_runner_writes_json_and_markdown(tmp_path, tiny_encoder_dir):
    write_semeval(tmp_path / "data")
    out = tmp_path / "out"
    report = run_benchmark(
        "semeval2016",
        tmp_path / "data",
        out,
        epochs=1,
        max_length=32,
        base_model=tiny_encoder_dir,
        progress=False,
    )
    saved = json.loads((out / "semeval2016.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(report))
    m = saved["metrics"]
    # F_avg is the mean F1 of favor and against over the pooled test pairs.
    expected = np.mean(
        [_f1_from_confusion(m["confusion"], m["labels"], lab) for lab in ("favor", "against")]
    )
    assert m["f_avg"] == pytest.approx(expected, abs=1e-6)
    assert set(m["per_target"]) == {"Atheism", "Climate Change is a Real Concern"}
    assert [t["n"] for t in m["per_target"].values()] == [3, 2]  # official test rows per target
    assert np.asarray(m["confusion"]).sum() == 5
    tr = saved["training"]
    assert tr["n_train_rows"] == 10  # train + val of both targets
    assert (
        tr["n_dev_rows"] == 0 and tr["config"]["epochs"] == 1 and tr["config"]["max_length"] == 32
    )
    assert saved["settings"] == {
        "epochs": 1,
        "max_length": 32,
        "max_train": 0,
        "seed": 13,
        "base_model": tiny_encoder_dir,
    }
    assert "--epochs 1 --max-length 32" in saved["command"] and saved["command"].startswith(
        "stanceframe benchmark semeval2016"
    )
    assert saved["commit"] and saved["date"].endswith("Z")
    md = (out / "semeval2016.md").read_text(encoding="utf-8")
    assert (
        "MITRE" in md
        and "71.20" in md
        and saved["command"] in md
        and "Climate Change is a Real Concern" in md
    )
    assert f"{100 * m['f_avg']:.2f}" in md


def test_newsmtsc_runner_respects_max_train_and_scores_both_test_sets(tmp_path, tiny_encoder_dir):
    write_newsmtsc(tmp_path / "data")
    out = tmp_path / "out"
    report = run_benchmark(
        "newsmtsc",
        tmp_path / "data",
        out,
        max_train=5,
        epochs=1,
        max_length=32,
        base_model=tiny_encoder_dir,
        progress=False,
    )
    assert report["training"]["n_train_rows"] == 5
    assert report["training"]["n_dev_rows"] >= 1  # a seeded article slice held out as dev
    m = report["metrics"]
    for split in ("rw", "mt"):
        pairs = sum(len(t) for _, t in NEWSMTSC_TEST[f"devtest_{split}"])
        assert m[split]["n"] == pairs == report["data"][f"n_pairs_{split}"]
        assert m[f"macro_f1_{split}"] == m[split]["macro_f1"]
        assert 0.0 <= m[f"macro_f1_{split}"] <= 1.0
    assert (
        json.loads((out / "newsmtsc.json").read_text())["metrics"]["macro_f1_rw"]
        == m["macro_f1_rw"]
    )
    assert "83.10" in (out / "newsmtsc.md").read_text(encoding="utf-8")
    again = run_benchmark(
        "newsmtsc",
        tmp_path / "data",
        tmp_path / "out2",
        max_train=5,
        epochs=1,
        max_length=32,
        base_model=tiny_encoder_dir,
        progress=False,
    )
    # Seeded sample, dev carve and training: the same run gives the same numbers.
    assert again["training"]["history"] == report["training"]["history"]
    assert again["metrics"] == report["metrics"]


def test_polnear_scores_the_models_attribution_frame(tmp_path, tiny_encoder_dir):
    data = write_polnear(tmp_path / "data")
    predictor = Predictor.untrained(tiny_encoder_dir, ATTRIBUTION_ONLY, max_length=32)
    predictor.thresholds["attribution"] = 0.0  # everything is attribution: recall 1
    notes = tmp_path / "notes.md"
    notes.write_text("The tiny encoder is random, so this says nothing.\n", encoding="utf-8")
    report = run_benchmark(
        "polnear",
        tmp_path / "data",
        tmp_path / "out",
        predictor=predictor,
        notes_file=notes,
        progress=False,
    )
    rows = importers.read_polnear(data)
    positives = sum(bool(r.frames) for r in rows)
    a = report["metrics"]["attribution"]
    assert a["recall"] == 1.0 and a["precision"] == pytest.approx(positives / len(rows), abs=1e-6)
    assert a["support"] == positives and report["data"]["n_sentences"] == len(rows)
    dev = report["metrics"]["per_split"]["dev"]
    assert dev["support"] == sum(bool(r.frames) for r in rows if r.split == "dev")
    md = (tmp_path / "out" / "polnear.md").read_text(encoding="utf-8")
    assert (
        "## Notes\n\nThe tiny encoder is random" in md and f"--notes {notes}" in report["command"]
    )

    predictor.thresholds["attribution"] = 1.01  # nothing is attribution
    report = run_benchmark(
        "polnear", tmp_path / "data", tmp_path / "out", predictor=predictor, progress=False
    )
    assert report["metrics"]["attribution"]["recall"] == 0.0 and report["target"]["met"] is False


def test_polnear_needs_an_attribution_frame(tmp_path, tiny_encoder_dir):
    write_polnear(tmp_path / "data")
    predictor = Predictor.untrained(
        tiny_encoder_dir, LabelSchema(("favor", "against"), ("accusation",))
    )
    with pytest.raises(StanceframeError, match="no 'attribution' frame"):
        run_benchmark(
            "polnear", tmp_path / "data", tmp_path / "out", predictor=predictor, progress=False
        )


def test_missing_data_raises_in_python_and_skips_in_cli(tmp_path, monkeypatch):
    with pytest.raises(BenchmarkDataMissing, match="semeval2016_stance_tweeteval"):
        run_benchmark("semeval2016", tmp_path, tmp_path / "out")
    runner = CliRunner()
    result = runner.invoke(
        app, ["benchmark", "newsmtsc", "--data-dir", str(tmp_path), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0
    assert "skipped" in result.stderr and result.stdout == ""
    assert not (tmp_path / "out").exists()
    # No --data-dir and no ../shared/external next to the working directory.
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["benchmark", "all"])
    assert result.exit_code == 0 and result.stderr.count("skipped") == 3


def test_cli_unknown_name_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["benchmark", "glue", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2


def test_cli_runs_polnear_with_a_model_dir(tmp_path, tiny_encoder_dir):
    write_polnear(tmp_path / "data")
    model_dir = tmp_path / "model"
    save_model(Predictor.untrained(tiny_encoder_dir, ATTRIBUTION_ONLY, max_length=32), model_dir)
    out = tmp_path / "reports"
    args = [
        "benchmark",
        "polnear",
        "--data-dir",
        str(tmp_path / "data"),
        "--out",
        str(out),
        "--model",
        str(model_dir),
        "--no-progress",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    saved = json.loads((out / "polnear.json").read_text(encoding="utf-8"))
    assert summary["f1"] == saved["metrics"]["attribution"]["f1"]
    assert summary["markdown"] == str(out / "polnear.md") and (out / "polnear.md").is_file()
    assert f"--model {model_dir}" in saved["command"] and saved["model"]["path"] == str(model_dir)
