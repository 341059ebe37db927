"""Inter-annotator agreement between two labelling passes over the same sentences.

Cohen's kappa per frame (present/absent) and for stance (over the
(sentence, target) pairs both passes labelled), plus raw agreement. The
corpus keeps both passes under ``data/corpus/agreement/`` so the datasheet's
figures can be recomputed with ``stanceframe data agreement``.
"""

from __future__ import annotations

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
