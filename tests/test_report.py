"""evaluate_model end to end on the tiny model: files, metrics.json schema, agreement
with Predictor.predict, the ``evaluate`` CLI, and grouped cross-validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import FixedPredictor, make_examples
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data.io import write_examples
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.eval.evaluate import evaluate_model
from stanceframe.eval.metrics import frame_metrics, stance_metrics
from stanceframe.eval.report import render_report
from stanceframe.model import Predictor, save_model
from stanceframe.training.config import TrainConfig
from stanceframe.training.cv import cross_validate, group_folds, write_cv

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def predictor(tiny_encoder_dir) -> Predictor:
    return Predictor.untrained(tiny_encoder_dir, max_length=48, seed=2)


@pytest.fixture(scope="module")
def evaluated(predictor, tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("eval")
    examples = make_examples()
    metrics = evaluate_model(
        predictor,
        examples,
        out,
        seed=0,
        n_bootstrap=50,
        train_examples=examples,
        data_info={"path": "fixture", "split": "test"},
    )
    return metrics, out


def test_outputs_are_written_and_metrics_json_has_the_documented_schema(evaluated):
    metrics, out = evaluated
    on_disk = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert on_disk == metrics
    assert metrics["schema_version"] == 2
    assert metrics["data"]["path"] == "fixture" and metrics["data"]["split"] == "test"
    assert (metrics["data"]["n_sentences"], metrics["data"]["n_pairs"]) == (12, 11)
    assert metrics["data"]["n_docs"] == 3
    assert metrics["model_info"]["name"] == "untrained"
    systems = [metrics["model"], *(metrics["baselines"][b] for b in ("majority", "tfidf_logreg"))]
    for system in systems:
        stance, frames = system["stance"], system["frames"]
        for key in ("accuracy", "macro_f1", "f_avg"):
            assert 0.0 <= stance[key] <= 1.0
        assert set(stance["per_class"]) == {"favor", "against", "neutral"}
        assert set(frames["per_label"]) == {"attribution", "accusation", "humanitarian_appeal"}
        assert set(frames["per_label"]["accusation"]) == {"precision", "recall", "f1", "support"}
        for key in ("micro_f1", "macro_f1", "exact_match", "hamming_loss"):
            assert 0.0 <= frames[key] <= 1.0
    for path in (("model",), ("baselines", "majority"), ("baselines", "tfidf_logreg")):
        ci = metrics["ci95"]
        for key in path:
            ci = ci[key]
        lo, hi = ci["stance"]["macro_f1"]
        assert lo <= hi
        assert len(ci["frames"]["per_label"]["attribution"]["f1"]) == 2
    cmp = metrics["comparison"]["tfidf_logreg"]["stance"]["macro_f1"]
    assert cmp["diff"] == pytest.approx(cmp["model"] - cmp["baseline"], abs=1e-6)
    assert cmp["verdict"] in {"better", "worse", "no clear difference", "undetermined"}
    assert 0.0 <= metrics["calibration"]["stance"]["ece"] <= 1.0
    assert len(metrics["calibration"]["frames"]["bins"]) == 10
    for png in metrics["plots"].values():
        assert (out / png).read_bytes().startswith(PNG)
    assert {"confusion_stance_model", "reliability_stance", "per_label_f1"} <= set(metrics["plots"])


def test_metrics_equal_those_recomputed_from_predict_on_the_same_rows(evaluated, predictor):
    metrics, out = evaluated
    examples = make_examples()
    preds = predictor.predict([ex.text for ex in examples], [list(ex.targets) for ex in examples])
    gold = [lab for ex in examples for lab in ex.targets.values()]
    got = [p["stance"][t] for ex, p in zip(examples, preds, strict=True) for t in ex.targets]
    labels = LabelSchema().stance_labels
    assert metrics["model"]["stance"] == stance_metrics(gold, got, labels)
    frames = frame_metrics(
        [ex.frames for ex in examples], [p["frames"] for p in preds], LabelSchema().frame_labels
    )
    assert metrics["model"]["frames"] == frames
    saved = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert [row["prediction"] for row in saved] == preds
    assert [row["id"] for row in saved] == [ex.id for ex in examples]


def test_report_is_rendered_from_metrics_json_alone(evaluated):
    metrics, out = evaluated
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report == render_report(json.loads((out / "metrics.json").read_text()))
    model_f1 = metrics["model"]["stance"]["macro_f1"]
    lo, hi = metrics["ci95"]["model"]["stance"]["macro_f1"]
    assert f"| Stance macro-F1 | {model_f1:.3f} [{lo:.3f}, {hi:.3f}] |" in report
    for path in metrics["plots"].values():
        assert f"]({path})" in report
    # The most frequent stance confusion is quoted with its example sentences.
    top = metrics["confusions"]["stance"][0]
    assert top["gold"] != top["predicted"] and 1 <= len(top["examples"]) <= 3
    assert f"gold {top['gold']} -> predicted {top['predicted']}** ({top['count']})" in report
    assert all(e["text"] in report for e in top["examples"])
    rate = metrics["rates"]["frames"]["attribution"]
    assert f"{100 * rate['gold']:.1f} %" in report


def test_baselines_need_train_rows(predictor, examples, tmp_path):
    with pytest.raises(ValueError, match="train_examples"):
        evaluate_model(predictor, examples, tmp_path, n_bootstrap=0)
    metrics = evaluate_model(predictor, examples, tmp_path, n_bootstrap=0, baselines=False)
    assert metrics["baselines"] == {} and metrics["ci95"] == {}
    assert "No baselines were run" in (tmp_path / "report.md").read_text()


def _split_file(examples: list[Example], path: Path) -> Path:
    split = {"d1": "train", "d2": "train", "d3": "test"}
    write_examples(path, [Example(**{**ex.__dict__, "split": split[ex.doc_id]}) for ex in examples])
    return path


def test_evaluate_cli_writes_the_report_and_prints_the_summary(predictor, examples, tmp_path):
    model_dir = save_model(predictor, tmp_path / "model")
    data = _split_file(examples, tmp_path / "data.jsonl")
    out = tmp_path / "report"
    args = ["evaluate", "--model", str(model_dir), "--data", str(data), "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--bootstrap", "20", "--no-progress"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data"]["n_sentences"] == 4  # the test split only: document d3
    assert metrics["data"]["train"]["n_sentences"] == 8
    assert "Stance macro-F1" in result.stdout and "tfidf_logreg" in result.stdout
    assert (out / "report.md").is_file()
    # `stanceframe predict` on the same rows gives exactly the predictions that were scored.
    test_rows = tmp_path / "test.jsonl"
    write_examples(test_rows, [ex for ex in examples if ex.doc_id == "d3"])
    pred_out = tmp_path / "pred.jsonl"
    predicted = CliRunner().invoke(
        app, ["predict", "-i", str(test_rows), "-o", str(pred_out), "-m", str(model_dir)]
    )
    assert predicted.exit_code == 0, predicted.output
    by_predict = [json.loads(line)["pred"] for line in pred_out.read_text().splitlines()]
    scored = [json.loads(line)["prediction"] for line in (out / "predictions.jsonl").open()]
    assert by_predict == scored
    bad = CliRunner().invoke(app, [*args, "--split", "dev", "--no-progress"])
    assert bad.exit_code == 1
    assert "no rows with split 'dev'" in bad.stderr and "Traceback" not in bad.output


# --- cross-validation -----------------------------------------------------------


def test_group_folds_keep_documents_whole_and_are_seeded():
    rows = [Example(f"r{i}", "t", doc_id=f"d{i % 7}") for i in range(40)]
    folds = group_folds(rows, 3, seed=1)
    assert folds == group_folds(rows, 3, seed=1)
    for doc in {r.doc_id for r in rows}:
        assert len({f for r, f in zip(rows, folds, strict=True) if r.doc_id == doc}) == 1
    sizes = [folds.count(k) for k in range(3)]
    assert max(sizes) - min(sizes) <= 6  # one document's worth
    with pytest.raises(Exception, match="at least 8 documents"):
        group_folds(rows, 8, seed=1)


def test_cross_validation_holds_out_each_document_once(tiny_encoder_dir, examples, tmp_path):
    config = TrainConfig(base_model=tiny_encoder_dir, epochs=1, batch_size=8, max_length=32)
    result = cross_validate(examples, config, folds=3, seed=0, schema=LabelSchema(), progress=False)
    assert sum(f["n_test"] for f in result["per_fold"]) == len(examples)
    assert [f["n_test_docs"] for f in result["per_fold"]] == [1, 1, 1]
    agg = result["summary"]["model"]["stance"]["macro_f1"]
    values = [f["model"]["stance"]["macro_f1"] for f in result["per_fold"]]
    assert agg["values"] == values
    assert agg["mean"] == pytest.approx(sum(values) / 3, abs=1e-6)
    assert agg["std"] is not None and agg["std"] >= 0
    assert set(result["summary"]["baselines"]) == {"majority", "tfidf_logreg"}
    write_cv(result, tmp_path)
    assert json.loads((tmp_path / "cv.json").read_text()) == result
    assert f"{agg['mean']:.3f} ± {agg['std']:.3f}" in (tmp_path / "cv.md").read_text()


def test_own_label_schema_without_frame_annotations(tmp_path):
    schema = LabelSchema(("favor", "against", "none"), ())
    gold = ["favor", "none", "against"]
    rows = [Example(f"r{i}", f"t{i}", f"d{i % 3}", {"x": gold[i % 3]}, None) for i in range(9)]
    probs = {"favor": 0.5, "against": 0.3, "none": 0.2}
    pred = {"frames": [], "frame_probs": {}, "stance": {"x": "favor"}, "stance_probs": {"x": probs}}
    predictor = FixedPredictor({f"t{i}": pred for i in range(9)}, schema)
    metrics = evaluate_model(predictor, rows, tmp_path, n_bootstrap=20, train_examples=rows)
    # favor: P 1/3, R 1, F1 0.5; against: F1 0 -> F_avg 0.25 (SemEval's measure).
    assert metrics["model"]["stance"]["f_avg"] == 0.25
    assert metrics["model"]["frames"]["macro_f1"] is None
    assert metrics["calibration"]["frames"]["ece"] is None
    assert "confusion_frames_model" not in metrics["plots"]
    assert "| Frames macro-F1 | n/a |" in (tmp_path / "report.md").read_text()


def test_topic_breakdown_separates_seen_and_unseen_topics(tiny_encoder_dir):
    from dataclasses import replace

    from stanceframe.eval.alignment import topic_breakdown
    from stanceframe.model import Predictor

    rows = [
        replace(ex, topic="floods" if ex.doc_id == "d1" else "courts") for ex in make_examples()
    ]
    train = [replace(rows[0], id="t", topic="floods")]
    p = Predictor.untrained(tiny_encoder_dir, max_length=48)
    preds = p.predict([ex.text for ex in rows], [list(ex.targets) for ex in rows])
    out = topic_breakdown(rows, preds, p.schema, train)
    assert out["seen_topics"]["topics"] == ["floods"] and out["seen_topics"]["n_docs"] == 1
    assert out["unseen_topics"]["topics"] == ["courts"] and out["unseen_topics"]["n_sentences"] == 8
    unseen = [i for i, ex in enumerate(rows) if ex.topic == "courts"]
    expected = frame_metrics(
        [rows[i].frames for i in unseen],
        [preds[i]["frames"] for i in unseen],
        LabelSchema().frame_labels,
    )["macro_f1"]
    assert out["unseen_topics"]["frames_macro_f1"] == expected
    assert topic_breakdown(make_examples(), preds, p.schema, train) is None  # no topic fields
