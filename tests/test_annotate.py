"""The annotation loop: Label Studio config, suggested tasks, import of exports, agreement."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stanceframe.annotate.exports import annotator_of, import_export
from stanceframe.annotate.labelstudio import labelling_config
from stanceframe.annotate.pool import pool_from_articles, pool_from_examples, suggest
from stanceframe.annotate.suggest import (
    Candidate,
    frame_uncertainty,
    pick,
    sentence_uncertainty,
    stance_uncertainty,
)
from stanceframe.cli.app import app
from stanceframe.data.agreement import adjudicate_majority, annotator_agreement
from stanceframe.data.io import read_examples
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model import Predictor, save_model

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "border-water-analysis.txt"


def _choice(name: str, *labels: str) -> dict:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": labels}}


def _task(tid: int, text: str, targets: list[str], annotations: list[dict]) -> dict:
    data = {"text": text, "prev": "", "next": "", "article_id": "a1", "sentence_index": tid}
    data["sentence_id"] = f"a1#{tid}"
    data.update({f"target_{k}": t for k, t in enumerate(targets, start=1)})
    return {"id": tid, "data": data, "annotations": annotations, "predictions": []}


def _ann(aid: int, who, result: list[dict], cancelled: bool = False) -> dict:
    return {"id": aid, "completed_by": who, "result": result, "was_cancelled": cancelled}


def export_fixture() -> list[dict]:
    """Written by hand in Label Studio's JSON export format."""
    return [
        # Two annotators who disagree on one stance and agree on the frames.
        _task(
            1,
            "Valdoria accused Kestria of shelling the dam, the ministry said.",
            ["Kestria", "Valdoria"],
            [
                _ann(
                    11,
                    1,
                    [
                        _choice("frames", "attribution", "accusation"),
                        _choice("stance_1", "against"),
                        _choice("stance_2", "neutral"),
                    ],
                ),
                _ann(
                    12,
                    {"id": 2, "email": "b@lab"},
                    [
                        _choice("frames", "attribution", "accusation"),
                        _choice("stance_1", "neutral"),
                        _choice("stance_2", "neutral"),
                    ],
                ),
            ],
        ),
        # Two annotators who agree; no frame at all is a label too.
        _task(
            2,
            "The talks resume on Tuesday.",
            ["Kestria"],
            [
                _ann(21, 1, [_choice("stance_1", "neutral")]),
                _ann(22, {"id": 2, "email": "b@lab"}, [_choice("stance_1", "neutral")]),
            ],
        ),
        # Skipped by its only annotator.
        _task(3, "Officials said nothing.", ["Kestria"], [_ann(31, 1, [], cancelled=True)]),
        # A target left without a stance choice.
        _task(
            4,
            "Children were killed, aid workers said.",
            ["Kestria", "Valdoria"],
            [
                _ann(
                    41,
                    1,
                    [_choice("frames", "humanitarian_appeal"), _choice("stance_1", "neutral")],
                )
            ],
        ),
        _task(5, "Nobody labelled this.", [], []),
    ]


@pytest.fixture()
def export_path(tmp_path) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export_fixture(), indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def predictor(tiny_encoder_dir) -> Predictor:
    return Predictor.untrained(tiny_encoder_dir, max_length=48, seed=3)


def _run(args: list[str]):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_uncertainty_is_one_on_the_fence_and_zero_at_the_ends():
    assert frame_uncertainty(0.3, 0.3) == 1.0
    assert frame_uncertainty(0.0, 0.3) == 0.0 and frame_uncertainty(1.0, 0.3) == 0.0
    assert frame_uncertainty(0.15, 0.3) == pytest.approx(0.5)
    assert frame_uncertainty(0.65, 0.3) == pytest.approx(0.5)
    assert stance_uncertainty({"favor": 0.4, "against": 0.4, "neutral": 0.2}) == 1.0
    assert stance_uncertainty({"favor": 1.0, "against": 0.0, "neutral": 0.0}) == 0.0
    pred = {"frame_probs": {"accusation": 0.99}, "stance_probs": {"K": {"favor": 0.5, "x": 0.3}}}
    assert sentence_uncertainty(pred, {"accusation": 0.5}) == pytest.approx(0.8)


def test_config_is_valid_xml_with_one_control_per_decision():
    root = ET.fromstring(labelling_config(LabelSchema(), max_targets=2))
    controls = {c.get("name"): c for c in root.iter("Choices")}
    assert set(controls) == {"frames", "stance_1", "stance_2"}
    assert controls["frames"].get("choice") == "multiple"
    assert [c.get("value") for c in controls["stance_2"]] == ["favor", "against", "neutral"]
    assert all(c.get("toName") == "text" for c in controls.values())


def test_config_for_own_labels_escapes_them(tmp_path):
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"stance_labels": ["pro", "con"], "frame_labels": ['a<&>"b']}))
    result = _run(["annotate", "config", "--labels", labels, "--max-targets", "1"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout)
    assert [c.get("value") for c in root.iter("Choice")] == ['a<&>"b', "pro", "con"]
    labels.write_text(json.dumps({"stance_labels": ["pro", "con"], "colours": ["red"]}))
    bad = _run(["annotate", "config", "--labels", labels])
    assert bad.exit_code == 1 and "colours" in bad.output


def test_import_reads_annotators_counts_skips_and_names_the_missing_choice(export_path):
    result = import_export(export_path)
    assert [str(p) for p in result.problems] == [
        f"{export_path}:4: annotations[0].stance_2: no stance chosen for target 'Valdoria'"
    ]
    assert (result.tasks, result.skipped, result.unannotated) == (5, 1, 2)
    rows = {(ex.id, ex.annotator): ex for ex in result.examples}
    assert set(rows) == {("a1#1", "1"), ("a1#1", "b@lab"), ("a1#2", "1"), ("a1#2", "b@lab")}
    assert rows[("a1#1", "1")].targets == {"Kestria": "against", "Valdoria": "neutral"}
    assert rows[("a1#1", "b@lab")].frames == ["attribution", "accusation"]
    assert rows[("a1#2", "1")].frames == []
    assert (
        rows[("a1#1", "1")].source["task"] == 1 and rows[("a1#1", "1")].source["annotation"] == 11
    )


def test_annotator_field_is_a_dotted_path():
    ann = {"completed_by": {"id": 7, "email": "x@y"}, "meta": {"who": "ana"}}
    assert annotator_of(ann, "completed_by") == "x@y"
    assert annotator_of(ann, "completed_by.id") == "7"
    assert annotator_of(ann, "meta.who") == "ana"
    assert annotator_of(ann, "missing.path") is None


def test_import_cli_writes_nothing_on_problems_unless_told(export_path, tmp_path):
    out = tmp_path / "rows.jsonl"
    out.write_text("keep me\n")
    result = _run(["annotate", "import", export_path, "--out", out])
    assert result.exit_code == 1
    assert "export.json:4: annotations[0].stance_2" in result.output
    assert out.read_text() == "keep me\n"
    result = _run(["annotate", "import", export_path, "--out", out, "--skip-invalid"])
    assert result.exit_code == 0, result.output
    rows = read_examples(out)
    assert len(rows) == 4 and {ex.annotator for ex in rows} == {"1", "b@lab"}


def test_import_rejects_unknown_labels_and_bad_json(export_path, tmp_path):
    tasks = export_fixture()
    tasks[1]["annotations"][0]["result"][0]["value"]["choices"] = ["maybe"]
    export_path.write_text(json.dumps(tasks))
    result = import_export(export_path)
    assert any(
        p.line == 2 and p.field == "targets" and "maybe" in p.message for p in result.problems
    )
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": 1,\n "data": }]')
    bad = _run(["annotate", "import", broken, "--out", tmp_path / "x.jsonl"])
    assert bad.exit_code == 1 and f"{broken}:2: json:" in bad.output


def test_agreement_and_majority_over_imported_annotators(export_path, tmp_path):
    rows = import_export(export_path).examples
    result = annotator_agreement(rows)
    assert result["annotators"] == ["1", "b@lab"]
    # Stance pairs both labelled: a1#1 Kestria (differ), a1#1 Valdoria, a1#2 Kestria (agree).
    assert result["stance"]["pairs"] == 3
    assert result["stance"]["agreement"] == pytest.approx(2 / 3, abs=1e-3)
    assert result["frames"]["accusation"]["agreement"] == 1.0
    kept, ties = adjudicate_majority(rows)
    assert ties == ["a1#1"]
    assert [ex.id for ex in kept] == ["a1#2"] and kept[0].annotator is None
    assert kept[0].source["annotators"] == ["1", "b@lab"]
    out = tmp_path / "adj.jsonl"
    imported = tmp_path / "rows.jsonl"
    _run(["annotate", "import", export_path, "--out", imported, "--skip-invalid"])
    cli = _run(["data", "agreement", imported, "--adjudicate", "majority", "--out", out])
    assert cli.exit_code == 0, cli.output
    assert "tie: a1#1" in cli.output and [ex.id for ex in read_examples(out)] == ["a1#2"]


def test_majority_of_three_decides_and_keeps_frame_order():
    def row(who: str, stance: str, frames: list[str]) -> Example:
        return Example("s1", "text", "d", {"K": stance}, frames, annotator=who)

    rows = [
        row("a", "against", ["accusation", "attribution"]),
        row("b", "against", ["attribution"]),
        row("c", "neutral", ["accusation", "attribution"]),
    ]
    kept, ties = adjudicate_majority(rows)
    assert ties == [] and kept[0].targets == {"K": "against"}
    assert kept[0].frames == ["accusation", "attribution"]


def test_suggest_tasks_carry_context_targets_and_predictions(predictor):
    pool = pool_from_articles([str(EXAMPLE)], ["Kestria", "Valdoria"])
    tasks = suggest(predictor, pool, 5, "uncertainty")
    assert len(tasks) == 5
    by_index = {c.sentence_index: c for c in pool}
    scores = [t["predictions"][0]["score"] for t in tasks]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(max(c.uncertainty for c in pool), abs=1e-4)
    controls = {
        c.get("name") for c in ET.fromstring(labelling_config(LabelSchema())).iter("Choices")
    }
    text = EXAMPLE.read_text(encoding="utf-8")
    for task in tasks:
        data = task["data"]
        cand = by_index[data["sentence_index"]]
        assert text[data["start"] : data["end"]] == data["text"] == cand.text
        if data["sentence_index"] > 0:
            assert data["prev"] == by_index[data["sentence_index"] - 1].text
        assert (data["target_1"], data["target_2"]) == ("Kestria", "Valdoria")
        pred = task["predictions"][0]
        assert pred["model_version"].startswith("stanceframe:")
        assert {r["from_name"] for r in pred["result"]} <= controls
        stance = {r["from_name"]: r["value"]["choices"] for r in pred["result"]}
        assert stance["stance_1"] == [cand.prediction["stance"]["Kestria"]]


def test_random_is_seeded_and_diverse_caps_each_article(predictor):
    rows = [
        Example(f"{d}-{i}", f"the army said {w} {i}", d, {"K": ""})
        for d, w in (("d1", "water"), ("d2", "peace"), ("d3", "aid"))
        for i in range(8)
    ]
    pool = pool_from_examples(rows)
    first = [c.id for c in pick(pool, 6, "random", seed=1)]
    assert first == [c.id for c in pick(pool, 6, "random", seed=1)]
    assert first != [c.id for c in pick(pool, 6, "random", seed=2)]
    suggest(predictor, pool, 6, "diverse", per_article=2)  # sets uncertainty
    from stanceframe.annotate.suggest import sentence_vectors

    chosen = pick(
        pool,
        6,
        "diverse",
        per_article=2,
        vectors=sentence_vectors(predictor, [c.text for c in pool]),
    )
    assert len(chosen) == 6 and len({c.id for c in chosen}) == 6
    assert sorted(c.article_id for c in chosen) == ["d1", "d1", "d2", "d2", "d3", "d3"]


def test_pick_rejects_unknown_strategy():
    with pytest.raises(ValueError, match="strategy"):
        pick([Candidate("a", "d", 0, "t")], 1, "clever")


def test_round_trip_suggest_label_import(predictor, tiny_encoder_dir, tmp_path):
    """suggest (CLI) -> two annotators label every task -> export -> import -> agreement."""
    model_dir = save_model(predictor, tmp_path / "model")
    tasks_path = tmp_path / "tasks.json"
    result = _run(
        [
            "annotate",
            "suggest",
            "-i",
            EXAMPLE,
            "--n",
            "6",
            "-t",
            "Kestria",
            "--model",
            model_dir,
            "--out",
            tasks_path,
            "--no-progress",
        ]
    )
    assert result.exit_code == 0, result.output
    tasks = json.loads(tasks_path.read_text())
    export = []
    for k, task in enumerate(tasks):
        first = task["predictions"][0]["result"]
        second = [_choice("stance_1", "neutral" if k % 2 else "against")]
        export.append(
            {
                "id": k + 1,
                "data": task["data"],
                "annotations": [_ann(2 * k, 1, first), _ann(2 * k + 1, 2, second)],
            }
        )
    export_path = tmp_path / "export.json"
    export_path.write_text(json.dumps(export))
    rows_path = tmp_path / "rows.jsonl"
    assert _run(["annotate", "import", export_path, "--out", rows_path]).exit_code == 0
    rows = read_examples(rows_path)
    assert len(rows) == 12 and {ex.text for ex in rows} == {t["data"]["text"] for t in tasks}
    agreement = _run(["data", "agreement", rows_path, "--json"])
    assert agreement.exit_code == 0, agreement.output
    assert json.loads(agreement.stdout)["stance"]["pairs"] == 6


def test_simulation_shares_its_start_and_grows_by_step(tiny_encoder_dir, tmp_path):
    from helpers import make_examples

    from stanceframe.data.io import write_examples
    from stanceframe.training.annotation_sim import format_table, simulate
    from stanceframe.training.config import TrainConfig

    rows = []
    for copy in range(3):  # 36 rows in 9 documents: train 6 docs, dev 3
        for ex in make_examples():
            doc = f"{ex.doc_id}-{copy}"
            rows.append(Example(f"{ex.id}-{copy}", ex.text, doc, ex.targets, ex.frames,
                                split="dev" if copy == 2 else "train", layer="real"))  # fmt: skip
    data = tmp_path / "real.jsonl"
    write_examples(data, rows)
    config = TrainConfig(base_model=tiny_encoder_dir, batch_size=4, freeze_layers=0)
    result = simulate(
        start=6, step=4, rounds=1, seed=1, config=config, data=data, log=lambda m: None
    )
    assert result["pool"] == 24 and result["dev_sentences"] == 12
    curves = result["curves"]
    assert set(curves) == {"uncertainty", "diverse", "random"}
    starts = {json.dumps(c[0], sort_keys=True) for c in curves.values()}
    assert len(starts) == 1  # one shared starting model
    for curve in curves.values():
        assert [p["labels"] for p in curve] == [6, 10]
        assert all(0.0 <= p["mean_macro_f1"] <= 1.0 for p in curve)
    assert format_table(result).count("\n") == 2 + 1
