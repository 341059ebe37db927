"""The Python API: ``import stanceframe as sf`` gives what the CLI gives; the README's
Python section runs as written; inference never imports ``training/``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import make_examples

import stanceframe as sf
from stanceframe.data.articles import InputFailure
from stanceframe.data.corpus import corpus_fingerprint
from stanceframe.model import Predictor, save_model
from stanceframe.model.defaults import default_model_status

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def home(tmp_path, monkeypatch, tiny_encoder_dir) -> Path:
    """A user cache holding a current default model (a tiny one)."""
    monkeypatch.setenv("STANCEFRAME_HOME", str(tmp_path / "home"))
    p = Predictor.untrained(tiny_encoder_dir, max_length=48, seed=1)
    p.info["data_sha256"] = corpus_fingerprint()
    save_model(p, tmp_path / "home" / "default-model")
    return tmp_path / "home"


def test_default_model_cache_status(home, tmp_path):
    model_dir = home / "default-model"
    assert default_model_status(model_dir) == "current"
    assert default_model_status(tmp_path / "nowhere") == "missing"
    meta = json.loads((model_dir / "stanceframe.json").read_text())
    meta["info"]["data_sha256"] = "0" * 64  # built from another corpus version
    (model_dir / "stanceframe.json").write_text(json.dumps(meta))
    assert default_model_status(model_dir) == "stale"
    meta["format_version"] = 1
    (model_dir / "stanceframe.json").write_text(json.dumps(meta))
    assert default_model_status(model_dir) == "stale"


def test_load_predict_and_score_through_the_api(home, tmp_path):
    model = sf.load_model()  # the cached default model: nothing is built
    assert model.info["path"] == str(home / "default-model")
    (pred,) = model.predict(["The army shelled the city, officials said."], [["army"]])
    assert set(pred) == {"frames", "frame_probs", "stance", "stance_probs"}
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    items = list(model.score(["The army said so. Then it left.", bad], on_error="yield"))
    assert [type(i).__name__ for i in items] == ["dict", "InputFailure"]
    assert isinstance(items[1], InputFailure) and "file is empty" in str(items[1])
    assert items[0]["summary"]["n_sentences"] == 2
    with pytest.raises(sf.StanceframeError, match="file is empty"):
        list(model.score([bad]))


def test_inference_never_imports_training(home):
    code = (
        "import sys, stanceframe as sf\n"
        "m = sf.load_model()\n"
        "list(m.score(['The army said so.'], targets=['army']))\n"
        "print(sorted(k for k in sys.modules if k.startswith('stanceframe.training')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_the_readme_python_section_runs_as_written(home, tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    rows = make_examples()
    splits = {"d1": "train", "d2": "train", "d3": "test"}
    with open("mine.jsonl", "w", encoding="utf-8") as fh:
        for ex in rows:
            fh.write(json.dumps({**ex.to_dict(), "split": splits[ex.doc_id]}) + "\n")
    Path("articles").mkdir()
    Path("articles/a.txt").write_text("Kestria cut the river, Valdoria said.", encoding="utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    archive = [{"body": f"Kestria denied report {i}. Valdoria said so."} for i in range(3)]
    pq.write_table(pa.Table.from_pylist(archive), "archive.parquet")
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own snippet
    assert Path("models/mine/stanceframe.json").is_file()
    assert Path("reports/mine/report.md").is_file()
    summary = json.loads(Path("scores/_summary.json").read_text(encoding="utf-8"))
    assert summary["articles"] == 3 and summary["skipped"] == 0
