"""Round trip against a real Label Studio server (slow; CI installs it in its own venv).

suggest -> project with the generated config -> import tasks -> two annotators
post annotations over the HTTP API (one skips a task) -> export -> import ->
agreement. Label Studio is found through ``$STANCEFRAME_LABEL_STUDIO`` (the
``label-studio`` executable of its own virtual environment, so its pins never
touch ours) or on ``PATH``; without it the test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data.io import read_examples
from stanceframe.model import Predictor, save_model

pytestmark = pytest.mark.slow
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "border-water-analysis.txt"
TOKEN = "stanceframe0test0token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, body=None):
        headers = {"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"}
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data, headers, method=method)
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    exe = os.environ.get("STANCEFRAME_LABEL_STUDIO") or shutil.which("label-studio")
    if not exe:
        pytest.skip("Label Studio not installed (set STANCEFRAME_LABEL_STUDIO, see .ci/run)")
    data_dir, port = tmp_path_factory.mktemp("ls-data"), _free_port()
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir)}
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [exe, "start", "--no-browser", "--port", str(port), "--data-dir", str(data_dir),
         "--username", "a@lab.test", "--password", "pass12345", "--user-token", TOKEN,
         "--enable-legacy-api-token"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "Label Studio did not start:\n" + Path(log.name).read_text()[-2000:]
                    )
                time.sleep(2)
        yield Server(base)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _run(args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def test_round_trip_through_label_studio(server, tiny_encoder_dir, tmp_path):
    model = save_model(Predictor.untrained(tiny_encoder_dir, max_length=48, seed=5), tmp_path / "m")
    tasks_path, export_path, rows_path = (tmp_path / n for n in ("t.json", "e.json", "r.jsonl"))
    _run(["annotate", "suggest", "-i", EXAMPLE, "--n", "8", "-t", "Kestria", "-t", "Valdoria",
          "--model", model, "--out", tasks_path, "--no-progress"])  # fmt: skip
    config = _run(["annotate", "config", "--max-targets", "2"]).stdout
    project = server.call("POST", "/api/projects", {"title": "stanceframe round trip",
                                                    "label_config": config})  # fmt: skip
    tasks = json.loads(tasks_path.read_text())
    imported = server.call("POST", f"/api/projects/{project['id']}/import", tasks)
    assert imported["task_count"] == 8 and imported["prediction_count"] == 8
    second = server.call("POST", "/api/users/", {"email": "b@lab.test", "username": "b"})
    listed = server.call("GET", f"/api/tasks?project={project['id']}&page_size=100")["tasks"]
    expected_pairs, expected_same = 0, 0
    for k, task in enumerate(sorted(listed, key=lambda t: t["id"])):
        data = task["data"]
        first = [
            {"from_name": f"stance_{s}", "to_name": "text", "type": "choices",
             "value": {"choices": ["against" if s == 1 else "neutral"]}}
            for s in (1, 2)
        ]  # fmt: skip
        server.call("POST", f"/api/tasks/{task['id']}/annotations", {"result": first})
        if k == 0:  # the second annotator skips the first task
            body = {"result": [], "was_cancelled": True, "completed_by": second["id"]}
            server.call("POST", f"/api/tasks/{task['id']}/annotations", body)
            continue
        other = [dict(r, value={"choices": ["neutral"]}) if k % 2 else r for r in first]
        body = {"result": other, "completed_by": second["id"]}
        server.call("POST", f"/api/tasks/{task['id']}/annotations", body)
        expected_pairs += 2
        expected_same += 1 + (k % 2 == 0)  # stance_2 always agrees, stance_1 on even k
        assert data["target_1"] == "Kestria"
    export = server.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    export_path.write_text(json.dumps(export))
    _run(["annotate", "import", export_path, "--out", rows_path])
    rows = read_examples(rows_path)
    assert len(rows) == 8 + 7
    assert {ex.text for ex in rows} == {t["data"]["text"] for t in tasks}
    result = json.loads(_run(["data", "agreement", rows_path, "--json"]).stdout)
    assert result["stance"]["pairs"] == expected_pairs
    assert result["stance"]["agreement"] == pytest.approx(expected_same / expected_pairs, abs=1e-3)
    adjudicated = tmp_path / "adj.jsonl"
    _run(["data", "agreement", rows_path, "--adjudicate", "majority", "--out", adjudicated])
    # Ties (odd k: stance_1 differs) are left out; the skipped task has one annotator.
    assert len(read_examples(adjudicated)) == 8 - 4
