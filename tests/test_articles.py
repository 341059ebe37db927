"""Reading articles to score: files, directories, stdin, corpora, and bad inputs."""

from __future__ import annotations

import io
import json

from stanceframe.data.articles import Article, InputFailure, ReadOptions, iter_articles


def _split(entries):
    articles = [e for e in entries if isinstance(e, Article)]
    failures = [e for e in entries if isinstance(e, InputFailure)]
    return articles, failures


def test_text_file_with_and_without_bom(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("Kestria closed the dam.\n", encoding="utf-8")
    bom = tmp_path / "bom.md"
    bom.write_bytes("\ufeffValdoria protested.".encode())
    articles, failures = _split(list(iter_articles([str(plain), str(bom)])))
    assert failures == []
    assert [(a.id, a.source) for a in articles] == [("plain", str(plain)), ("bom", str(bom))]
    assert articles[0].text == "Kestria closed the dam.\n"
    assert articles[1].text == "Valdoria protested."  # BOM stripped


def test_directory_is_searched_recursively(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("Two.", encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "a.txt").write_text("Three.", encoding="utf-8")
    (tmp_path / ".hidden" / "c.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("text\nNot an article file.\n", encoding="utf-8")
    articles, failures = _split(list(iter_articles([str(tmp_path)])))
    assert failures == []
    assert sorted(a.id for a in articles) == ["a", "sub/b", "sub/deeper/a"]
    assert {a.text for a in articles} == {"One.", "Two.", "Three."}


def test_empty_directory_fails_naming_it(tmp_path):
    (tmp_path / "empty").mkdir()
    _, failures = _split(list(iter_articles([str(tmp_path / "empty")])))
    assert len(failures) == 1 and str(tmp_path / "empty") in str(failures[0])


def test_stdin():
    entries = list(iter_articles(["-"], stdin=io.BytesIO("\ufeffFrom a pipe.".encode())))
    assert entries == [Article("stdin", "From a pipe.", "<stdin>")]


def test_bad_files_fail_one_line_each_and_good_ones_survive(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Fine text.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x00\x00\x00IHDR")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\u00e9 au lait".encode("latin-1"))
    missing = tmp_path / "missing.txt"
    inputs = [str(p) for p in (empty, good, binary, latin, missing)]
    articles, failures = _split(list(iter_articles(inputs)))
    assert [a.id for a in articles] == ["good"]
    assert [f.source for f in failures] == [str(empty), str(binary), str(latin), str(missing)]
    for failure, word in zip(failures, ("empty", "binary", "UTF-8", "no such"), strict=True):
        message = str(failure)
        assert len(message.splitlines()) == 1
        assert message.startswith(failure.source + ":")
        assert word in message


def test_size_guard(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 400, encoding="utf-8")
    _, failures = _split(list(iter_articles([str(big)], ReadOptions(max_bytes=1000))))
    assert len(failures) == 1 and "--max-size" in str(failures[0])
    articles, _ = _split(list(iter_articles([str(big)], ReadOptions(max_bytes=5000))))
    assert len(articles) == 1
    piped = list(iter_articles(["-"], ReadOptions(max_bytes=10), stdin=io.BytesIO(b"x" * 50)))
    assert isinstance(piped[0], InputFailure) and "--max-size" in str(piped[0])


def test_jsonl_corpus_with_custom_columns(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        json.dumps({"doc": "a1", "body": "First article."}),
        "{not json",
        json.dumps({"doc": "a2", "body": ""}),
        json.dumps({"body": "No id here."}),
        json.dumps({"doc": "a1", "body": "Same id again."}),
    ]
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    options = ReadOptions(text_col="body", id_col="doc")
    articles, failures = _split(list(iter_articles([str(corpus)], options)))
    assert [(a.id, a.text) for a in articles] == [
        ("a1", "First article."),
        ("corpus-4", "No id here."),
        ("a1-2", "Same id again."),  # repeated ids are made unique
    ]
    assert articles[0].source == f"{corpus}:1"
    assert [f.source for f in failures] == [f"{corpus}:2", f"{corpus}:3"]
    assert "invalid JSON" in str(failures[0]) and "body" in str(failures[1])


def test_csv_corpus_and_missing_text_column(tmp_path):
    corpus = tmp_path / "news.csv"
    corpus.write_text(
        'id,content\nn1,"Kestria said, again, that it ""fills"" the dam."\nn2,Second.\n',
        encoding="utf-8",
    )
    articles, failures = _split(list(iter_articles([str(corpus)], ReadOptions(text_col="content"))))
    assert failures == []
    assert [(a.id, a.text) for a in articles] == [
        ("n1", 'Kestria said, again, that it "fills" the dam.'),
        ("n2", "Second."),
    ]
    _, failures = _split(list(iter_articles([str(corpus)])))
    assert len(failures) == 1 and "'text'" in str(failures[0]) and str(corpus) in str(failures[0])
