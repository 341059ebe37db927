"""Label rates, confusions with examples, temperature undone, corpus layers in reports."""

from __future__ import annotations

import numpy as np
import pytest

from stanceframe.data.schema import Example, LabelSchema
from stanceframe.eval.alignment import Gold, align
from stanceframe.eval.diagnostics import confusion_examples, label_rates, without_temperature
from stanceframe.eval.evaluate import evaluate_model, layer_groups


def _rows():
    return [
        Example(
            id="a",
            doc_id="d1",
            text="A said B lied.",
            targets={"B": "against"},
            frames=["attribution", "accusation"],
        ),
        Example(
            id="b",
            doc_id="d1",
            text="B met C.",
            targets={"B": "neutral", "C": "neutral"},
            frames=[],
        ),
        Example(id="c", doc_id="d2", text="Nine died.", targets={}, frames=["humanitarian_appeal"]),
        Example(
            id="d", doc_id="d2", text="C praised B.", targets={"B": "favor"}, frames=["attribution"]
        ),
    ]


def _pred(frames, stance):
    probs = {f: (0.9 if f in frames else 0.1) for f in LabelSchema().frame_labels}
    dists = {
        t: {lab: (0.8 if lab == s else 0.1) for lab in LabelSchema().stance_labels}
        for t, s in stance.items()
    }
    return {"frames": frames, "frame_probs": probs, "stance": stance, "stance_probs": dists}


PREDS = [
    _pred(["attribution", "accusation"], {"B": "against"}),
    _pred(["accusation"], {"B": "against", "C": "neutral"}),  # accusation FP, B neutral->against
    _pred([], {}),  # humanitarian_appeal FN
    _pred(["attribution"], {"B": "against"}),  # favor -> against
]


def test_rates_are_shares_of_sentences_and_pairs():
    gold = Gold.build(_rows(), LabelSchema())
    rates = label_rates(gold, align(gold, PREDS))
    assert rates["frames"]["accusation"] == {"gold": 0.25, "predicted": 0.5, "ratio": 2.0, "n": 4}
    assert rates["frames"]["humanitarian_appeal"]["predicted"] == 0.0
    assert rates["stance"]["against"] == {"gold": 0.25, "predicted": 0.75, "ratio": 3.0, "n": 4}
    assert rates["stance"]["favor"]["ratio"] is None or rates["stance"]["favor"]["ratio"] == 0.0


def test_confusions_are_counted_with_their_sentences():
    gold = Gold.build(_rows(), LabelSchema())
    conf = confusion_examples(gold, align(gold, PREDS))
    cells = {(c["gold"], c["predicted"]): c for c in conf["stance"]}
    assert set(cells) == {("neutral", "against"), ("favor", "against")}
    assert cells[("favor", "against")]["examples"] == [
        {"id": "d", "text": "C praised B.", "target": "B"}
    ]
    errors = {(c["label"], c["error"]): c["count"] for c in conf["frames"]}
    assert errors == {
        ("accusation", "false positive"): 1,
        ("humanitarian_appeal", "false negative"): 1,
    }


def test_temperature_is_undone_exactly():
    gold = Gold.build(_rows(), LabelSchema())
    aligned = align(gold, PREDS)
    assert without_temperature(aligned, {"stance": 1.0, "frames": 1.0}) is None
    raw = without_temperature(aligned, {"stance": 2.0, "frames": 2.0})
    # sigmoid(2 * logit(0.9)) = 0.81 / (0.81 + 0.01)
    assert raw.frame_probs.max() == pytest.approx(0.81 / 0.82)
    first = raw.stance_probs[0]
    assert first["against"] == pytest.approx(0.64 / (0.64 + 0.01 + 0.01))
    assert raw.stance_pred == aligned.stance_pred and np.array_equal(
        raw.frame_pred, aligned.frame_pred
    )


def test_layers_put_real_first_and_report_the_other_beside_it(tiny_encoder_dir, tmp_path):
    from stanceframe.model import Predictor

    rows = _rows()
    layered = [
        Example(**{**ex.__dict__, "layer": "written" if ex.doc_id == "d1" else "real"})
        for ex in rows
    ]
    assert list(layer_groups(layered)) == ["real", "written"]
    assert list(layer_groups(rows)) == [None]
    p = Predictor.untrained(tiny_encoder_dir, max_length=32, precision="fp32")
    metrics = evaluate_model(p, layered, tmp_path, n_bootstrap=0, baselines=False)
    assert metrics["data"]["layer"] == "real" and metrics["data"]["n_sentences"] == 2
    assert metrics["layers"]["written"]["data"]["n_sentences"] == 2
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Corpus layers" in report and "written (2 sent.)" in report
