"""``score --engine ray``: an actor pool on a local Ray writes the rows the local engine writes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_batch import all_rows, corpus_parquet

from stanceframe.batch.runner import CorpusJob, run_corpus
from stanceframe.model import Predictor, save_model
from stanceframe.model.store import load_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_available():
    try:
        import ray.data  # noqa: F401
    except ImportError:
        if os.environ.get("STANCEFRAME_REQUIRE_RAY"):  # CI installs the extra: never skip there
            pytest.fail("STANCEFRAME_REQUIRE_RAY is set but Ray Data is not installed")
        pytest.skip('Ray Data not installed (pip install -e ".[ray]")')


def test_ray_rows_equal_local_rows_and_restart_skips(ray_available, tiny_encoder_dir, tmp_path):
    predictor = Predictor.untrained(tiny_encoder_dir, max_length=48, seed=5)
    model_dir = save_model(predictor, tmp_path / "model")
    src = corpus_parquet(tmp_path / "in.parquet", 300)
    local = tmp_path / "local"
    loaded = load_model(model_dir)  # as `score` and each actor load it
    run_corpus(CorpusJob((str(src),), local, shard_size=40, targets=("Kestria",)), loaded)
    cmd = [
        sys.executable,
        "-m",
        "stanceframe.cli.app",
        "score",
        str(src),
        "-m",
        str(model_dir),
        "-t",
        "Kestria",
        "-o",
        f"{tmp_path}/ray/",
        "--shard-size",
        "40",
        "--engine",
        "ray",
        "--actors",
        "2",
        "--threads",
        "1",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "wrote 8 shard(s)" in done.stderr
    ray_rows = all_rows(tmp_path / "ray")
    assert len({r["article_id"] for r in ray_rows}) == 300
    assert ray_rows == all_rows(local)
    # a re-run after losing one shard scores only that one, on Ray again
    (tmp_path / "ray" / "part-00003.parquet").unlink()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "7 of 8 shards already complete" in again.stderr
    assert all_rows(tmp_path / "ray") == all_rows(local)
