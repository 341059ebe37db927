"""End-to-end on the real bundled encoder (slow: run with ``pytest -m slow``).

Trains briefly on a slice of the bundled corpus through the CLI, then
predicts, scores the example article in every format and evaluates, the
way a researcher would chain the commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data.corpus import load_corpus
from stanceframe.data.io import write_examples

pytestmark = pytest.mark.slow
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "border-water-analysis.txt"
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("e2e")
    corpus = load_corpus()
    docs = {s: sorted({e.doc_id for e in corpus if e.split == s}) for s in ("train", "dev", "test")}
    keep = set(docs["train"][:8] + docs["dev"][:2] + docs["test"][:2])
    data = out / "slice.jsonl"
    write_examples(data, [e for e in corpus if e.doc_id in keep])
    config = out / "quick.toml"
    config.write_text("epochs = 1\nbatch_size = 16\nmax_length = 96\n", encoding="utf-8")
    run(
        "train",
        "--config",
        str(config),
        "--data",
        str(data),
        "--out",
        str(out / "model"),
        "--no-progress",
    )
    return out / "model", data


def test_model_dir_is_complete_with_card(trained):
    model, _ = trained
    for name in (
        "model.safetensors",
        "config.json",
        "stanceframe.json",
        "training_config.json",
        "metrics.json",
        "README.md",
    ):
        assert (model / name).is_file(), name
    card = (model / "README.md").read_text(encoding="utf-8")
    assert "dev_stance_macro_f1" in card and "all-MiniLM-L6-v2" in card


def test_predict_is_byte_identical_across_runs(trained, tmp_path):
    model, _ = trained
    rows = tmp_path / "in.jsonl"
    rows.write_text(
        json.dumps(
            {
                "id": "1",
                "text": "Kestria shelled the clinic, officials said.",
                "targets": ["Kestria"],
            }
        )
        + "\n"
        + json.dumps({"id": "2", "text": "The talks resume on Monday."})
        + "\n",
        encoding="utf-8",
    )
    run("predict", "--model", str(model), "--input", str(rows), "--output", str(tmp_path / "a"))
    run("predict", "--model", str(model), "--input", str(rows), "--output", str(tmp_path / "b"))
    a = (tmp_path / "a").read_bytes()
    assert a == (tmp_path / "b").read_bytes()
    first = json.loads(a.splitlines()[0])
    assert set(first["pred"]) == {"frames", "frame_probs", "stance", "stance_probs"}
    assert set(first["pred"]["stance"]) == {"Kestria"}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "html", "table"])
def test_score_example_article_in_every_format(trained, fmt):
    model, _ = trained
    res = run(
        "score",
        str(EXAMPLE),
        "--model",
        str(model),
        "--target",
        "Kestria",
        "--target",
        "Valdoria",
        "--format",
        fmt,
    )
    assert res.stdout.strip()
    if fmt == "json":
        doc = json.loads(res.stdout)
        article = doc["articles"][0]
        text = EXAMPLE.read_text(encoding="utf-8")
        for s in article["sentences"]:
            assert text[s["start"] : s["end"]] == s["text"]
        assert set(article["summary"]["stance"]) == {"Kestria", "Valdoria"}


def test_evaluate_writes_report_with_baselines(trained, tmp_path):
    model, data = trained
    run(
        "evaluate",
        "--model",
        str(model),
        "--data",
        str(data),
        "--split",
        "test",
        "--out",
        str(tmp_path / "rep"),
        "--bootstrap",
        "50",
        "--no-progress",
    )
    metrics = json.loads((tmp_path / "rep" / "metrics.json").read_text(encoding="utf-8"))
    assert {"majority", "tfidf_logreg"} <= set(metrics["baselines"])
    assert (tmp_path / "rep" / "report.md").is_file()


def test_bench_train_prints_fp32_and_bf16_throughput():
    res = run("speed", "train", "--steps", "6", "--json")
    figures = json.loads(res.stdout)
    assert set(figures["throughput"]["items_per_s"]) == {"fp32", "bf16"}
    assert figures["throughput"]["items_timed"] > 0
    assert figures["load_seconds_min"] > 0
