"""Columnar inputs: Parquet, save_to_disk and dataset-card folders read like JSONL; the card."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stanceframe.data.articles import Article, InputFailure, ReadOptions, iter_articles
from stanceframe.data.corpus import CORPUS_DIR, CORPUS_PATH
from stanceframe.data.errors import DataError
from stanceframe.data.io import read_examples, write_examples
from stanceframe.data.rows import iter_rows
from stanceframe.data.tables import count_table_rows, iter_table_rows, normalize_row, table_kind

ROWS = [
    {
        "id": f"s{i}",
        "doc_id": f"d{i // 2}",
        "text": f"Officials said {i} people were hurt in Kestria.",
        "targets": {"Kestria": "neutral"} if i % 2 else {"Valdoria": "against"},
        "frames": ["attribution"] if i % 3 else [],
        "split": "train",
    }
    for i in range(7)
]


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def _datasets():
    import datasets

    return datasets


def test_parquet_labelled_rows_equal_jsonl_rows(tmp_path, examples):
    jsonl = tmp_path / "ex.jsonl"
    write_examples(jsonl, examples)
    # targets as a list of {target, stance} records: one Parquet form a user may have
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    for r in records:
        r["targets"] = [{"target": k, "stance": v} for k, v in r.get("targets", {}).items()]
    path = tmp_path / "ex.parquet"
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=3)
    assert read_examples(path) == read_examples(jsonl)


def test_save_to_disk_and_card_folders_read_like_jsonl(tmp_path):
    datasets = _datasets()
    jsonl = _jsonl(tmp_path)
    expected = read_examples(jsonl)
    # Struct form: Arrow makes {name: stance} a struct of every name, null where absent.
    saved = tmp_path / "saved"
    datasets.Dataset.from_list(ROWS).save_to_disk(str(saved))
    assert table_kind(saved) == "saved"
    assert read_examples(saved) == expected
    card = tmp_path / "card"
    card.mkdir()
    (card / "data.jsonl").write_text(jsonl.read_text(), encoding="utf-8")
    (card / "README.md").write_text(
        "---\nconfigs:\n- config_name: default\n  data_files:\n"
        "  - split: train\n    path: data.jsonl\n---\n# rows\n",
        encoding="utf-8",
    )
    assert table_kind(card) == "card"
    assert read_examples(card) == expected


def test_dataset_dict_splits_fill_the_split_field(tmp_path):
    datasets = _datasets()
    rows = [{k: v for k, v in r.items() if k != "split"} for r in ROWS]
    dd = datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_list(rows[:4]),
            "validation": datasets.Dataset.from_list(rows[4:]),
        }
    )
    dd.save_to_disk(str(tmp_path / "dd"))
    got = read_examples(tmp_path / "dd")
    assert [e.split for e in got] == ["train"] * 4 + ["dev"] * 3
    assert count_table_rows(tmp_path / "dd") == 7
    # A range across the split boundary reads only what it asks for
    rows_3_to_5 = list(iter_table_rows(tmp_path / "dd", start=3, stop=5))
    assert [r["id"] for _, r in rows_3_to_5] == ["s3", "s4"]


def test_parquet_ranges_skip_row_groups_and_count_from_metadata(tmp_path):
    path = tmp_path / "a.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path, row_group_size=2)
    assert count_table_rows(path) == 7
    got = [(n, r["id"]) for n, r in iter_table_rows(path, start=3, stop=6)]
    assert got == [(4, "s3"), (5, "s4"), (6, "s5")]
    # A folder of Parquet files is one stream, in file-name order
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(ROWS[:3]), folder / "part-0.parquet")
    pq.write_table(pa.Table.from_pylist(ROWS[3:]), folder / "part-1.parquet")
    (folder / ".part-2.parquet.tmp").write_bytes(b"half written")  # ignored
    assert [r["id"] for _, r in iter_rows(folder)] == [r["id"] for r in ROWS]
    assert count_table_rows(folder) == 7


def test_normalize_row_accepts_the_targets_forms_arrow_makes():
    assert normalize_row({"targets": {"A": "favor", "B": None}})["targets"] == {"A": "favor"}
    assert normalize_row({"targets": [("A", "favor")]})["targets"] == {"A": "favor"}
    assert normalize_row({"targets": '{"A": "against"}'})["targets"] == {"A": "against"}
    assert normalize_row({"targets": ["A", "B"]})["targets"] == ["A", "B"]
    # nulls are absent keys, except frames: null there means "not annotated"
    assert normalize_row({"topic": None, "frames": None}) == {"frames": None}
    assert normalize_row({"source": '{"dataset": "x"}'})["source"] == {"dataset": "x"}


def test_bad_tables_fail_with_one_line_naming_the_file(tmp_path):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError, match=r"broken\.parquet:0: file: not a readable Parquet"):
        list(iter_rows(broken))
    no_text = tmp_path / "no_text.parquet"
    pq.write_table(pa.Table.from_pylist([{"body": "x"}]), no_text)
    with pytest.raises(DataError, match=r"no_text\.parquet:1: text: no 'text' column"):
        list(iter_rows(no_text, "text"))
    # An unknown label in a Parquet row is reported like one in JSONL: file, row, field
    from stanceframe.data.schema import LabelSchema
    from stanceframe.data.validate import load_checked

    bad = tmp_path / "bad.parquet"
    row = dict(ROWS[0], targets={"Kestria": "angry"})
    pq.write_table(pa.Table.from_pylist([ROWS[1], row]), bad)
    with pytest.raises(DataError, match=r"bad\.parquet:2: targets"):
        load_checked(bad, LabelSchema())


def test_score_articles_from_parquet_with_column_mapping(tmp_path):
    path = tmp_path / "arts.parquet"
    rows = [
        {"key": "a", "body": "Kestria denied it. Valdoria said so.", "who": '["Kestria"]'},
        {"key": "b", "body": "", "who": ""},
        {"key": "c", "body": "Rain fell.", "who": "Valdoria;Kestria"},
    ]
    pq.write_table(pa.Table.from_pylist(rows), path)
    opts = ReadOptions(text_col="body", id_col="key", targets_col="who")
    got = list(iter_articles([str(path)], opts))
    assert isinstance(got[0], Article) and got[0].id == "a" and got[0].targets == ("Kestria",)
    assert isinstance(got[1], InputFailure) and "arts.parquet:2: body" in str(got[1])
    assert got[2].targets == ("Valdoria", "Kestria") and got[2].source == f"{path}:3"


def test_the_bundled_corpus_loads_with_load_dataset(tmp_path, monkeypatch):
    datasets = _datasets()
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    ds = datasets.load_dataset(str(CORPUS_DIR), split="corpus")
    ours = [json.loads(line) for line in CORPUS_PATH.read_text(encoding="utf-8").splitlines()]
    assert ds.num_rows == len(ours)
    assert ds[0]["targets"] == ours[0]["targets"] and ds[-1]["text"] == ours[-1]["text"]
    card = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    assert f"num_examples: {len(ours)}" in card and "CODEBOOK.md" in card
    real = ds.filter(lambda r: r["layer"] == "real")
    assert real.num_rows == sum(r["layer"] == "real" for r in ours)
    # and through our own reader the card folder is the corpus, row for row
    assert read_examples(CORPUS_DIR) == read_examples(CORPUS_PATH)


def test_train_and_evaluate_on_parquet_equal_jsonl(tiny_encoder_dir, examples, tmp_path):
    from test_training import tiny_config

    import stanceframe as sf
    from stanceframe.data.schema import Example

    split = {"d1": "train", "d2": "dev", "d3": "train"}
    rows = [Example(**{**ex.__dict__, "split": split[ex.doc_id]}) for ex in examples]
    write_examples(tmp_path / "data.jsonl", rows)
    records = [json.loads(line) for line in (tmp_path / "data.jsonl").read_text().splitlines()]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "data.parquet")
    config = tiny_config(tiny_encoder_dir, epochs=2).to_dict()
    figures = []
    for name in ("data.jsonl", "data.parquet"):
        sf.train(tmp_path / f"m-{name}", data=tmp_path / name, progress=False, **config)
        metrics = sf.evaluate(
            tmp_path / f"m-{name}", data=tmp_path / name, split="dev", bootstrap=0, baselines=False
        )
        figures.append((metrics["model"]["stance"], metrics["model"]["frames"]))
    assert figures[0] == figures[1]


def test_predict_reads_parquet_with_a_text_column(tiny_encoder_dir, tmp_path):
    from typer.testing import CliRunner

    from stanceframe.cli.app import app
    from stanceframe.model import Predictor, save_model

    model = save_model(Predictor.untrained(tiny_encoder_dir, max_length=32), tmp_path / "m")
    rows = [{"sid": 1, "body": "Kestria denied it.", "who": ["Kestria"]}, {"sid": 2, "body": "x"}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    args = ["predict", "-i", str(tmp_path / "in.parquet"), "-m", str(model),
            "--text-col", "body", "--targets-col", "who", "--no-progress"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["sid"] for r in out] == [1, 2]
    assert list(out[0]["pred"]["stance"]) == ["Kestria"] and out[1]["pred"]["stance"] == {}
    stats = CliRunner().invoke(app, ["data", "stats", str(CORPUS_DIR), "--json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["sentences"] == len(read_examples(CORPUS_PATH))
