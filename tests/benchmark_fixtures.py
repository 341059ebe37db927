"""Tiny stand-ins for the public benchmark datasets, in their on-disk formats.

Every text here is invented for the tests; none comes from the real datasets.
Each writer builds the folder layout the shared external-data folder uses, so
``importers.locate`` and ``run_benchmark`` see them as the real thing.
"""

from __future__ import annotations

import json
from pathlib import Path

SEMEVAL = {
    # folder -> split -> [(tweet, label id)]
    "atheism": {
        "train": [
            ("Faith gives me strength every single morning #SemST ", "1"),
            ("Science explains the world better than any scripture #SemST", "2"),
            ("Going to the beach with friends today #SemST", "0"),
            ("Prayer in schools should come back #SemST", "1"),
        ],
        "val": [
            ("Reason over dogma, always. #SemST", "2"),
            ("Sunday service was lovely #SemST", "1"),
        ],
        "test": [
            ("Nobody needs a god to be kind #SemST", "2"),
            ("Blessed to be loved by the Lord #SemST", "1"),
            ("Coffee first, then everything else #SemST", "0"),
        ],
    },
    "climate": {
        "train": [
            ("We must cut emissions now #SemST", "2"),
            ("Warming is a hoax made up for taxes #SemST", "1"),
            ("New bike lanes\u2028opened downtown #SemST", "0"),
        ],
        "val": [("Record heat again this summer, act now #SemST", "2")],
        "test": [
            ("Sea levels are rising and we keep ignoring it #SemST", "2"),
            ("Carbon taxes are a scam #SemST", "1"),
        ],
    },
}

NEWSMTSC_TRAIN = [
    (
        "Senator Vale praised the mayor for a calm response to the floods.",
        [("Senator Vale", 4.0), ("the mayor", 6.0)],
    ),
    ("Critics said Governor Pike had misled voters about the budget.", [("Governor Pike", 2.0)]),
    ("The council met on Tuesday to discuss parking rules.", [("The council", 4.0)]),
    ("Judge Orr was hailed as fair and careful by both parties.", [("Judge Orr", 6.0)]),
    (
        "Rep. Lund attacked Rep. Lund's own party, then Lund apologised.",
        [("Lund", 2.0), ("Lund", 4.0)],
    ),
    ("Activists accused the minister of ignoring the protesters.", [("the minister", 2.0)]),
    ("Dr. Hale explained the new vaccine schedule to reporters.", [("Dr. Hale", 4.0)]),
    ("Fans cheered as Coach Rye lifted the trophy.", [("Coach Rye", 6.0)]),
    ("The mayor blamed the governor for the delays.", [("The mayor", 4.0), ("the governor", 2.0)]),
    ("Officials described the chief as honest and hard working.", [("the chief", 6.0)]),
    ("Voters turned against Senator Moss after the scandal.", [("Senator Moss", 2.0)]),
    ("The spokesperson read a short statement on Friday.", [("The spokesperson", 4.0)]),
]
NEWSMTSC_TEST = {
    "devtest_rw": [
        ("Governor Pike was booed at the rally.", [("Governor Pike", 2.0)]),
        ("Judge Orr thanked the jury for its service.", [("Judge Orr", 6.0)]),
        ("The council will vote next week.", [("The council", 4.0)]),
    ],
    "devtest_mt": [
        (
            "Senator Vale defended the mayor against the critics.",
            [("Senator Vale", 6.0), ("the mayor", 4.0)],
        ),
        ("Coach Rye blamed the referee for the loss.", [("Coach Rye", 4.0), ("the referee", 2.0)]),
    ],
}

# PolNeAR article: sentences, then the Cue phrases per annotator.
POLNEAR_TEXT = (
    "Candidate Pledges New Roads\n\n"
    "The candidate said on Monday that roads would be rebuilt.\n\n"
    "Crowds gathered outside the hall before noon.\n\n"
    "Taxes will not rise, according to her campaign manager.\n\n"
    "Reporters waited for hours in the rain.\n"
)


def _write_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def write_semeval(root: Path) -> Path:
    """``root/semeval2016_stance_tweeteval/stance/<target>/...``; returns the dataset folder."""
    base = root / "semeval2016_stance_tweeteval"
    stance = base / "stance"
    _write_lines(stance / "mapping.txt", ["0\tnone", "1\tagainst", "2\tfavor"])
    for folder, splits in SEMEVAL.items():
        for split, rows in splits.items():
            _write_lines(stance / folder / f"{split}_text.txt", [t for t, _ in rows])
            _write_lines(stance / folder / f"{split}_labels.txt", [lab for _, lab in rows])
    return base


def newsmtsc_row(i: int, text: str, targets: list[tuple[str, float]], doc: int) -> dict:
    out = []
    for mention, polarity in targets:
        start = text.find(mention)
        gid = f"allsides_{doc}_{doc}_{i}_{mention}_{start}_{start + len(mention)}"
        out.append(
            {
                "Input.gid": gid,
                "from": start,
                "to": start + len(mention),
                "mention": mention,
                "polarity": polarity,
            }
        )
    return {"primary_gid": out[0]["Input.gid"], "sentence_normalized": text, "targets": out}


def write_newsmtsc(root: Path) -> Path:
    base = root / "newsmtsc"
    files = {"train": NEWSMTSC_TRAIN, **NEWSMTSC_TEST}
    for k, (name, rows) in enumerate(files.items()):
        lines = [
            json.dumps(newsmtsc_row(i, t, tg, doc=100 * k + i)) for i, (t, tg) in enumerate(rows)
        ]
        _write_lines(base / f"{name}.jsonl", lines)
    return base


def brat_lines(text: str, cues: list[str], contents: list[str] = ()) -> list[str]:
    """A brat .ann for ``text``: a Cue per phrase in ``cues``, Content spans, a Discard."""
    lines, t = [], 0
    for phrase in cues:
        start = text.index(phrase)
        t += 1
        lines.append(f"T{t}\tCue {start} {start + len(phrase)}\t{phrase}")
        t += 1
        lines.append(f"T{t}\tAttribution {start} {start + len(phrase)}\t{phrase}")
        lines.append(f"E{t // 2}\tAttribution:T{t} Cue:T{t - 1}")
    for phrase in contents:
        start = text.index(phrase)
        t += 1
        lines.append(f"T{t}\tContent {start} {start + len(phrase)}\t{phrase}")
    start = text.index("Reporters")
    lines.append(f"T{t + 1}\tDiscard {start} {start + 9}\tReporters")
    return lines


def write_polnear(root: Path) -> Path:
    """One dev article (one annotator) and one test article (three annotators)."""
    base = root / "polnear"
    dev_text = base / "dev" / "text" / "pub_2016-10-02_candidate-pledges.txt"
    dev_text.parent.mkdir(parents=True, exist_ok=True)
    dev_text.write_text(POLNEAR_TEXT, encoding="utf-8")
    _write_lines(
        base / "dev" / "attributions" / "pub_2016-10-02_candidate-pledges_ab12.ann",
        brat_lines(POLNEAR_TEXT, ["said", "according to"], ["Crowds gathered outside the hall"]),
    )
    test_text = base / "test" / "text" / "other_2016-11-01_rally.txt"
    test_text.parent.mkdir(parents=True, exist_ok=True)
    test_text.write_text(POLNEAR_TEXT, encoding="utf-8")
    votes = {
        "aa11": ["said", "according to"],
        "bb22": ["said"],
        "cc33": ["said", "Reporters waited"],
    }
    for annotator, cues in votes.items():
        _write_lines(
            base / "test" / "attributions" / f"other_2016-11-01_rally_{annotator}.ann",
            brat_lines(POLNEAR_TEXT, cues),
        )
    return base
