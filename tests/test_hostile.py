"""Hostile input, broken models and failing outputs: one clear line, the right exit code,
nothing lost. Each test is a reproduction of a probe that once ended in a traceback or
in silent garbage."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data.atomic import OutputError, atomic_write
from stanceframe.model import Predictor, load_model, save_model
from stanceframe.model.errors import ModelError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model_dir(tiny_encoder_dir, tmp_path_factory) -> Path:
    p = Predictor.untrained(tiny_encoder_dir, max_length=48, seed=1)
    return save_model(p, tmp_path_factory.mktemp("m") / "model")


def _run(args, stdin=None):
    return CliRunner().invoke(app, [str(a) for a in args], input=stdin)


def _copy(model_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "copy"
    shutil.copytree(model_dir, out)
    return out


# ---------------------------------------------------------------- broken models


def test_model_without_tokenizer_json_is_refused(model_dir, tmp_path):
    broken = _copy(model_dir, tmp_path)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="missing tokenizer.json"):
        load_model(broken)


def test_tokenizer_from_another_model_is_caught(model_dir, tmp_path):
    broken = _copy(model_dir, tmp_path)
    config = json.loads((broken / "config.json").read_text())
    config["vocab_size"] += 5000  # the embedding matrix no longer fits the vocabulary
    (broken / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="does not fit the encoder"):
        load_model(broken)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda meta: [], "expected a JSON object"),
        (lambda meta: {k: v for k, v in meta.items() if k != "max_length"}, "max_length"),
        (lambda meta: {**meta, "thresholds": {"x": 0.5}}, "thresholds"),
        (lambda meta: {**meta, "labels": "favor"}, "labels"),
    ],
)
def test_bad_stanceframe_json_is_one_line(model_dir, tmp_path, edit, message):
    broken = _copy(model_dir, tmp_path)
    meta = json.loads((broken / "stanceframe.json").read_text())
    (broken / "stanceframe.json").write_text(json.dumps(edit(meta)))
    with pytest.raises(ModelError, match=message) as info:
        load_model(broken)
    assert "stanceframe.json" in str(info.value) and "\n" not in str(info.value)


def test_truncated_weights_fail_the_checksum(model_dir, tmp_path):
    broken = _copy(model_dir, tmp_path)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(ModelError, match="checksum does not match"):
        load_model(broken)
    res = _run(["model", "info", broken])  # info reads the metadata only and shows labels
    assert res.exit_code == 0 and "stance_labels" in res.stdout


def test_saved_model_files_have_normal_permissions(model_dir):
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(model_dir.stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((model_dir / "model.safetensors").stat().st_mode) == 0o666 & ~mask


# ---------------------------------------------------------------- outputs


def test_output_never_replaces_a_device_or_a_link(tmp_path):
    atomic_write("/dev/null", lambda fh: fh.write("x"))
    assert Path("/dev/null").is_char_device()
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o644)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write(link, lambda fh: fh.write("new"))
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o644  # permission bits kept
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write(tmp_path, lambda fh: fh.write("x"))


def test_output_errors_are_one_line_and_leave_nothing(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("keep me")

    def fail(fh):
        fh.write("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):
        atomic_write(target, fail)
    assert target.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file


def test_a_killed_writers_temp_file_is_removed_by_the_next_write(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".out.txt.stanceframe-{dead.stdout.strip()}.tmp"
    stale.write_text("left by SIGKILL")
    atomic_write(tmp_path / "out.txt", lambda fh: fh.write("ok"))
    assert not stale.exists() and (tmp_path / "out.txt").read_text() == "ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_permission_denied_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises(OutputError, match="Permission denied"):
        atomic_write(folder / "x.json", lambda fh: fh.write("x"))


# ---------------------------------------------------------------- inputs


def test_one_bad_row_never_stops_the_others(model_dir, tmp_path):
    corpus = tmp_path / "c.jsonl"
    deep = "[" * 10_000 + "]" * 10_000
    corpus.write_text(
        '{"id": "a", "text": "The army said it left."}\n'
        f'{{"id": "b", "text": {deep}}}\n'
        '{"id": "c", "text": "bad \\ud800 text"}\n'
        '{"id": "d", "text": "Police arrested two men."}\n',
        encoding="utf-8",
    )
    res = _run(["score", corpus, "-m", model_dir, "-f", "jsonl"])
    assert res.exit_code == 1
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["a", "d"]
    assert "c.jsonl:2: json: JSON nested too deeply" in res.stderr
    assert "c.jsonl:3: json: \\ud800 is a lone surrogate" in res.stderr
    assert "Traceback" not in res.output


def test_predict_reads_its_own_output_with_line_separators(model_dir, tmp_path):
    rows = tmp_path / "in.jsonl"
    rows.write_text(
        json.dumps(
            {"id": 1, "text": "He said\u2028so\u0085here.", "targets": ["he"]}, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )
    first = _run(["predict", "-i", rows, "-m", model_dir, "-o", tmp_path / "out.jsonl"])
    assert first.exit_code == 0, first.output
    again = _run(["predict", "-i", tmp_path / "out.jsonl", "-m", model_dir])
    assert again.exit_code == 0, again.output
    # split on \n only: str.splitlines() would also split inside the text
    (row,) = [json.loads(line) for line in again.stdout.split("\n") if line]
    assert row["text"] == "He said\u2028so\u0085here."


def test_limits_hold_on_bytes_read(model_dir, tmp_path):
    res = _run(["score", "/dev/zero", "-m", model_dir, "--max-size", "0.001"])
    assert res.exit_code == 1 and "more than the 0.001 MB limit" in res.stderr
    res = _run(["score", "-", "-m", model_dir, "--max-size", "inf"], stdin="x")
    assert res.exit_code == 2


def test_unicode_whitespace_is_empty_and_nul_anywhere_is_binary(model_dir, tmp_path):
    blank = tmp_path / "blank.txt"
    blank.write_text("\u3000\u2003\n\u00a0", encoding="utf-8")
    late_nul = tmp_path / "nul.txt"
    late_nul.write_bytes(b"Fine text. " * 2000 + b"\x00")
    res = _run(["score", blank, late_nul, "-m", model_dir])
    assert res.exit_code == 1
    assert "blank.txt:0: file: file is empty" in res.stderr
    assert "nul.txt:1: file: binary file" in res.stderr


def test_symlink_loop_says_so(model_dir, tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    res = _run(["score", loop, "-m", model_dir])
    assert res.exit_code == 1 and "symlink loop" in res.stderr


def test_validate_reports_every_problem_of_a_row(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": 3.5, "text": "x", "targets": {"A": "angry"}, "frames": ["framing"]}\n'
        '{"id": true, "text": "y"}\n',
        encoding="utf-8",
    )
    res = _run(["data", "validate", bad])
    assert res.exit_code == 1
    out = res.stdout  # the problems are validate's results
    assert "bad.jsonl:1: id: must be a string or integer, got 3.5" in out
    assert "bad.jsonl:1: targets: unknown stance label 'angry'" in out
    assert "bad.jsonl:1: frames: unknown frame label 'framing'" in out
    assert "bad.jsonl:2: id: must be a string or integer, got true" in out


def test_ragged_and_unbalanced_csv_rows_are_reported(model_dir, tmp_path):
    ragged = tmp_path / "r.csv"
    ragged.write_text("id,text\n1,First article.,extra\n2,Second article.\n", encoding="utf-8")
    res = _run(["score", ragged, "-m", model_dir, "-f", "jsonl"])
    assert res.exit_code == 1 and "r.csv:2: row: more cells than header columns" in res.stderr
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["2"]


def test_table_strips_terminal_escapes_and_csv_guards_formulas(model_dir, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text('=HYPERLINK("x") said the \x1b[2J ministry.\n', encoding="utf-8")
    table = _run(["score", article, "-m", model_dir, "-f", "table"])
    assert table.exit_code == 0 and "\x1b[2J" not in table.stdout
    guarded = _run(["score", article, "-m", model_dir, "-f", "csv"])
    assert "'=HYPERLINK" in guarded.stdout
    raw = _run(["score", article, "-m", model_dir, "-f", "csv", "--no-csv-formula-guard"])
    assert "'=HYPERLINK" not in raw.stdout and "=HYPERLINK" in raw.stdout


def test_threads_are_clamped_to_the_cores(model_dir, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("The ministry said so.", encoding="utf-8")
    res = _run(["score", article, "-m", model_dir, "--threads", "4096", "-f", "json"])
    assert res.exit_code == 0 and "is more than the" in res.stderr


def test_sigterm_cleans_up_and_exits_143(model_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    script = (
        "import os, signal, sys\n"
        "from stanceframe.cli.app import main\n"
        "import stanceframe.output as o\n"
        "real = o.write_results\n"
        "def slow(fh, *a, **k):\n"
        "    fh.write('partial')\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return real(fh, *a, **k)\n"
        "o.write_results = slow\n"
        "sys.argv = ['stanceframe'] + sys.argv[1:]\n"
        "main()\n"
    )
    article = tmp_path / "a.txt"
    article.write_text("The ministry said so.", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", script, "score", str(article), "-m", str(model_dir), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")},
    )
    assert proc.returncode == 143, proc.stderr
    assert "terminated" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and list(tmp_path.glob(".out.jsonl*")) == []
    assert signal.SIGTERM  # the handler is installed by main(), not at import
