"""Scoring articles: sentences with offsets, per-sentence frames and stance, a summary.

``score_inputs`` is what ``Predictor.score`` (and so ``stanceframe score``)
runs: inputs are texts, files, folders or corpora; a bad input becomes an
``InputFailure`` handed to ``on_error`` while the others are still scored.

``score_articles`` streams: it gathers articles into chunks of a few thousand
sentences, predicts each chunk in one ``Predictor.predict`` call (which sorts
the chunk by length, so short sentences of many articles share batches), and
yields one result dict per article, in input order. Memory is bounded by the
chunk, whatever the number of articles.

The result dict is the article object of the JSON output (see the README):
``{"id", "source", "sentences": [...], "summary": {...}}``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from stanceframe.data.articles import Article, InputFailure, ReadOptions, iter_articles
from stanceframe.data.schema import LabelSchema
from stanceframe.data.sentences import Sentence, split_sentences
from stanceframe.model.actors import suggest_targets

EVIDENCE_TOP = 3
SHARE_DECIMALS = 4
CHUNK_SENTENCES = 2048
# The stance labels the score is built on: mean P(favor) - P(against).
POSITIVE, NEGATIVE, NEUTRAL = "favor", "against", "neutral"


def score_articles(
    predictor,
    articles: Iterable[Article],
    targets: Sequence[str] = (),
    batch_size: int = 32,
    chunk_sentences: int = CHUNK_SENTENCES,
    progress: bool = False,
) -> Iterator[dict[str, Any]]:
    """One result dict per article, in order, predicting many articles per call.

    ``progress`` shows a bar per chunk of sentences too, so one huge article
    (a 5 MB file is some 37,000 sentences) shows progress, not only the next.
    """
    targets = list(dict.fromkeys(t.strip() for t in targets if t.strip()))
    chunk: list[tuple[Article, list[Sentence]]] = []
    size = 0
    for article in articles:
        sentences = split_sentences(article.text)
        chunk.append((article, sentences))
        size += len(sentences)
        if size >= chunk_sentences:
            yield from _score_chunk(predictor, chunk, targets, batch_size, progress)
            chunk, size = [], 0
    if chunk:
        yield from _score_chunk(predictor, chunk, targets, batch_size, progress)


def score_inputs(
    predictor,
    inputs: Iterable[str | Path | Article],
    targets: Sequence[str] = (),
    on_error: str | Callable[[InputFailure], None] = "raise",
    options: ReadOptions | None = None,
    batch_size: int = 32,
    progress: bool = False,
) -> Iterator[dict[str, Any] | InputFailure]:
    """Scored articles, in input order, from texts (``str``), ``Article``s or paths
    (``Path``: a text file, a folder of them, ``-`` for stdin, a JSONL/CSV corpus).

    ``on_error``: ``"raise"`` stops at the first bad input with its error;
    ``"yield"`` yields the ``InputFailure`` in its place; a callable receives
    it and the stream goes on. ``progress`` draws a bar per article on stderr.
    """
    if on_error not in ("raise", "yield") and not callable(on_error):
        raise ValueError(f"on_error must be 'raise', 'yield' or a callable, got {on_error!r}")
    failures: list[tuple[int, InputFailure]] = []  # (articles read before it, failure)
    read = 0

    def articles() -> Iterator[Article]:
        nonlocal read
        for k, item in enumerate(inputs):
            if isinstance(item, Article):
                read += 1
                yield item
            elif isinstance(item, str):
                read += 1
                yield Article(f"article-{k + 1}", item, "<text>")
            else:
                for entry in iter_articles([str(item)], options):
                    if isinstance(entry, Article):
                        read += 1
                        yield entry
                    elif on_error == "raise":
                        raise entry.error
                    elif on_error == "yield":
                        failures.append((read, entry))
                    else:
                        on_error(entry)

    from tqdm.auto import tqdm

    bar = tqdm(desc="score", unit="article", disable=not progress, file=sys.stderr)
    try:
        stream = score_articles(predictor, articles(), targets, batch_size, progress=progress)
        for done, result in enumerate(stream):
            # Failures come out in input order: before the article that followed them.
            while failures and failures[0][0] <= done:
                yield failures.pop(0)[1]
            bar.update(1)
            yield result
        yield from (failure for _, failure in failures)
    finally:
        bar.close()


def score_article(
    predictor, article: Article, targets: Sequence[str] = (), batch_size: int = 32
) -> dict[str, Any]:
    """The result dict of one article."""
    return next(score_articles(predictor, [article], targets, batch_size))


def article_targets(article: Article, targets: Sequence[str]) -> list[str]:
    """The targets judged in one article: ``targets`` first, then the row's own."""
    return list(dict.fromkeys([*targets, *article.targets]))


def _score_chunk(predictor, chunk, targets, batch_size: int, progress: bool) -> Iterator[dict]:
    texts = [s.text for _, sentences in chunk for s in sentences]
    asked = [article_targets(a, targets) for a, _ in chunk]
    per_sentence = [
        mine for mine, (_, sentences) in zip(asked, chunk, strict=True) for _ in sentences
    ]
    preds, truncated = (
        predictor.predict_detailed(texts, per_sentence, batch_size, progress) if texts else ([], [])
    )
    pos = 0
    for mine, (article, sentences) in zip(asked, chunk, strict=True):
        n = len(sentences)
        yield build_article(
            article,
            sentences,
            preds[pos : pos + n],
            truncated[pos : pos + n],
            mine,
            predictor.schema,
        )
        pos += n


def build_article(
    article: Article,
    sentences: Sequence[Sentence],
    preds: Sequence[dict],
    truncated: Sequence[bool],
    targets: Sequence[str],
    schema: LabelSchema,
) -> dict[str, Any]:
    """Join sentences, predictions and truncation flags into the article object."""
    rows = []
    paragraph, previous_end = 0, None
    for sentence, pred, cut in zip(sentences, preds, truncated, strict=True):
        # A line break between two sentences starts a new paragraph (for the HTML page).
        if previous_end is not None and "\n" in article.text[previous_end : sentence.start]:
            paragraph += 1
        previous_end = sentence.end
        stance = {
            t: {"label": pred["stance"][t], "probs": pred["stance_probs"][t]}
            for t in targets
            if t in pred["stance"]
        }
        rows.append(
            {
                "index": sentence.index,
                "text": sentence.text,
                "start": sentence.start,
                "end": sentence.end,
                "paragraph": paragraph,
                "truncated": bool(cut),
                "frames": list(pred["frames"]),
                "frame_probs": dict(pred["frame_probs"]),
                "stance": stance,
            }
        )
    return {
        "id": article.id,
        "source": article.source,
        "sentences": rows,
        "summary": summarize(rows, targets, schema),
    }


def summarize(
    sentences: Sequence[dict], targets: Sequence[str], schema: LabelSchema
) -> dict[str, Any]:
    """The article summary from its sentence rows (plain dicts, as in the output)."""
    n = len(sentences)
    frame_share = {
        f: round(sum(f in s["frames"] for s in sentences) / n, SHARE_DECIMALS) if n else 0.0
        for f in schema.frame_labels
    }
    stance: dict[str, dict[str, Any]] = {}
    evidence: dict[str, list[int]] = {}
    for frame in schema.frame_labels:
        carriers = [s for s in sentences if frame in s["frames"]]
        carriers.sort(key=lambda s: (-s["frame_probs"][frame], s["index"]))
        evidence[frame] = [s["index"] for s in carriers[:EVIDENCE_TOP]]
    for target in targets:
        judged = [s for s in sentences if target in s["stance"]]
        counts: dict[str, Any] = {label: 0 for label in schema.stance_labels}
        for s in judged:
            counts[s["stance"][target]["label"]] += 1
        counts["score"] = _stance_score(judged, target, schema)
        stance[target] = counts
        evidence[target] = _stance_evidence(judged, target)
    return {
        "n_sentences": n,
        "n_truncated": sum(bool(s.get("truncated")) for s in sentences),
        "frame_share": frame_share,
        "stance": stance,
        "evidence": evidence,
        "suggested_targets": suggest_targets([s["text"] for s in sentences]),
    }


def _stance_score(judged: Sequence[dict], target: str, schema: LabelSchema) -> float | None:
    """Mean P(favor) - P(against) over the sentences; None without those labels."""
    labels = schema.stance_labels
    if not judged or POSITIVE not in labels or NEGATIVE not in labels:
        return None
    total = sum(s["stance"][target]["probs"][POSITIVE] for s in judged) - sum(
        s["stance"][target]["probs"][NEGATIVE] for s in judged
    )
    return round(total / len(judged), SHARE_DECIMALS)


def _stance_evidence(judged: Sequence[dict], target: str) -> list[int]:
    """Sentences with an evaluative (non-neutral) label, most confident first."""

    def confidence(s: dict) -> float:
        entry = s["stance"][target]
        return entry["probs"][entry["label"]]

    evaluative = [s for s in judged if s["stance"][target]["label"] != NEUTRAL]
    evaluative.sort(key=lambda s: (-confidence(s), s["index"]))
    return [s["index"] for s in evaluative[:EVIDENCE_TOP]]
