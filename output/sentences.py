"""Sentence rows: the flat, one-row-per-sentence form of scored articles, for Parquet and shards.

A corpus of 100,000 articles is analysed in pandas, DuckDB or Spark, where
one row per sentence is the shape that joins and groups well. Every engine
(one process, or Ray actors) and every shard writes these rows, so their
output can be compared and concatenated. The schema (README, "Scoring a
large corpus"):

=============  ==========================================================
article_id     the article's id (``--id-col``, else FILE-ROW or the file name)
source         where it came from: ``FILE`` or ``FILE:ROW``
sentence       0-based sentence index in the article
text           the sentence
start, end     character offsets of the sentence in the article text
paragraph      0-based paragraph index (a line break starts a new one)
truncated      the sentence was longer than the model's max_length
frames         list of frame labels over their thresholds
frame_probs    struct: one probability per frame label of the model
stance         list of {target, label, probs: struct per stance label}
=============  ==========================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from stanceframe.data.atomic import atomic_write
from stanceframe.data.schema import LabelSchema

SENTENCE_FORMATS = ("parquet", "jsonl")
ROW_GROUP_ROWS = 8192  # sentences per Parquet row group: bounded memory when writing


def sentence_rows(article: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One flat row per sentence of a scored article dict."""
    for s in article["sentences"]:
        yield {
            "article_id": article["id"],
            "source": article["source"],
            "sentence": s["index"],
            "text": s["text"],
            "start": s["start"],
            "end": s["end"],
            "paragraph": s["paragraph"],
            "truncated": s["truncated"],
            "frames": list(s["frames"]),
            "frame_probs": dict(s["frame_probs"]),
            "stance": [
                {"target": t, "label": v["label"], "probs": dict(v["probs"])}
                for t, v in s["stance"].items()
            ],
        }


def arrow_schema(schema: LabelSchema):
    """The Parquet schema of sentence rows for a model's labels."""
    import pyarrow as pa

    probs = pa.struct([(label, pa.float64()) for label in schema.stance_labels])
    return pa.schema(
        [
            ("article_id", pa.string()),
            ("source", pa.string()),
            ("sentence", pa.int32()),
            ("text", pa.string()),
            ("start", pa.int32()),
            ("end", pa.int32()),
            ("paragraph", pa.int32()),
            ("truncated", pa.bool_()),
            ("frames", pa.list_(pa.string())),
            ("frame_probs", pa.struct([(f, pa.float64()) for f in schema.frame_labels])),
            (
                "stance",
                pa.list_(
                    pa.struct([("target", pa.string()), ("label", pa.string()), ("probs", probs)])
                ),
            ),
        ]
    )


def write_sentence_file(
    path: str | Path,
    articles: Iterable[dict[str, Any]],
    schema: LabelSchema,
    fmt: str,
    before_commit: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Write the sentence rows of ``articles`` to one file, atomically: (articles, sentences).

    Rows stream through in row groups, so memory is bounded by one group
    however many articles there are. Zero articles still make a valid, empty
    file (a shard that is complete but had nothing to score). ``before_commit``
    runs once every row is written and before the file takes its name (a
    shard writes its failures there, so a complete shard always has them).
    """
    if fmt not in SENTENCE_FORMATS:
        raise ValueError(f"sentence rows are written as {' or '.join(SENTENCE_FORMATS)}")
    counts = [0, 0]

    def rows() -> Iterator[dict[str, Any]]:
        for article in articles:
            counts[0] += 1
            for row in sentence_rows(article):
                counts[1] += 1
                yield row

    def write(fh) -> None:
        if fmt == "jsonl":
            fh.writelines(_jsonl(rows()))
        else:
            _write_parquet(fh, rows(), schema)
        if before_commit is not None:
            before_commit()

    atomic_write(path, write, binary=fmt == "parquet")
    return counts[0], counts[1]


def _jsonl(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _write_parquet(fh, rows: Iterator[dict], schema: LabelSchema) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = arrow_schema(schema)
    with pq.ParquetWriter(fh, arrow, compression="zstd") as writer:
        group: list[dict] = []
        for row in rows:
            group.append(row)
            if len(group) >= ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_pylist(group, schema=arrow))
                group = []
        if group:
            writer.write_table(pa.Table.from_pylist(group, schema=arrow))


def read_sentence_rows(path: str | Path) -> list[dict[str, Any]]:
    """Sentence rows back from a Parquet or JSONL file (tests and comparisons)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
