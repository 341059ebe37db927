"""The pool to choose from, and ``suggest``: pool -> scored -> picked -> Label Studio tasks.

A pool comes from articles (split into sentences with offsets, as ``score``
does) or from sentence rows (JSONL/CSV with ``text`` and optional ``id``,
``doc_id``, ``targets``; the context is the neighbouring rows of the same
document, in file order). Targets given on the command line are asked of
every sentence, after the row's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from stanceframe.annotate.labelstudio import DEFAULT_MAX_TARGETS, build_task
from stanceframe.annotate.suggest import Candidate, attach_predictions, pick, sentence_vectors
from stanceframe.data.articles import Article, InputFailure, ReadOptions, iter_articles
from stanceframe.data.errors import StanceframeError
from stanceframe.data.io import read_sentence_rows
from stanceframe.data.schema import Example
from stanceframe.data.sentences import split_sentences


def _merge(own: Sequence[str], extra: Sequence[str]) -> list[str]:
    return [t for t in dict.fromkeys([*own, *extra]) if t.strip()]


def _with_context(cands: list[Candidate]) -> list[Candidate]:
    for k, cand in enumerate(cands):
        if k and cands[k - 1].article_id == cand.article_id:
            cand.prev = cands[k - 1].text
        if k + 1 < len(cands) and cands[k + 1].article_id == cand.article_id:
            cand.next = cands[k + 1].text
    return cands


def pool_from_articles(
    inputs: Sequence[str],
    targets: Sequence[str] = (),
    options: ReadOptions | None = None,
    on_failure: Callable[[InputFailure], None] | None = None,
) -> list[Candidate]:
    """Every sentence of every readable article; a bad input goes to ``on_failure``
    (default: raise its error)."""
    pool: list[Candidate] = []
    for entry in iter_articles([str(i) for i in inputs], options):
        if not isinstance(entry, Article):
            if on_failure is None:
                raise entry.error
            on_failure(entry)
            continue
        for s in split_sentences(entry.text):
            pool.append(
                Candidate(
                    id=f"{entry.id}#{s.index}",
                    article_id=entry.id,
                    sentence_index=s.index,
                    text=s.text,
                    start=s.start,
                    end=s.end,
                    targets=_merge([], targets),
                )
            )
    return _with_context(pool)


def pool_from_examples(examples: Sequence[Example], targets: Sequence[str] = ()) -> list[Candidate]:
    """Labelled or unlabelled rows as a pool, in row order, with their own targets."""
    pool, index = [], {}
    for ex in examples:
        k = index[ex.doc_id] = index.get(ex.doc_id, -1) + 1
        pool.append(Candidate(ex.id, ex.doc_id, k, ex.text, targets=_merge(ex.targets, targets)))
    return _with_context(pool)


def pool_from_sentences(path: str | Path, targets: Sequence[str] = ()) -> list[Candidate]:
    """Sentence rows of a JSONL/CSV file (``predict``'s input format) as a pool."""
    rows = read_sentence_rows(path)
    examples = []
    for lineno, row in rows:
        own = row.get("targets") or []
        rid = str(row.get("id") or f"{Path(path).name}:{lineno}")
        doc = str(row.get("doc_id") or rid)
        examples.append(Example(rid, row["text"], doc, targets={t: "" for t in own}))
    return pool_from_examples(examples, targets)


def model_version(predictor) -> str:
    info = predictor.info
    return f"stanceframe:{info.get('name', 'model')}:{info.get('created', 'unknown')}"


def suggest(
    predictor,
    pool: list[Candidate],
    n: int,
    strategy: str = "uncertainty",
    seed: int = 13,
    per_article: int = 3,
    batch_size: int = 32,
    progress: bool = False,
    max_targets: int = DEFAULT_MAX_TARGETS,
) -> list[dict[str, Any]]:
    """Label Studio tasks for the ``n`` most useful sentences of ``pool``, with the
    model's prediction as a pre-annotation."""
    if not pool:
        raise StanceframeError("nothing to suggest from: the input has no sentences")
    too_many = [c for c in pool if len(c.targets) > max_targets]
    if too_many:
        raise StanceframeError(
            f"{too_many[0].id}: {len(too_many[0].targets)} targets, the labelling config has"
            f" {max_targets} slots (--max-targets)"
        )
    attach_predictions(predictor, pool, batch_size, progress)
    vectors = sentence_vectors(predictor, [c.text for c in pool]) if strategy == "diverse" else None
    chosen = pick(pool, n, strategy, seed, per_article, vectors)
    version = model_version(predictor)
    return [
        build_task(c.task_fields(), c.targets, c.prediction, version, c.uncertainty) for c in chosen
    ]
