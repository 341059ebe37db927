"""Schema, readers, validation (every error kind), splits and the sentence splitter."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stanceframe.cli.app import app
from stanceframe.data.io import DataError, read_examples, write_examples
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.sentences import split_sentences
from stanceframe.data.split import assign_splits, parse_ratios
from stanceframe.data.validate import validate_file

runner = CliRunner()


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_schema_from_data_keeps_default_order_and_allows_own_labels():
    rows = [
        Example(id="1", text="a", targets={"X": "none"}, frames=["irony", "accusation"]),
        Example(id="2", text="b", targets={"X": "favor", "Y": "against"}, frames=[]),
    ]
    schema = LabelSchema.from_examples(rows)
    assert schema.stance_labels == ("favor", "against", "none")
    assert schema.frame_labels == ("accusation", "irony")
    assert LabelSchema.from_dict(schema.to_dict()) == schema
    with pytest.raises(ValueError):
        LabelSchema(("a", "a"), ())


def test_example_round_trips_through_jsonl(tmp_path, examples):
    path = tmp_path / "x.jsonl"
    write_examples(path, examples)
    assert read_examples(path) == examples
    assert Example(id="solo", text="t").doc_id == "solo"  # its own document


def test_csv_long_format_merges_targets(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "id,doc_id,text,target,stance,frames\n"
        "s1,d1,Kestria shelled the town.,Kestria,against,accusation;humanitarian_appeal\n"
        "s1,d1,Kestria shelled the town.,Valdoria,neutral,accusation;humanitarian_appeal\n"
        "s2,d1,Talks resume Monday.,,,\n",
        encoding="utf-8",
    )
    rows = read_examples(path)
    assert rows[0].targets == {"Kestria": "against", "Valdoria": "neutral"}
    assert rows[0].frames == ["accusation", "humanitarian_appeal"]
    assert rows[1].targets == {} and rows[1].frames == []


BAD_ROWS = [
    ('{"id": "a1", "doc_id": "d1", "text": "Fine.", "split": "train"}', None, None),
    ('{"id": "a2", "doc_id": "d1", "text": "Broken"', "json", "invalid JSON"),
    ('{"id": "a3", "doc_id": "d1", "text": ""}', "text", "missing or empty text"),
    ('{"id": "a1", "doc_id": "d9", "text": "Dup."}', "id", "duplicate id 'a1'"),
    (
        '{"id": "a5", "text": "Odd.", "targets": {"X": "pro"}}',
        "targets",
        "unknown stance label 'pro'",
    ),
    ('{"id": "a6", "text": "Odd.", "frames": ["blame"]}', "frames", "unknown frame label 'blame'"),
    ('{"id": "a7", "text": "Odd.", "frames": "accusation"}', "frames", "expected a list"),
    (
        '{"id": "a8", "doc_id": "d1", "text": "Leak.", "split": "test"}',
        "split",
        "document 'd1' is in split 'test'",
    ),
    ('["not", "an", "object"]', "json", "expected a JSON object"),
    ('{"text": "No id."}', "id", "missing or empty id"),
]


def test_validate_names_every_bad_row_by_line_and_field(tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", [row for row, _, _ in BAD_ROWS])
    result = validate_file(path)
    found = {(p.line, p.field) for p in result.problems}
    for lineno, (_, field, message) in enumerate(BAD_ROWS, start=1):
        if field is None:
            assert not any(p.line == lineno for p in result.problems)
            continue
        assert (lineno, field) in found, f"line {lineno} ({field}) not reported"
        text = " ".join(str(p) for p in result.problems if p.line == lineno)
        assert message in text and f"bad.jsonl:{lineno}: {field}:" in text


def test_validate_cli_exit_codes(tmp_path):
    bad = write_lines(tmp_path / "bad.jsonl", [row for row, _, _ in BAD_ROWS])
    res = runner.invoke(app, ["data", "validate", str(bad)])
    assert res.exit_code == 1
    assert len([line for line in res.stdout.splitlines() if "bad.jsonl:" in line]) >= 9
    good = write_lines(tmp_path / "good.jsonl", [BAD_ROWS[0][0]])
    res = runner.invoke(app, ["data", "validate", str(good)])
    assert res.exit_code == 0 and "OK, 1 rows" in res.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "file is empty"),
        (b"\x00\x01\x02binary", "binary file"),
        (b'{"id": "a", "text": "caf\xe9"}\n', "not valid UTF-8"),
    ],
)
def test_unreadable_files_fail_with_one_line(tmp_path, content, message):
    path = tmp_path / "f.jsonl"
    path.write_bytes(content)
    res = runner.invoke(app, ["data", "validate", str(path)])
    assert res.exit_code == 1
    assert message in res.stdout and str(path) in res.stdout
    assert "Traceback" not in res.stdout + res.stderr


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "Hi."}).encode() + b"\n")
    assert validate_file(path).ok


def test_any_labels_accepts_own_label_sets(tmp_path):
    path = write_lines(
        tmp_path / "own.jsonl", ['{"id": "a", "text": "x", "targets": {"T": "none"}}']
    )
    assert not validate_file(path).ok
    assert validate_file(path, schema=None).ok
    res = runner.invoke(
        app, ["data", "validate", str(path), "--stance-labels", "favor,against,none"]
    )
    assert res.exit_code == 0


def _docs(n_docs=30, per_doc=5, topics=("a", "b", "c")):
    return [
        Example(id=f"d{d}-{s}", doc_id=f"d{d}", text="t", topic=topics[d % len(topics)])
        for d in range(n_docs)
        for s in range(per_doc)
    ]


def test_splits_are_grouped_deterministic_and_near_ratios():
    rows = _docs()
    a = assign_splits(rows, (0.7, 0.15, 0.15), seed=1)
    b = assign_splits(list(reversed(rows)), (0.7, 0.15, 0.15), seed=1)
    split_of = {ex.id: ex.split for ex in a}
    assert split_of == {ex.id: ex.split for ex in b}  # input order does not matter
    per_doc = {}
    for ex in a:
        per_doc.setdefault(ex.doc_id, set()).add(ex.split)
    assert all(len(s) == 1 for s in per_doc.values())
    share = {s: sum(ex.split == s for ex in a) / len(a) for s in ("train", "dev", "test")}
    assert abs(share["train"] - 0.7) < 0.07 and abs(share["test"] - 0.15) < 0.07
    c = assign_splits(rows, (0.7, 0.15, 0.15), seed=2)
    assert {ex.id: ex.split for ex in c} != split_of


def test_holdout_topics_go_to_test_only():
    rows = assign_splits(_docs(), (0.7, 0.15, 0.15), seed=3, holdout_topics=["c"])
    assert {ex.split for ex in rows if ex.topic == "c"} == {"test"}
    # the other topics still fill every split, so train and dev exist beside the held-out test
    assert {ex.split for ex in rows if ex.topic != "c"} >= {"train", "dev"}


def test_split_cli_writes_split_field(tmp_path):
    path = tmp_path / "x.jsonl"
    write_examples(path, _docs(10, 2))
    res = runner.invoke(app, ["data", "split", str(path), "--seed", "5", "--ratios", "0.6,0.2,0.2"])
    assert res.exit_code == 0, res.stderr
    assert all(ex.split for ex in read_examples(path))
    res = runner.invoke(app, ["data", "split", str(path), "--ratios", "0.5,0.5"])
    assert res.exit_code == 2
    with pytest.raises(ValueError):
        parse_ratios("0.9,0.2,0.1")


ARTICLE = (
    "Ceasefire talks stall as shelling resumes\n"
    "Mr. Okafor of the U.S. delegation arrived on Jan. 5 in Port Delma. "
    "Officials said 2,353 mines were cleared during the 44-day operation. "
    '\u201cWe will not sign,\u201d the envoy said. "Why now?" asked one reporter.\n\n'
    "The U.N. estimates 1.5 million people are displaced."
)


def test_sentence_splitter_offsets_and_hard_cases():
    sentences = split_sentences(ARTICLE)
    texts = [s.text for s in sentences]
    assert texts[0] == "Ceasefire talks stall as shelling resumes"  # headline, no full stop
    assert texts[1] == "Mr. Okafor of the U.S. delegation arrived on Jan. 5 in Port Delma."
    assert texts[2] == "Officials said 2,353 mines were cleared during the 44-day operation."
    assert texts[3].startswith("\u201cWe will not sign,\u201d")
    assert texts[-1] == "The U.N. estimates 1.5 million people are displaced."
    for s in sentences:
        assert ARTICLE[s.start : s.end] == s.text
    assert [s.index for s in sentences] == list(range(len(sentences)))


def test_sentence_splitter_empty_and_whitespace():
    assert split_sentences("") == []
    assert split_sentences("  \n\n  ") == []
    only = split_sentences("  One line only  ")
    assert len(only) == 1 and only[0].text == "One line only" and only[0].start == 2


def test_data_error_is_one_line_per_problem(tmp_path):
    path = write_lines(tmp_path / "x.jsonl", ['{"id": "a"}', '{"id": "b"}'])
    with pytest.raises(DataError) as info:
        read_examples(path)
    assert str(info.value).count("\n") == 1 and "x.jsonl:2: text:" in str(info.value)


def test_data_stats_counts_labels_and_layers(tmp_path):
    from typer.testing import CliRunner

    from stanceframe.cli.app import app
    from stanceframe.data.io import write_examples
    from stanceframe.data.schema import Example

    rows = [
        Example(
            id="a",
            doc_id="d1",
            text="One two three.",
            targets={"X": "against"},
            frames=["accusation"],
            layer="real",
            split="train",
        ),
        Example(
            id="b",
            doc_id="d1",
            text="Four five.",
            targets={"X": "neutral", "Y": "favor"},
            frames=[],
            layer="real",
            split="train",
        ),
        Example(
            id="c",
            doc_id="d2",
            text="Six.",
            frames=["attribution", "accusation"],
            layer="written",
            split="test",
        ),
    ]
    write_examples(tmp_path / "rows.jsonl", rows)
    res = CliRunner().invoke(app, ["data", "stats", str(tmp_path / "rows.jsonl"), "--json"])
    assert res.exit_code == 0, res.output
    stats = json.loads(res.stdout)
    assert stats["layers"] == {"real": 2, "written": 1}
    assert stats["frames"]["accusation"] == {"n": 2, "share": 2 / 3}
    assert stats["no_frame"] == 1 and stats["frame_pairs"] == {"accusation+attribution": 1}
    assert stats["stance"]["neutral"]["n"] == 1
    assert stats["targets_per_sentence"] == {"0": 1, "1": 1, "2": 1}  # JSON keys are strings
    assert stats["documents_per_split"] == {"train": 1, "test": 1}
    real = CliRunner().invoke(
        app, ["data", "stats", str(tmp_path / "rows.jsonl"), "--layer", "real", "--json"]
    )
    assert json.loads(real.stdout)["sentences"] == 2
