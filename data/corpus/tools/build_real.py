"""Build the real-news layer of the corpus from the shared sources and the label files.

    python data/corpus/tools/build_real.py --external ../shared/external

Reads the English Wikinews articles and NewsMTSC's train.jsonl from the
shared external folder (never its devtest files), the annotation passes in
``data/corpus/agreement/real/`` and ``selection.json`` (which articles,
which topic), and writes:

- the ``real`` rows of ``data/corpus/corpus.jsonl`` (the ``written`` rows are
  kept as they are), with seeded 60/20/20 splits by article, separately for
  each source;
- ``data/corpus/newsmtsc_polarity.jsonl``: NewsMTSC's own polarity labels
  (negative/neutral/positive -> against/neutral/favor) for the train
  articles that do not occur in its devtest files, as optional extra stance
  supervision (``aux_data = "newsmtsc"``); training drops the articles of the
  real dev and test splits.

Final labels: the first pass as re-checked against the rules added since
(``first_pass_final.jsonl``), with every adjudicated decision applied
(``adjudication.jsonl``: one line per sentence, the final targets and frames).
Running it twice gives the same files byte for byte.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from stanceframe.data.schema import Example
from stanceframe.data.sentences import split_sentences
from stanceframe.data.split import assign_splits

CORPUS = Path(__file__).resolve().parent.parent

AGREE = CORPUS / "agreement" / "real"
POLARITY = {2.0: "against", 4.0: "neutral", 6.0: "favor"}
RATIOS = (0.6, 0.2, 0.2)
SEED = 13
WIKINEWS_LICENSE = "CC BY 2.5 (Wikinews contributors); text converted to plain form"
NEWSMTSC_LICENSE = "NewsMTSC (c) 2020 Felix Hamborg, MIT-style permission notice"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def newsmtsc_article(gid: str) -> str:
    return "_".join(gid.split("_")[:3])


def final_labels(agree: Path) -> dict[str, dict]:
    """Sentence id -> {"targets", "frames", ...} after adjudication."""
    labels = {r["id"]: r for r in read_jsonl(agree / "first_pass_final.jsonl")}
    adjudicated = agree / "adjudication.jsonl"
    for decision in read_jsonl(adjudicated) if adjudicated.is_file() else []:
        row = labels[decision["id"]]
        row["targets"], row["frames"] = decision["final"]["targets"], decision["final"]["frames"]
    return labels


def wikinews_rows(external: Path, selection: list[dict], labels: dict[str, dict]) -> list[Example]:
    articles = {a["id"]: a for a in read_jsonl(external / "wikinews" / "articles.jsonl")}
    rows = []
    for entry in selection:
        art = articles[entry["doc_id"]]
        text = art["title"] + "\n\n" + art["text"]
        for s in split_sentences(text):
            sid = f"{art['id']}-s{s.index:02d}"
            if sid not in labels:
                raise SystemExit(f"{sid}: no label (every sentence of an article is labelled)")
            lab = labels[sid]
            source = {
                "dataset": "Wikinews",
                "article": art["id"],
                "url": art["url"],
                "title": art["title"],
                "date": art["date"],
                "offsets": [s.start, s.end],
                "license": WIKINEWS_LICENSE,
            }
            rows.append(_row(sid, art["id"], s.text, lab, entry["topic"], "wire", source))
    return rows


def newsmtsc_rows(external: Path, labels: dict[str, dict]) -> list[Example]:
    lines = (external / "newsmtsc" / "train.jsonl").read_text(encoding="utf-8").split("\n")
    rows = []
    for sid in sorted(k for k in labels if k.startswith("ns-")):
        lineno = int(sid[3:])
        raw = json.loads(lines[lineno - 1])
        lab = labels[sid]
        mentions = [
            {
                "mention": t["mention"],
                "start": t["from"],
                "end": t["to"],
                "target": name,
                "polarity": POLARITY[float(t["polarity"])],
            }
            for t, name in zip(raw["targets"], lab["mentions"], strict=True)
        ]
        polarity = {}
        for m in mentions:
            polarity.setdefault(m["target"], m["polarity"])
        source = {
            "dataset": "NewsMTSC",
            "file": "train.jsonl",
            "line": lineno,
            "primary_gid": raw["primary_gid"],
            "mentions": mentions,
            "polarity": polarity,
            "license": NEWSMTSC_LICENSE,
        }
        doc = "ns-" + newsmtsc_article(raw["primary_gid"])
        rows.append(_row(sid, doc, raw["sentence_normalized"], lab, "politics", "news", source))
    return rows


def _row(sid, doc, text, lab, topic, genre, source) -> Example:
    return Example(
        id=sid,
        doc_id=doc,
        text=text,
        targets=dict(lab["targets"]),
        frames=list(lab["frames"]),
        topic=topic,
        genre=genre,
        layer="real",
        source=source,
    )


def polarity_rows(external: Path) -> list[Example]:
    """NewsMTSC train sentences with their own polarity labels, devtest articles excluded."""
    folder = external / "newsmtsc"
    held = set()
    for name in ("devtest_rw.jsonl", "devtest_mt.jsonl"):
        held |= {newsmtsc_article(r["primary_gid"]) for r in read_jsonl(folder / name)}
    rows = []
    for lineno, raw in enumerate(read_jsonl(folder / "train.jsonl"), start=1):
        article = newsmtsc_article(raw["primary_gid"])
        if article in held:
            continue
        targets = {}
        for t in raw["targets"]:
            targets.setdefault(t["mention"], POLARITY[float(t["polarity"])])
        rows.append(
            Example(
                id=f"nsp-{lineno:05d}",
                doc_id="ns-" + article,
                text=raw["sentence_normalized"],
                targets=targets,
                frames=None,
                genre="news",
                split="train",
                source={
                    "dataset": "NewsMTSC",
                    "file": "train.jsonl",
                    "line": lineno,
                    "license": NEWSMTSC_LICENSE,
                },
            )
        )
    return rows


def write(path: Path, rows: list[Example]) -> None:
    path.write_text("".join(ex.to_json() + "\n" for ex in rows), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--external", type=Path, default=CORPUS.parents[2] / "shared" / "external")
    parser.add_argument("--agreement", type=Path, default=AGREE, help="the label files")
    parser.add_argument("--out", type=Path, default=CORPUS, help="folder for the two outputs")
    args = parser.parse_args()
    selection = json.loads((args.agreement / "selection.json").read_text(encoding="utf-8"))
    labels = final_labels(args.agreement)
    parts = [wikinews_rows(args.external, selection, labels), newsmtsc_rows(args.external, labels)]
    real = [ex for part in parts for ex in assign_splits(part, RATIOS, seed=SEED)]
    corpus = args.out / "corpus.jsonl"
    source = CORPUS / "corpus.jsonl"
    written = [json.loads(line) for line in source.read_text(encoding="utf-8").split("\n") if line]
    kept = [
        json.dumps({**r, "layer": "written"}, ensure_ascii=False)
        for r in written
        if r.get("layer", "written") == "written"
    ]
    corpus.write_text(
        "".join(k + "\n" for k in kept) + "".join(ex.to_json() + "\n" for ex in real),
        encoding="utf-8",
    )
    write(args.out / "newsmtsc_polarity.jsonl", polarity_rows(args.external))
    print(f"{len(kept)} written + {len(real)} real rows -> {corpus}")


if __name__ == "__main__":
    main()
