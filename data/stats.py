"""Descriptive statistics of a labelled file: what ``stanceframe data stats`` prints."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from itertools import combinations

from stanceframe.data.schema import Example


def corpus_stats(examples: Sequence[Example]) -> dict:
    """Counts per label, split, topic and genre; frame co-occurrence; lengths."""
    n = len(examples)
    frames = Counter(f for ex in examples for f in ex.frames or [])
    stances = Counter(s for ex in examples for s in ex.targets.values())
    pairs: Counter = Counter()
    for ex in examples:
        for a, b in combinations(sorted(set(ex.frames or [])), 2):
            pairs[f"{a}+{b}"] += 1
    words = [len(ex.text.split()) for ex in examples] or [0]
    return {
        "sentences": n,
        "documents": len({ex.doc_id for ex in examples}),
        "layers": dict(Counter(ex.layer or "-" for ex in examples)),
        "splits": dict(Counter(ex.split or "-" for ex in examples)),
        "documents_per_split": dict(
            Counter(s for _, s in {(e.doc_id, e.split or "-") for e in examples})
        ),
        "topics": dict(Counter(ex.topic or "-" for ex in examples).most_common()),
        "genres": dict(Counter(ex.genre or "-" for ex in examples).most_common()),
        "frames": {f: {"n": c, "share": c / n if n else 0.0} for f, c in frames.most_common()},
        "no_frame": sum(1 for ex in examples if ex.frames == []),
        "frames_unlabelled": sum(1 for ex in examples if ex.frames is None),
        "frame_pairs": dict(pairs.most_common()),
        "stance": {
            s: {"n": c, "share": c / max(1, sum(stances.values()))}
            for s, c in stances.most_common()
        },
        "targets_per_sentence": dict(sorted(Counter(len(ex.targets) for ex in examples).items())),
        "words_per_sentence": {
            "min": min(words),
            "median": statistics.median(words),
            "mean": round(statistics.fmean(words), 1),
            "max": max(words),
        },
    }


def format_stats(stats: dict) -> str:
    """Plain-text rendering (Markdown-friendly) of ``corpus_stats``."""
    lines = [f"sentences: {stats['sentences']}   documents: {stats['documents']}"]

    def block(title: str, mapping: dict) -> None:
        lines.append(f"{title}:")
        for key, value in mapping.items():
            if isinstance(value, dict) and "n" in value:
                lines.append(f"  {key:<28} {value['n']:>6}  {value['share']:6.1%}")
            else:
                lines.append(f"  {key:<28} {value!s:>6}")

    block("sentences per layer", stats["layers"])
    block("sentences per split", stats["splits"])
    block("documents per split", stats["documents_per_split"])
    block("frames (share of sentences)", stats["frames"])
    lines.append(
        f"  {'(no frame)':<28} {stats['no_frame']:>6}  "
        f"{stats['no_frame'] / max(1, stats['sentences']):6.1%}"
    )
    block("frame co-occurrence", stats["frame_pairs"])
    block("stance labels (share of labels)", stats["stance"])
    block("targets per sentence", stats["targets_per_sentence"])
    block("topics", stats["topics"])
    block("genres", stats["genres"])
    block("words per sentence", stats["words_per_sentence"])
    return "\n".join(lines)
