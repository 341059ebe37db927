"""Choosing what to label: the pool, the strategies, tasks from `annotate suggest`, the
round trip through an export, and the simulated loop."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import ls_annotation, ls_choice
from typer.testing import CliRunner

from stanceframe.annotate.labelstudio import labelling_config
from stanceframe.annotate.pool import pool_from_articles, pool_from_examples, suggest
from stanceframe.annotate.suggest import Candidate, pick
from stanceframe.cli.app import app
from stanceframe.data.io import read_examples
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.model import Predictor, save_model

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "border-water-analysis.txt"


@pytest.fixture(scope="module")
def predictor(tiny_encoder_dir) -> Predictor:
    return Predictor.untrained(tiny_encoder_dir, max_length=48, seed=3)


def _run(args: list[str]):
    return CliRunner().invoke(app, [str(a) for a in args])


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
        second = [ls_choice("stance_1", "neutral" if k % 2 else "against")]
        export.append(
            {
                "id": k + 1,
                "data": task["data"],
                "annotations": [
                    ls_annotation(2 * k, 1, first),
                    ls_annotation(2 * k + 1, 2, second),
                ],
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


def test_suggest_without_pre_annotation_for_own_labels(predictor, tmp_path):
    model_dir = save_model(predictor, tmp_path / "model")
    out = tmp_path / "tasks.json"
    result = _run(["annotate", "suggest", "-i", EXAMPLE, "--n", "3", "--model", model_dir,
                   "--out", out, "--no-pre-annotate", "--no-progress"])  # fmt: skip
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text())
    assert len(tasks) == 3 and all("predictions" not in t and t["data"]["text"] for t in tasks)


def test_sentence_vectors_are_the_frame_heads_input(predictor):
    import torch

    from stanceframe.annotate.suggest import sentence_vectors

    texts = ["The army said so.", "Families displaced by the war have no water, officials said."]
    vectors = torch.tensor(sentence_vectors(predictor, texts))
    assert torch.allclose(vectors.norm(dim=1), torch.ones(2), atol=1e-5)
    frames = predictor.logits(texts, [[], []]).frames
    head = predictor.network.frame_head
    # The frame head is linear: its logits minus the bias are parallel to the weights x vector.
    for i in range(2):
        raw = frames[i] - head.bias
        direct = head.weight @ vectors[i]
        cos = torch.nn.functional.cosine_similarity(raw, direct, dim=0)
        assert cos > 0.9999 and (raw / direct).std() < 1e-3
