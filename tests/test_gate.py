"""The quality gate: floor files, checks, and the ``gate`` / ``evaluate --floor`` CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data.errors import DataError
from stanceframe.eval.gate import FLOOR_PATH, check_floors, failures, load_floors, lookup
from stanceframe.model import Predictor, save_model

METRICS = {
    "model": {
        "stance": {"macro_f1": 0.61, "f_avg": None},
        "frames": {"macro_f1": 0.70},
    },
    "comparison": {"tfidf_logreg": {"stance": {"macro_f1": {"diff": -0.02}}}},
}


def _floor(tmp_path, text: str):
    path = tmp_path / "floor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_floors_mirror_metrics_paths(tmp_path):
    path = _floor(tmp_path, "[model.stance]\nmacro_f1 = 0.5\n\n[model.frames]\nmacro_f1 = 1\n")
    assert load_floors(path) == {"model.stance.macro_f1": 0.5, "model.frames.macro_f1": 1.0}


def test_below_floor_missing_or_null_fails_at_or_above_passes():
    floors = {
        "model.stance.macro_f1": 0.61,  # equal: passes
        "model.frames.macro_f1": 0.75,  # below
        "model.stance.f_avg": 0.0,  # null: fails, the gate cannot see it
        "model.stance.accuracy": 0.0,  # missing
        "comparison.tfidf_logreg.stance.macro_f1.diff": 0.0,  # model behind the baseline
    }
    checks = check_floors(METRICS, floors)
    assert [c.path for c in failures(checks)] == list(floors)[1:]
    assert checks[0].ok and "ok" in str(checks[0])
    assert str(checks[1]) == "FAIL model.frames.macro_f1 = 0.7000 (floor 0.7500)"
    assert "missing" in str(checks[2])
    assert lookup(METRICS, "model.stance") is None  # a table, not a number


@pytest.mark.parametrize(
    "text, message",
    [
        ("[model.stance]\nmacro_f1 = 'high'\n", "model.stance.macro_f1: floor must be a number"),
        ("[model.stance\n", "not valid TOML"),
        ("", "no floors defined"),
    ],
)
def test_bad_floor_files_name_the_problem(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        load_floors(_floor(tmp_path, text))


def test_committed_floor_file_names_headline_metrics():
    floors = load_floors(FLOOR_PATH)
    for path in ("model.stance.macro_f1", "model.stance.f_avg", "model.frames.macro_f1"):
        assert path in floors


def test_gate_cli_lists_failures_and_exits_1(tmp_path):
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps(METRICS), encoding="utf-8")
    low = _floor(tmp_path, "[model.stance]\nmacro_f1 = 0.5\n[model.frames]\nmacro_f1 = 0.5\n")
    ok = CliRunner().invoke(app, ["gate", str(metrics), "--floor", str(low)])
    assert ok.exit_code == 0, ok.output
    assert "ok   model.stance.macro_f1 = 0.6100" in ok.stdout
    high = tmp_path / "high.toml"
    high.write_text("[model.stance]\nmacro_f1 = 0.9\n[model.frames]\nmacro_f1 = 0.5\n")
    bad = CliRunner().invoke(app, ["gate", str(metrics), "--floor", str(high)])
    assert bad.exit_code == 1
    assert "1 metric(s) below floor" in bad.stderr
    assert "FAIL model.stance.macro_f1 = 0.6100 (floor 0.9000)" in bad.stderr
    missing = CliRunner().invoke(app, ["gate", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "no such metrics file" in missing.stderr


def test_evaluate_fails_the_gate_on_a_broken_model(tiny_encoder_dir, examples, tmp_path):
    # A random, untrained model stands in for a broken one: far below a 0.9 floor.
    model_dir = save_model(Predictor.untrained(tiny_encoder_dir, max_length=32), tmp_path / "m")
    data = tmp_path / "data.jsonl"
    data.write_text("".join(ex.to_json() + "\n" for ex in examples), encoding="utf-8")
    floor = _floor(tmp_path, "[model.stance]\nmacro_f1 = 0.9\n[model.frames]\nmacro_f1 = 0.9\n")
    args = ["evaluate", "--model", str(model_dir), "--data", str(data), "--split", "all"]
    args += ["--out", str(tmp_path / "out"), "--bootstrap", "0", "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--floor", str(floor)])
    assert result.exit_code == 1, result.output
    assert "gate FAILED" in result.stderr
    assert "FAIL model.stance.macro_f1" in result.stderr
    assert (tmp_path / "out" / "metrics.json").is_file()  # the report is kept for inspection
