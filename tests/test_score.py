"""Scoring articles (offsets, truncation, summary, actors) and the ``score``/``bench`` CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data.articles import Article
from stanceframe.data.schema import LabelSchema
from stanceframe.model import Predictor, save_model
from stanceframe.model.actors import suggest_targets
from stanceframe.model.article_scoring import score_article, score_articles, summarize

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "border-water-analysis.txt"
TARGETS = ["Kestria", "Valdoria"]


@pytest.fixture(scope="module")
def predictor(tiny_encoder_dir) -> Predictor:
    return Predictor.untrained(tiny_encoder_dir, max_length=48, seed=1)


@pytest.fixture(scope="module")
def model_dir(predictor, tmp_path_factory) -> str:
    return str(save_model(predictor, tmp_path_factory.mktemp("m") / "model"))


def _run(args: list[str], stdin: str | bytes | None = None):
    return CliRunner().invoke(app, args, input=stdin)


def test_offsets_round_trip_and_headline_is_a_sentence(predictor):
    text = EXAMPLE.read_text(encoding="utf-8")
    result = score_article(predictor, Article("ex", text, str(EXAMPLE)), TARGETS)
    sentences = result["sentences"]
    assert len(sentences) >= 20
    assert sentences[0]["text"] == text.splitlines()[0]  # the headline line
    for s in sentences:
        assert text[s["start"] : s["end"]] == s["text"]
        assert set(s["stance"]) == set(TARGETS)
        assert s["frames"] == [f for f, p in s["frame_probs"].items() if p >= 0.5]
    assert [s["index"] for s in sentences] == list(range(len(sentences)))
    assert sentences[-1]["paragraph"] > sentences[0]["paragraph"]


def test_long_sentences_are_truncated_not_fatal(predictor):
    long = "The ministry said " + "the army shelled the city and " * 40 + "officials said."
    result = score_article(predictor, Article("t", f"Short one.\n{long}", "t"), ["army"])
    flags = [s["truncated"] for s in result["sentences"]]
    assert flags == [False, True]
    assert result["summary"]["n_truncated"] == 1


def test_summary_matches_the_sentences(predictor):
    text = EXAMPLE.read_text(encoding="utf-8")
    result = score_article(predictor, Article("ex", text, "ex"), TARGETS)
    rows, summary = result["sentences"], result["summary"]
    n = len(rows)
    assert summary["n_sentences"] == n
    for frame, share in summary["frame_share"].items():
        assert share == pytest.approx(sum(frame in s["frames"] for s in rows) / n, abs=1e-4)
        assert all(frame in rows[i]["frames"] for i in summary["evidence"][frame])
    for target in TARGETS:
        entry = summary["stance"][target]
        assert entry["favor"] + entry["against"] + entry["neutral"] == n
        probs = [s["stance"][target]["probs"] for s in rows]
        expected = sum(p["favor"] - p["against"] for p in probs) / n
        assert entry["score"] == pytest.approx(expected, abs=1e-4)
        assert all(
            rows[i]["stance"][target]["label"] != "neutral" for i in summary["evidence"][target]
        )


def test_summarize_on_plain_rows():
    def row(i, frames, label, favor, against):
        probs = {"favor": favor, "against": against, "neutral": round(1 - favor - against, 6)}
        frame_probs = {
            f: (0.9 - 0.1 * i if f in frames else 0.1) for f in LabelSchema().frame_labels
        }
        return {"index": i, "text": f"S{i}.", "frames": frames, "frame_probs": frame_probs,
                "stance": {"X": {"label": label, "probs": probs}}}  # fmt: skip

    rows = [
        row(0, ["accusation"], "against", 0.1, 0.8),
        row(1, ["accusation", "attribution"], "against", 0.2, 0.6),
        row(2, [], "favor", 0.7, 0.1),
        row(3, [], "neutral", 0.2, 0.2),
    ]
    summary = summarize(rows, ["X"], LabelSchema())
    assert summary["frame_share"] == {
        "attribution": 0.25,
        "accusation": 0.5,
        "humanitarian_appeal": 0.0,
    }
    assert summary["stance"]["X"] == {"favor": 1, "against": 2, "neutral": 1, "score": -0.125}
    assert summary["evidence"]["accusation"] == [0, 1]  # most confident first
    assert summary["evidence"]["X"] == [0, 2, 1]  # non-neutral only, by confidence
    assert summary["evidence"]["humanitarian_appeal"] == []


def test_suggested_targets_merge_demonyms_and_skip_common_words():
    sentences = [
        "Kestria's dam is drying the Orsa valley, Valdorian officials said.",
        "Officials in Valdoria accused Kestria of lying.",
        "The Kestrian army denied it.",
        "According to the Lake Senna Institute, the flow fell.",
        "Families near the Lake Senna Institute are thirsty.",
    ]
    suggested = {t["name"]: t["count"] for t in suggest_targets(sentences)}
    assert suggested["Kestria"] == 3 and suggested["Valdoria"] == 2
    assert suggested["Lake Senna Institute"] == 2
    for common in ("Officials", "The", "According", "Families", "Kestrian", "Valdorian"):
        assert common not in suggested


def test_chunking_does_not_change_results(predictor):
    texts = [
        "Valdoria said the talks failed.\nKestria refused.",
        "Aid is blocked.",
        "One. Two. Three.",
    ]
    articles = [Article(f"a{i}", t, f"a{i}") for i, t in enumerate(texts)]
    whole = list(score_articles(predictor, articles, ["Kestria"]))
    small = list(score_articles(predictor, articles, ["Kestria"], chunk_sentences=1))
    assert [r["id"] for r in small] == ["a0", "a1", "a2"]

    def labels(results):
        return [
            (s["frames"], s["stance"]["Kestria"]["label"]) for r in results for s in r["sentences"]
        ]

    assert labels(whole) == labels(small)


def test_cli_json_from_file_matches_schema(model_dir):
    res = _run(
        ["score", str(EXAMPLE), "-m", model_dir, "-t", "Kestria", "-t", "Valdoria", "-f", "json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["model"]["labels"] == LabelSchema().to_dict() and doc["targets"] == TARGETS
    (article,) = doc["articles"]
    assert article["id"] == "border-water-analysis" and article["source"] == str(EXAMPLE)
    assert set(article["summary"]["stance"]) == set(TARGETS)


def test_cli_stdin_without_targets_suggests_them(model_dir):
    text = "Kestria closed the dam. Valdoria protested. Kestria said the reservoir is filling."
    res = _run(["score", "-", "-m", model_dir, "-f", "jsonl"], stdin=text)
    assert res.exit_code == 0, res.output
    (line,) = res.stdout.splitlines()
    article = json.loads(line)
    assert article["id"] == "stdin" and article["summary"]["stance"] == {}
    assert article["summary"]["suggested_targets"][0] == {"name": "Kestria", "count": 2}
    assert all(s["stance"] == {} for s in article["sentences"])


def test_cli_directory_to_csv(model_dir, tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "one.txt").write_text("Kestria said no. It refused.", encoding="utf-8")
    (tmp_path / "in" / "sub" / "two.md").write_text("Valdoria agreed.", encoding="utf-8")
    out = tmp_path / "out.csv"
    res = _run(["score", str(tmp_path / "in"), "-m", model_dir, "-t", "Kestria", "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["article_id"], r["text"]) for r in rows] == [
        ("one", "Kestria said no."),
        ("one", "It refused."),
        ("sub/two", "Valdoria agreed."),
    ]
    assert {r["stance:Kestria"] for r in rows} <= {"favor", "against", "neutral"}


@pytest.mark.parametrize("fmt", ["table", "html"])
def test_cli_table_and_html(model_dir, fmt):
    res = _run(["score", str(EXAMPLE), "-m", model_dir, "-t", "Kestria", "-f", fmt])
    assert res.exit_code == 0, res.output
    assert "border-water-analysis" in res.stdout and "Kestria" in res.stdout


def test_cli_bad_inputs_fail_cleanly_and_good_ones_are_scored(model_dir, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Kestria refused the inspection.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("d\u00e9j\u00e0 vu".encode("latin-1"))
    args = ["score", str(empty), str(good), str(binary), str(latin), "-m", model_dir, "-f", "jsonl"]
    res = _run(args)
    assert res.exit_code == 1
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["good"]
    errors = [line for line in res.stderr.splitlines() if line.startswith("error: ")]
    for path in (empty, binary, latin):
        assert sum(str(path) in line for line in errors) == 1
    assert "Traceback" not in res.output


def test_cli_output_is_atomic_on_failure(model_dir, tmp_path):
    out = tmp_path / "result.json"
    out.write_text("previous result\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00")
    res = _run(["score", str(bad), "-m", model_dir, "-o", str(out)])
    assert res.exit_code == 1 and str(bad) in res.stderr
    res = _run(["score", str(EXAMPLE), "-m", str(tmp_path / "no-model"), "-o", str(out)])
    assert res.exit_code == 1 and "no-model" in res.stderr and "Traceback" not in res.output
    assert out.read_text(encoding="utf-8") == "previous result\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    res = _run(["score", str(EXAMPLE), "-m", model_dir, "-o", str(out)])
    assert res.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["articles"]


def test_cli_usage_errors_exit_2(model_dir):
    assert _run(["score", str(EXAMPLE), "-m", model_dir, "-f", "xml"]).exit_code == 2
    assert _run(["score", "-m", model_dir]).exit_code == 2


def test_speed_score_times_every_mode_and_reports_agreement(model_dir):
    res = _run(["speed", "score", "-m", model_dir, "--n", "80", "--json", "-i", str(EXAMPLE)])
    assert res.exit_code == 0, res.output
    result = json.loads(res.stdout)
    variants = result["variants"]
    assert result["n_sentences"] == 80 and {"naive", "fp32", "int8-mixed"} <= set(variants)
    # the naive loop and the optimised path compute the same labels
    assert variants["naive"]["agreement_with_fp32"] == 1.0
    assert variants["fp32"]["vs_fp32"] == 1.0 and variants["fp32"]["sentences_per_s"] > 0
    assert variants["int8-mixed"]["rerun_in_fp32"] is not None
    assert result["gemm"]["fp32_gflops"] > 0 and result["model"]["gflops"] > 0


def test_cli_progress_goes_to_stderr_and_format_follows_the_suffix(model_dir, tmp_path):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("Kestria refused.", encoding="utf-8")
    two.write_text("Valdoria agreed. Talks resume.", encoding="utf-8")
    res = _run(["score", str(one), str(two), "-m", model_dir, "-f", "jsonl", "--progress"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["one", "two"]
    assert "score" in res.stderr  # the bar's label
    page = tmp_path / "page.html"
    res = _run(["score", str(one), "-m", model_dir, "-o", str(page)])
    assert res.exit_code == 0 and res.stdout == ""
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
