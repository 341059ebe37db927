"""Importers for public benchmark formats: each turns a dataset into ``Example`` rows.

- SemEval-2016 Task 6A as packaged by TweetEval: one folder per target with
  ``{train,val,test}_{text,labels}.txt`` (one tweet / one label id per line,
  ``mapping.txt`` one level up: 0 none, 1 against, 2 favor).
- NewsMTSC JSONL: a sentence with one or more target mentions and a polarity
  (2 negative, 4 neutral, 6 positive) each; the mention is the stance target.
- PolNeAR brat standoff: article ``.txt`` plus ``.ann`` files; a sentence has
  the ``attribution`` frame when it overlaps a ``Cue`` span.

Each dataset keeps its own label schema (``SEMEVAL_SCHEMA`` etc.), so a model
trained on it predicts exactly the labels the benchmark scores.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path

from stanceframe.data.errors import DataError, Problem
from stanceframe.data.io import read_text
from stanceframe.data.schema import Example, LabelSchema
from stanceframe.data.sentences import split_sentences

log = logging.getLogger(__name__)

# Folder name -> the target as SemEval-2016 states it. "hilary" is how the
# TweetEval README spells the folder; the repository itself says "hillary".
SEMEVAL_TARGETS: dict[str, str] = {
    "abortion": "Legalization of Abortion",
    "atheism": "Atheism",
    "climate": "Climate Change is a Real Concern",
    "feminist": "Feminist Movement",
    "hillary": "Hillary Clinton",
    "hilary": "Hillary Clinton",
}
SEMEVAL_LABEL_IDS: dict[str, str] = {"0": "none", "1": "against", "2": "favor"}
SEMEVAL_SCHEMA = LabelSchema(("favor", "against", "none"), ())
# TweetEval calls the dev split "val"; the project calls it "dev".
_SPLIT_NAMES = {"train": "train", "val": "dev", "dev": "dev", "test": "test"}

NEWSMTSC_POLARITY: dict[float, str] = {2.0: "against", 4.0: "neutral", 6.0: "favor"}
NEWSMTSC_SCHEMA = LabelSchema(("favor", "against", "neutral"), ())

POLNEAR_SCHEMA = LabelSchema((), ("attribution",))

# Where each dataset lives under the shared external-data folder.
DATASET_DIRS: dict[str, str] = {
    "semeval2016": "semeval2016_stance_tweeteval",
    "newsmtsc": "newsmtsc",
    "polnear": "polnear",
}


def locate(name: str, data_dir: str | Path) -> Path | None:
    """The dataset folder for benchmark ``name`` under ``data_dir``, or None if absent.

    ``data_dir`` may be the shared external folder or the dataset folder itself.
    """
    data_dir = Path(data_dir)
    for cand in (data_dir / DATASET_DIRS[name], data_dir):
        if name == "semeval2016" and _semeval_root(cand) is not None:
            return cand
        if name == "newsmtsc" and (cand / "train.jsonl").is_file():
            return cand
        if name == "polnear" and any((cand / s / "attributions").is_dir() for s in ("dev", "test")):
            return cand
    return None


# --------------------------------------------------------------------------- SemEval


def _semeval_root(path: Path) -> Path | None:
    """The folder holding the per-target folders (``.../stance``), if any."""
    for cand in (path / "stance", path):
        if any((cand / folder / "train_text.txt").is_file() for folder in SEMEVAL_TARGETS):
            return cand
    return None


def _lines(path: Path) -> list[str]:
    # Split on "\n" only: tweets may contain U+2028 or U+0085, which
    # str.splitlines() would treat as line breaks and so misalign the labels.
    lines = read_text(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _semeval_mapping(root: Path) -> dict[str, str]:
    path = root / "mapping.txt"
    if not path.is_file():
        return dict(SEMEVAL_LABEL_IDS)
    mapping = {}
    for lineno, line in enumerate(_lines(path), start=1):
        parts = line.split("\t")
        if len(parts) != 2 or parts[1].strip() not in SEMEVAL_SCHEMA.stance_labels:
            raise DataError(
                Problem(str(path), lineno, "mapping", f"expected 'ID<TAB>label', got {line!r}")
            )
        mapping[parts[0].strip()] = parts[1].strip()
    return mapping


def read_semeval2016(path: str | Path, split: str) -> list[Example]:
    """All targets' rows of one TweetEval split (``train``, ``val`` or ``test``)."""
    if split not in _SPLIT_NAMES:
        raise ValueError(f"unknown split {split!r}; expected train, val or test")
    root = _semeval_root(Path(path))
    if root is None:
        raise DataError(Problem(str(path), 0, "file", "no SemEval-2016 target folders found"))
    mapping = _semeval_mapping(root)
    examples: list[Example] = []
    for folder, target in SEMEVAL_TARGETS.items():
        text_path = root / folder / f"{split}_text.txt"
        label_path = root / folder / f"{split}_labels.txt"
        if not text_path.is_file():
            continue
        texts, labels = _lines(text_path), _lines(label_path)
        if len(texts) != len(labels):
            msg = f"{len(labels)} labels for {len(texts)} tweets in {text_path.name}"
            raise DataError(Problem(str(label_path), 0, "labels", msg))
        for i, (text, label_id) in enumerate(zip(texts, labels, strict=True)):
            label = mapping.get(label_id.strip())
            if label is None:
                msg = f"unknown label id {label_id!r} (known: {sorted(mapping)})"
                raise DataError(Problem(str(label_path), i + 1, "label", msg))
            if not text.strip():
                raise DataError(Problem(str(text_path), i + 1, "text", "empty tweet"))
            rid = f"semeval-{folder}-{split}-{i:04d}"
            examples.append(
                Example(
                    id=rid,
                    text=text.strip(),
                    targets={target: label},
                    frames=None,  # SemEval has no frame annotation: mask that head
                    topic=folder,
                    genre="tweet",
                    split=_SPLIT_NAMES[split],
                )
            )
    if not examples:
        raise DataError(Problem(str(root), 0, "file", f"no {split}_text.txt in any target folder"))
    return examples


# -------------------------------------------------------------------------- NewsMTSC


def _newsmtsc_doc(gid: str) -> str:
    # gids look like "allsides_1000_401_25_<name>_0_6" or "polusa_v1_4622359_-1_18_...":
    # the first three fields name the article, so dev hold-outs stay grouped by article.
    return "_".join(gid.split("_")[:3])


def read_newsmtsc(path: str | Path) -> list[Example]:
    """One ``Example`` per sentence; each target mention is a stance target.

    The same mention twice in one sentence (with its own label) goes into an
    extra row ``<gid>#2`` with the same text, so every annotated target counts
    once in training and in evaluation, as in the paper.
    """
    path = Path(path)
    split = {"train": "train", "devtest_rw": "test", "devtest_mt": "test"}.get(path.stem)
    examples: list[Example] = []
    problems: list[Problem] = []
    for lineno, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text = obj["sentence_normalized"]
            gid = str(obj["primary_gid"])
            targets = obj["targets"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            problems.append(Problem(str(path), lineno, "json", f"not a NewsMTSC row: {exc}"))
            continue
        rows: list[dict[str, str]] = []
        for t in targets:
            label = NEWSMTSC_POLARITY.get(_number(t.get("polarity")))
            mention = str(t.get("mention") or "").strip()
            if label is None or not mention:
                msg = f"target needs a mention and polarity 2, 4 or 6, got {t.get('polarity')!r}"
                problems.append(Problem(str(path), lineno, "targets", msg))
                continue
            # First row of this sentence that does not hold the mention yet.
            row = next((r for r in rows if mention not in r), None)
            if row is None:
                row = {}
                rows.append(row)
            row[mention] = label
        for k, row in enumerate(rows):
            rid = gid if k == 0 else f"{gid}#{k + 1}"
            doc = _newsmtsc_doc(gid)
            examples.append(
                Example(
                    id=rid,
                    text=text,
                    doc_id=doc,
                    targets=row,
                    frames=None,
                    genre="news",
                    split=split,
                )
            )
    if problems:
        raise DataError(problems)
    return examples


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- PolNeAR


def read_cue_spans(ann_path: str | Path, text_length: int | None = None) -> list[tuple[int, int]]:
    """``[(start, end)]`` character spans of every ``Cue`` in a brat ``.ann`` file.

    Discontinuous spans (``Cue 10 15;20 24``) give one pair per fragment.
    """
    spans: list[tuple[int, int]] = []
    for lineno, line in enumerate(read_text(ann_path).split("\n"), start=1):
        parts = line.rstrip("\r").split("\t")
        if not parts[0].startswith("T") or len(parts) < 2:
            continue
        kind, _, offsets = parts[1].partition(" ")
        if kind != "Cue":
            continue
        for fragment in offsets.split(";"):
            try:
                start, end = (int(x) for x in fragment.split())
            except ValueError:
                msg = f"bad offsets {offsets!r}"
                raise DataError(Problem(str(ann_path), lineno, "offsets", msg)) from None
            if start > end or (text_length is not None and end > text_length):
                msg = f"span {start}-{end} outside the text ({text_length} characters)"
                raise DataError(Problem(str(ann_path), lineno, "offsets", msg))
            spans.append((start, end))
    return spans


def read_polnear(path: str | Path, splits: tuple[str, ...] = ("dev", "test")) -> list[Example]:
    """Sentences of the PolNeAR articles in ``splits`` with ``["attribution"]`` or ``[]``.

    ``.ann`` files are named ``<article>_<annotator>.ann``. A few articles were
    annotated by several annotators (agreement checks): there a sentence counts
    as ``attribution`` when more than half of them mark a Cue in it.
    """
    root = Path(path)
    examples: list[Example] = []
    for split in splits:
        text_dir, ann_dir = root / split / "text", root / split / "attributions"
        if not ann_dir.is_dir():
            continue
        anns: dict[str, list[Path]] = defaultdict(list)
        for ann in sorted(ann_dir.glob("*.ann")):
            anns[ann.stem.rsplit("_", 1)[0]].append(ann)
        for text_path in sorted(text_dir.glob("*.txt")):
            article = text_path.stem
            if not anns.get(article):
                log.warning("%s: no annotation file, article skipped", text_path)
                continue
            text = read_text(text_path)
            votes: list[list[tuple[int, int]]] = [
                read_cue_spans(a, len(text)) for a in anns[article]
            ]
            for sent in split_sentences(text):
                n_marked = sum(
                    any(s < sent.end and sent.start < e for s, e in spans) for spans in votes
                )
                attributed = n_marked * 2 > len(votes)
                examples.append(
                    Example(
                        id=f"{article}-s{sent.index:03d}",
                        text=sent.text,
                        doc_id=article,
                        frames=["attribution"] if attributed else [],
                        topic=article.split("_", 1)[0],  # the publisher code
                        genre="news",
                        split=_SPLIT_NAMES.get(split, split),
                    )
                )
    if not examples:
        raise DataError(Problem(str(root), 0, "file", f"no annotated articles in {list(splits)}"))
    return examples
