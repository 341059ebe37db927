"""Property-based tests (hypothesis) for the readers and the sentence splitter.

Arbitrary Unicode (surrogates, control characters, U+2028, combining marks,
right-to-left text) must never raise anything but the project's own error;
sentence offsets always point at the sentence; what the project writes it
reads back identically.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stanceframe.data.articles import Article, ReadOptions, iter_articles
from stanceframe.data.errors import StanceframeError
from stanceframe.data.io import read_examples, write_examples
from stanceframe.data.rows import iter_rows
from stanceframe.data.schema import Example
from stanceframe.data.sentences import split_sentences

# Text with the characters that broke readers before: line and paragraph separators,
# NEL, RTL marks and overrides, combining marks, control characters, lone surrogates.
TRICKY = st.sampled_from(
    [
        "\u2028",
        "\u2029",
        "\u0085",
        "\u200f",
        "\u202e",
        "\u0301",
        "\x1b",
        "\x00",
        "\ud800",
        "\r",
        "\n",
        " ",
        ".",
        "Mr.",
        "U.S.",
        '"',
        "'",
        "«",
        "»",
        "عربي",
        "日本語",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=20), TRICKY), max_size=30).map("".join)
CLEAN = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=200)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_sentence_offsets_always_point_at_the_sentence(text):
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text and s.text.strip() == s.text and s.text


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_read_as_rows_or_as_the_projects_error(raw):
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("x.jsonl", "x.csv"):
            path = Path(tmp) / name
            path.write_bytes(raw)
            try:
                for _, row in iter_rows(path, "text" if name.endswith("csv") else None):
                    assert isinstance(row, dict) or str(row).startswith(str(path))
            except StanceframeError:
                pass


@FAST
@given(TEXT)
def test_any_text_file_is_an_article_or_a_failure(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.txt"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        for entry in iter_articles([str(path)], ReadOptions(max_bytes=10_000)):
            assert isinstance(entry, Article) or isinstance(entry.error, StanceframeError)


@FAST
@given(
    st.lists(
        st.tuples(
            CLEAN,
            st.dictionaries(CLEAN, st.sampled_from(["favor", "against", "neutral"]), max_size=3),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_jsonl_written_by_the_project_reads_back_identically(rows):
    examples = [
        Example(id=f"r{i}", text=text, targets=targets, frames=["attribution"])
        for i, (text, targets) in enumerate(rows)
        if text.strip() and all(k.strip() == k and k for k in targets)
    ]
    if not examples:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.jsonl"
        write_examples(path, examples)
        assert read_examples(path) == examples
        # one row per line, whatever separators the texts hold
        lines = path.read_bytes().split(b"\n")
        assert len([line for line in lines if line]) == len(examples)
        assert all(json.loads(line)["id"] for line in lines if line)
