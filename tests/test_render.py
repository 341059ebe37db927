"""Output formats: each one's schema, streaming, escaping and self-containment."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest

from stanceframe.data.articles import Article
from stanceframe.data.schema import LabelSchema
from stanceframe.data.sentences import split_sentences
from stanceframe.model.article_scoring import build_article
from stanceframe.output.render import FORMATS, csv_header, write_results

SCHEMA = LabelSchema()
TARGETS = ["Kestria", "Valdoria"]
TEXT = (
    "Dam row [bold]deepens[/bold]\n\n"
    'Valdoria said Kestria was "starving" villages, a <script>alert(1)</script> claim.\n'
    "Aid workers & doctors warned of danger, A>B.\n"
)
MODEL = {"name": "fake", "labels": SCHEMA.to_dict()}


def _pred(i: int) -> dict:
    """A made-up prediction that differs per sentence, so mix-ups would show."""
    probs = {f: round(0.2 + 0.3 * ((i + k) % 3), 6) for k, f in enumerate(SCHEMA.frame_labels)}
    stance_probs = {
        t: dict(
            zip(SCHEMA.stance_labels, ([0.7, 0.2, 0.1], [0.1, 0.8, 0.1])[(i + j) % 2], strict=True)
        )
        for j, t in enumerate(TARGETS)
    }
    return {
        "frames": [f for f, p in probs.items() if p >= 0.5],
        "frame_probs": probs,
        "stance": {t: max(p, key=p.get) for t, p in stance_probs.items()},
        "stance_probs": stance_probs,
    }


def _result(article_id: str = "a1", text: str = TEXT) -> dict:
    sentences = split_sentences(text)
    preds = [_pred(s.index) for s in sentences]
    truncated = [s.index == 1 for s in sentences]
    return build_article(
        Article(article_id, text, f"{article_id}.txt"), sentences, preds, truncated, TARGETS, SCHEMA
    )


def _render(fmt: str, results: list[dict]) -> str:
    fh = io.StringIO()
    n = write_results(fh, fmt, iter(results), MODEL, SCHEMA, TARGETS)
    assert n == len(results)
    return fh.getvalue()


def test_json_is_one_document_with_the_documented_schema():
    results = [_result("a1"), _result("a2")]
    doc = json.loads(_render("json", results))
    assert doc["model"] == MODEL and doc["targets"] == TARGETS
    assert doc["articles"] == results
    article = doc["articles"][0]
    assert set(article) == {"id", "source", "sentences", "summary"}
    sentence = article["sentences"][1]
    assert {"index", "text", "start", "end", "frames", "frame_probs", "stance", "truncated"} <= set(
        sentence
    )
    assert set(sentence["stance"]["Kestria"]) == {"label", "probs"}
    summary = article["summary"]
    assert set(summary) >= {"n_sentences", "frame_share", "stance", "evidence", "suggested_targets"}
    assert set(summary["stance"]["Valdoria"]) == {"favor", "against", "neutral", "score"}
    assert json.loads(_render("json", []))["articles"] == []


def test_jsonl_is_one_article_per_line():
    results = [_result("a1"), _result("a2"), _result("a3")]
    lines = _render("jsonl", results).splitlines()
    assert [json.loads(line) for line in lines] == results


def test_csv_has_a_header_and_one_row_per_sentence():
    results = [_result("a1"), _result("a2")]
    rows = list(csv.DictReader(io.StringIO(_render("csv", results))))
    assert list(rows[0]) == csv_header(SCHEMA, TARGETS)
    assert len(rows) == sum(len(r["sentences"]) for r in results)
    for row, s in zip(rows, results[0]["sentences"], strict=False):
        assert row["article_id"] == "a1" and row["text"] == s["text"]
        assert TEXT[int(row["start"]) : int(row["end"])] == row["text"]
        assert row["frames"] == ";".join(s["frames"])
        assert row["stance:Kestria"] == s["stance"]["Kestria"]["label"]
        assert float(row["p_against:Valdoria"]) == s["stance"]["Valdoria"]["probs"]["against"]
        assert row["truncated"] == str(int(s["truncated"]))


def test_table_shows_text_literally_and_the_summary():
    out = _render("table", [_result("a1")])
    assert "a1" in out and "[bold]deepens[/bold]" in out  # rich markup is not interpreted
    assert "stance toward Kestria" in out and "frames:" in out
    assert "[truncated]" in out
    assert "\x1b[" not in out  # no colour codes when not on a terminal


class _TagChecker(HTMLParser):
    VOID = {"meta", "br", "input", "img", "link"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.bad: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.bad.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_escaped_and_well_formed():
    results = [_result("a1"), _result("a<2>")]
    page = _render("html", results)
    lowered = page.lower()
    for external in ("http://", "https://", "<script", "<link", "@import", "src="):
        assert external not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    checker = _TagChecker()
    checker.feed(page)
    assert checker.bad == [] and checker.stack == []
    # Every sentence has an anchor, and the evidence links point at them.
    n_sentences = len(results[0]["sentences"])
    assert {f"a1-s{i}" for i in range(n_sentences)} <= set(checker.ids)
    evidence = results[0]["summary"]["evidence"]["Kestria"]
    assert all(f'href="#a1-s{i}"' in page for i in evidence)
    text = "".join(checker.text)
    for frame in SCHEMA.frame_labels:
        assert frame in text  # legend and summary name every frame
    assert "a<2>" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_streams_from_a_generator(fmt):
    """Each article is written before the next is asked for: a writer that collected the
    stream first (bounded memory lost on a large corpus) fails here."""
    fh = io.StringIO()

    def gen():
        for i in range(3):
            if i:
                assert f"a{i - 1}" in fh.getvalue(), f"article a{i - 1} not written yet"
            yield _result(f"a{i}")

    assert write_results(fh, fmt, gen(), MODEL, SCHEMA, TARGETS) == 3
    assert "a2" in fh.getvalue()
