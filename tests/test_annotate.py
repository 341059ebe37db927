"""The annotation loop: Label Studio config, suggested tasks, import of exports, agreement."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import ls_annotation, ls_choice
from typer.testing import CliRunner

from stanceframe.annotate.exports import annotator_of, import_export
from stanceframe.annotate.labelstudio import labelling_config
from stanceframe.annotate.suggest import (
    frame_uncertainty,
    sentence_uncertainty,
    stance_uncertainty,
)
from stanceframe.cli.app import app
from stanceframe.data.agreement import adjudicate_majority, annotator_agreement
from stanceframe.data.io import read_examples
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model import Predictor

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "border-water-analysis.txt"


def _task(tid: int, text: str, targets: list[str], annotations: list[dict]) -> dict:
    data = {"text": text, "prev": "", "next": "", "article_id": "a1", "sentence_index": tid}
    data["sentence_id"] = f"a1#{tid}"
    data.update({f"target_{k}": t for k, t in enumerate(targets, start=1)})
    return {"id": tid, "data": data, "annotations": annotations, "predictions": []}


def export_fixture() -> list[dict]:
    """Written by hand in Label Studio's JSON export format."""
    return [
        # Two annotators who disagree on one stance and agree on the frames.
        _task(
            1,
            "Valdoria accused Kestria of shelling the dam, the ministry said.",
            ["Kestria", "Valdoria"],
            [
                ls_annotation(
                    11,
                    1,
                    [
                        ls_choice("frames", "attribution", "accusation"),
                        ls_choice("stance_1", "against"),
                        ls_choice("stance_2", "neutral"),
                    ],
                ),
                ls_annotation(
                    12,
                    {"id": 2, "email": "b@lab"},
                    [
                        ls_choice("frames", "attribution", "accusation"),
                        ls_choice("stance_1", "neutral"),
                        ls_choice("stance_2", "neutral"),
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
                ls_annotation(21, 1, [ls_choice("stance_1", "neutral")]),
                ls_annotation(22, {"id": 2, "email": "b@lab"}, [ls_choice("stance_1", "neutral")]),
            ],
        ),
        # Skipped by its only annotator.
        _task(
            3, "Officials said nothing.", ["Kestria"], [ls_annotation(31, 1, [], cancelled=True)]
        ),
        # A target left without a stance choice.
        _task(
            4,
            "Children were killed, aid workers said.",
            ["Kestria", "Valdoria"],
            [
                ls_annotation(
                    41,
                    1,
                    [ls_choice("frames", "humanitarian_appeal"), ls_choice("stance_1", "neutral")],
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


def test_import_reads_annotators_counts_skips_and_names_the_missingls_choice(export_path):
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
