"""Importers for SemEval-2016 (TweetEval), NewsMTSC and PolNeAR on invented fixtures."""

from __future__ import annotations

import json

import pytest
from benchmark_fixtures import (
    NEWSMTSC_TRAIN,
    POLNEAR_TEXT,
    SEMEVAL,
    write_newsmtsc,
    write_polnear,
    write_semeval,
)

from stanceframe.data import importers
from stanceframe.data.errors import DataError
from stanceframe.data.schema import LabelSchema
from stanceframe.data.sentences import split_sentences

# ----------------------------------------------------------------------- SemEval


def test_semeval_rows_carry_readable_target_and_mapped_label(tmp_path):
    base = write_semeval(tmp_path)
    rows = importers.read_semeval2016(base, "train")
    assert len(rows) == len(SEMEVAL["atheism"]["train"]) + len(SEMEVAL["climate"]["train"])
    first = rows[0]
    assert first.targets == {"Atheism": "against"}
    assert (
        first.text == "Faith gives me strength every single morning #SemST"
    )  # trailing space gone
    assert first.frames is None  # no frame annotation: the frame head is masked
    assert first.split == "train" and first.topic == "atheism"
    labels = [next(iter(r.targets.values())) for r in rows if r.topic == "atheism"]
    assert labels == ["against", "favor", "none", "against"]
    climate = [r for r in rows if r.topic == "climate"]
    assert {t for r in climate for t in r.targets} == {"Climate Change is a Real Concern"}
    # A U+2028 inside a tweet is not a line break: the labels stay aligned.
    assert climate[2].text.startswith("New bike lanes\u2028opened") and climate[2].targets == {
        "Climate Change is a Real Concern": "none"
    }
    assert len({r.id for r in rows}) == len(rows)
    assert LabelSchema.from_examples(rows).stance_labels == importers.SEMEVAL_SCHEMA.stance_labels


def test_semeval_val_split_is_dev_and_dataset_or_stance_folder_both_work(tmp_path):
    base = write_semeval(tmp_path)
    via_base = importers.read_semeval2016(base, "val")
    via_stance = importers.read_semeval2016(base / "stance", "val")
    assert [r.to_dict() for r in via_base] == [r.to_dict() for r in via_stance]
    assert {r.split for r in via_base} == {"dev"}
    assert len(importers.read_semeval2016(base, "test")) == 5


def test_semeval_mapping_file_decides_label_ids(tmp_path):
    base = write_semeval(tmp_path)
    (base / "stance" / "mapping.txt").write_text(
        "0\tfavor\n1\tnone\n2\tagainst\n", encoding="utf-8"
    )
    rows = importers.read_semeval2016(base, "test")
    assert rows[0].targets == {"Atheism": "against"}  # label id 2


def test_semeval_count_mismatch_and_unknown_label_are_data_errors(tmp_path):
    base = write_semeval(tmp_path)
    labels = base / "stance" / "atheism" / "test_labels.txt"
    labels.write_text("2\n1\n", encoding="utf-8")
    with pytest.raises(DataError, match="2 labels for 3 tweets"):
        importers.read_semeval2016(base, "test")
    labels.write_text("2\n7\n0\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        importers.read_semeval2016(base, "test")
    assert info.value.problems[0].line == 2 and "'7'" in str(info.value)


def test_locate_finds_each_dataset_or_none(tmp_path):
    assert all(importers.locate(n, tmp_path) is None for n in importers.DATASET_DIRS)
    sem, news, pol = write_semeval(tmp_path), write_newsmtsc(tmp_path), write_polnear(tmp_path)
    assert importers.locate("semeval2016", tmp_path) == sem
    assert importers.locate("newsmtsc", tmp_path) == news
    assert importers.locate("polnear", tmp_path) == pol
    assert importers.locate("newsmtsc", news) == news  # the dataset folder itself


# ---------------------------------------------------------------------- NewsMTSC


def test_newsmtsc_polarity_mapping_and_mentions_as_targets(tmp_path):
    base = write_newsmtsc(tmp_path)
    rows = importers.read_newsmtsc(base / "train.jsonl")
    first = rows[0]
    assert first.text == NEWSMTSC_TRAIN[0][0]
    assert first.targets == {"Senator Vale": "neutral", "the mayor": "favor"}
    assert rows[1].targets == {"Governor Pike": "against"}
    assert first.frames is None and first.split == "train"
    assert first.doc_id == "allsides_0_0"
    pairs = sum(len(r.targets) for r in rows)
    assert pairs == sum(len(t) for _, t in NEWSMTSC_TRAIN)  # every annotated target counts once


def test_newsmtsc_repeated_mention_goes_to_an_extra_row(tmp_path):
    base = write_newsmtsc(tmp_path)
    rows = importers.read_newsmtsc(base / "train.jsonl")
    lund = [r for r in rows if "Lund" in r.text]
    assert [r.targets for r in lund] == [{"Lund": "against"}, {"Lund": "neutral"}]
    assert lund[1].id == lund[0].id + "#2" and lund[0].doc_id == lund[1].doc_id


def test_newsmtsc_test_files_are_test_split(tmp_path):
    base = write_newsmtsc(tmp_path)
    rows = importers.read_newsmtsc(base / "devtest_mt.jsonl")
    assert {r.split for r in rows} == {"test"}
    assert rows[1].targets == {"Coach Rye": "neutral", "the referee": "against"}


def test_newsmtsc_bad_polarity_and_bad_json_name_the_line(tmp_path):
    path = tmp_path / "train.jsonl"
    good = {
        "primary_gid": "x_1_1",
        "sentence_normalized": "A said B.",
        "targets": [{"mention": "A", "polarity": 4.0}],
    }
    bad = {**good, "targets": [{"mention": "A", "polarity": 5.0}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        importers.read_newsmtsc(path)
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "targets"), (3, "json")]


# ----------------------------------------------------------------------- PolNeAR


def test_polnear_sentence_has_attribution_when_it_overlaps_a_cue(tmp_path):
    base = write_polnear(tmp_path)
    rows = importers.read_polnear(base, ("dev",))
    sentences = split_sentences(POLNEAR_TEXT)
    assert [r.text for r in rows] == [s.text for s in sentences]
    framed = {r.text.split()[0]: r.frames for r in rows}
    assert framed == {
        "Candidate": [],  # headline
        "The": ["attribution"],  # "said"
        "Crowds": [],  # a Content span alone is not a cue
        "Taxes": ["attribution"],  # "according to"
        "Reporters": [],  # Discard spans do not count
    }
    assert {r.split for r in rows} == {"dev"} and rows[
        0
    ].doc_id == "pub_2016-10-02_candidate-pledges"
    assert rows[0].topic == "pub"
    assert LabelSchema.from_examples(rows) == importers.POLNEAR_SCHEMA


def test_polnear_several_annotators_need_a_majority(tmp_path):
    base = write_polnear(tmp_path)
    rows = importers.read_polnear(base, ("test",))
    # "said" marked by 3 of 3, "according to" and "Reporters waited" by 1 of 3.
    assert [r.frames for r in rows] == [[], ["attribution"], [], [], []]
    both = importers.read_polnear(base)
    assert len(both) == 2 * len(rows) and {r.split for r in both} == {"dev", "test"}


def test_polnear_discontinuous_cue_and_bad_offsets(tmp_path):
    text = "He wrote a letter. She, it seems, agreed. Nothing else.\n"
    ann = tmp_path / "a.ann"
    s1, s2 = text.index("it"), text.index("seems")
    ann.write_text(f"T1\tCue {s1} {s1 + 2};{s2} {s2 + 5}\tit seems\n", encoding="utf-8")
    assert importers.read_cue_spans(ann, len(text)) == [(s1, s1 + 2), (s2, s2 + 5)]
    ann.write_text("T1\tCue 5 900\tx\n", encoding="utf-8")
    with pytest.raises(DataError, match="outside the text"):
        importers.read_cue_spans(ann, len(text))
    ann.write_text("T1\tCue 5 x\tx\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        importers.read_cue_spans(ann)
    assert info.value.problems[0].line == 1


def test_polnear_without_annotated_articles_is_an_error(tmp_path):
    (tmp_path / "dev" / "attributions").mkdir(parents=True)
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "text" / "lonely.txt").write_text("No annotation here.\n", encoding="utf-8")
    with pytest.raises(DataError, match="no annotated articles"):
        importers.read_polnear(tmp_path, ("dev",))
