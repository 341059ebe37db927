"""Inter-annotator agreement: two labelling passes, or several annotators in one file.

Cohen's kappa per frame (present/absent) and for stance (over the
(sentence, target) pairs both passes labelled), plus raw agreement. The
corpus keeps both passes under ``data/corpus/agreement/`` so the datasheet's
figures can be recomputed with ``stanceframe data agreement``. Rows imported
from an annotation tool carry an ``annotator`` each: agreement is then taken
for every pair of annotators, and ``adjudicate_majority`` merges them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from stanceframe.data.corpus import CORPUS_DIR
from stanceframe.data.errors import DataError, Problem
from stanceframe.data.io import read_examples
from stanceframe.data.schema import DEFAULT_FRAMES, Example

AGREEMENT_DIR = CORPUS_DIR / "agreement"
FIRST_PASS = AGREEMENT_DIR / "first_pass.jsonl"
SECOND_PASS = AGREEMENT_DIR / "second_pass.jsonl"
# The real layer's blind pass is compared with the first pass as re-checked against
# section 9.6 of the codebook, the labels the blind pass was adjudicated against.
REAL_DIR = AGREEMENT_DIR / "real"
PASSES = {
    "written": (FIRST_PASS, SECOND_PASS),
    "real": (REAL_DIR / "first_pass_rechecked.jsonl", REAL_DIR / "second_pass.jsonl"),
}


def _kappa(a: list, b: list) -> float:
    if len(set(a) | set(b)) < 2:
        return 1.0  # both passes used one label throughout: perfect, kappa undefined
    return float(cohen_kappa_score(a, b))


def agreement(first: list[Example], second: list[Example], frames=DEFAULT_FRAMES) -> dict:
    """Kappa and raw agreement over the sentences of the second pass, matched by id.

    The first pass may cover more sentences (a second pass usually labels a
    sample); every sentence of the second pass must be in the first.
    """
    by_id = {ex.id: ex for ex in first}
    missing = [ex.id for ex in second if ex.id not in by_id]
    if missing:
        raise DataError(
            Problem("first pass", 0, "id", f"{len(missing)} ids missing, e.g. {missing[:3]}")
        )
    pairs = [(by_id[ex.id], ex) for ex in second]
    result: dict = {"sentences": len(pairs), "frames": {}}
    for frame in frames:
        a = [frame in (x.frames or []) for x, _ in pairs]
        b = [frame in (y.frames or []) for _, y in pairs]
        result["frames"][frame] = {
            "kappa": round(_kappa(a, b), 3),
            "agreement": round(sum(p == q for p, q in zip(a, b, strict=False)) / len(a), 3),
            "positives_first": sum(a),
            "positives_second": sum(b),
        }
    sa, sb = [], []
    for x, y in pairs:
        for target, label in x.targets.items():
            if target in y.targets:
                sa.append(label)
                sb.append(y.targets[target])
    result["stance"] = {
        "pairs": len(sa),
        "kappa": round(_kappa(sa, sb), 3) if sa else None,
        "agreement": round(sum(p == q for p, q in zip(sa, sb, strict=False)) / len(sa), 3)
        if sa
        else None,
    }
    exact = sum(sorted(x.frames or []) == sorted(y.frames or []) for x, y in pairs)
    result["frame_sets_identical"] = round(exact / len(pairs), 3)
    return result


def agreement_files(first: str | Path = FIRST_PASS, second: str | Path = SECOND_PASS) -> dict:
    return agreement(read_examples(first), read_examples(second))


def format_agreement(result: dict) -> str:
    lines = [
        f"sentences: {result['sentences']}",
        "| label | Cohen's kappa | raw agreement |",
        "| --- | --- | --- |",
    ]
    for frame, row in result["frames"].items():
        lines.append(f"| {frame} | {row['kappa']:.3f} | {row['agreement']:.1%} |")
    st = result["stance"]
    if st["kappa"] is not None:
        lines.append(
            f"| stance ({st['pairs']} pairs) | {st['kappa']:.3f} | {st['agreement']:.1%} |"
        )
    lines.append(f"identical frame sets: {result['frame_sets_identical']:.1%}")
    return "\n".join(lines)


# ---------------------------------------------------------------- several annotators
def by_annotator(examples: list[Example], source: str = "annotations") -> dict[str, list[Example]]:
    """Rows grouped by ``annotator`` (rows without one are an error: whose are they?)."""
    groups: dict[str, list[Example]] = {}
    unnamed = [ex.id for ex in examples if not ex.annotator]
    if unnamed:
        msg = (
            f"{len(unnamed)} rows without an annotator, e.g. {unnamed[:3]} (one file compares"
            " its annotators; give two files to compare two passes)"
        )
        raise DataError(Problem(source, 0, "annotator", msg))
    for ex in examples:
        groups.setdefault(str(ex.annotator), []).append(ex)
    if len(groups) < 2:
        msg = f"agreement needs at least two annotators, found {sorted(groups)}"
        raise DataError(Problem(source, 0, "annotator", msg))
    return groups


def annotator_agreement(
    examples: list[Example], frames=DEFAULT_FRAMES, source: str = "annotations"
) -> dict:
    """Cohen's kappa for every pair of annotators over the sentences both labelled,
    and the mean over pairs weighted by shared sentences (the table's figures)."""
    groups = by_annotator(examples, source)
    names = sorted(groups)
    pairs = []
    for i, a in enumerate(names):
        ids_a = {ex.id for ex in groups[a]}
        for b in names[i + 1 :]:
            shared = [ex for ex in groups[b] if ex.id in ids_a]
            if shared:
                pairs.append({"annotators": [a, b], **agreement(groups[a], shared, frames)})
    if not pairs:
        raise DataError(Problem(source, 0, "id", "no sentence labelled by two annotators"))
    return {**_weighted_mean(pairs, frames), "annotators": names, "pairs": pairs}


def _weighted_mean(pairs: list[dict], frames) -> dict:
    def mean(values: list[tuple[float | None, int]]) -> float | None:
        kept = [(v, w) for v, w in values if v is not None and w]
        total = sum(w for _, w in kept)
        return round(sum(v * w for v, w in kept) / total, 3) if total else None

    n = [p["sentences"] for p in pairs]
    out: dict = {"sentences": sum(n), "frames": {}}
    for frame in frames:
        rows = [p["frames"][frame] for p in pairs]
        out["frames"][frame] = {
            key: mean([(r[key], w) for r, w in zip(rows, n, strict=True)])
            for key in ("kappa", "agreement")
        }
    weights = [p["stance"]["pairs"] for p in pairs]
    out["stance"] = {
        "pairs": sum(weights),
        **{
            k: mean([(p["stance"][k], w) for p, w in zip(pairs, weights, strict=True)])
            for k in ("kappa", "agreement")
        },
    }
    out["frame_sets_identical"] = mean(
        [(p["frame_sets_identical"], w) for p, w in zip(pairs, n, strict=True)]
    )
    return out


def adjudicate_majority(examples: list[Example]) -> tuple[list[Example], list[str]]:
    """One row per sentence: a frame is kept when more than half of the sentence's
    annotators chose it; a target's stance is the label more than half chose.

    A sentence where a frame or a stance has no strict majority (exactly half
    the annotators for it: two who disagree) is left out and its id returned,
    for a person to decide.
    """
    by_id: dict[str, list[Example]] = {}
    for ex in examples:
        by_id.setdefault(ex.id, []).append(ex)
    kept, ties = [], []
    for sid, rows in by_id.items():
        half = len(rows) / 2
        frame_votes = Counter(f for ex in rows for f in (ex.frames or []))
        frames = [f for f, v in frame_votes.items() if v > half]
        tied = any(v == half for v in frame_votes.values())
        targets = {}
        for target in dict.fromkeys(t for ex in rows for t in ex.targets):
            label, votes = Counter(
                ex.targets[target] for ex in rows if target in ex.targets
            ).most_common(1)[0]
            if votes > half:
                targets[target] = label
            else:
                tied = True
        if tied:
            ties.append(sid)
            continue
        order = [f for ex in rows for f in (ex.frames or [])]
        frames.sort(key=order.index)
        first = rows[0]
        source = dict(first.source or {})
        source["annotators"] = sorted(str(ex.annotator) for ex in rows)
        kept.append(replace(first, targets=targets, frames=frames, annotator=None, source=source))
    return kept, ties
