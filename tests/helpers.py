"""Shared test helpers: a tiny random BERT encoder, small labelled datasets, a fixed predictor.

Imported by ``conftest.py`` (fixtures) and by test modules directly; no test
module imports another.
"""

from __future__ import annotations

import string

from stanceframe.data.schema import Example, LabelSchema

WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "on",
    "said",
    "says",
    "according",
    "ministry",
    "government",
    "army",
    "rebels",
    "civilians",
    "children",
    "killed",
    "wounded",
    "refuses",
    "refused",
    "deliberately",
    "crime",
    "violation",
    "aid",
    "water",
    "displaced",
    "families",
    "talks",
    "budget",
    "approved",
    "council",
    "welcomed",
    "praised",
    "support",
    "denied",
    "accused",
    "blame",
    "report",
    "data",
    "officials",
    "spokesperson",
    "tuesday",
    "march",
    "valdoria",
    "kestria",
    "city",
    "mines",
    "maps",
    "war",
    "ceasefire",
    "peace",
    "police",
    "protest",
    "court",
]


def _vocab() -> dict[str, int]:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    tokens = specials + chars + [f"##{c}" for c in chars] + WORDS
    return {tok: i for i, tok in enumerate(dict.fromkeys(tokens))}


def build_tiny_encoder(out) -> str:
    """A randomly initialised 2-layer BERT with its tokenizer, saved in ``out``."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    tokenizer = BertTokenizerFast(vocab=_vocab(), do_lower_case=True)
    assert "[UNK]" not in tokenizer.tokenize("Valdoria refused"), "tiny vocab broken"
    tokenizer.model_max_length = 64
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return str(out)


def make_examples() -> list[Example]:
    """A dozen labelled sentences over three documents, every label present."""
    rows = [
        (
            "d1",
            "The ministry said the talks would resume in March.",
            {"ministry": "neutral"},
            ["attribution"],
        ),
        (
            "d1",
            "The army deliberately shelled the city, officials said.",
            {"army": "against"},
            ["attribution", "accusation"],
        ),
        ("d1", "Families displaced by the war have no water.", {}, ["humanitarian_appeal"]),
        ("d1", "The council approved the budget.", {"council": "neutral"}, []),
        (
            "d2",
            "Rebels are killing children by blocking aid.",
            {"rebels": "against"},
            ["accusation", "humanitarian_appeal"],
        ),
        (
            "d2",
            "The government praised the police for their support.",
            {"government": "favor", "police": "favor"},
            [],
        ),
        (
            "d2",
            "Valdoria welcomed the ceasefire, a spokesperson said.",
            {"valdoria": "favor"},
            ["attribution"],
        ),
        (
            "d2",
            "Kestria refuses to hand over the maps, a crime against civilians.",
            {"kestria": "against", "valdoria": "neutral"},
            ["accusation", "humanitarian_appeal"],
        ),
        ("d3", "The court denied the report.", {"court": "neutral"}, ["attribution"]),
        ("d3", "Peace talks are on Tuesday.", {}, []),
        (
            "d3",
            "According to the data, civilians were killed and wounded.",
            {},
            ["attribution", "humanitarian_appeal"],
        ),
        (
            "d3",
            "Officials accused the army of a violation, citing wounded children.",
            {"army": "against"},
            ["attribution", "accusation", "humanitarian_appeal"],
        ),
    ]
    return [
        Example(id=f"{doc}-s{i:02d}", doc_id=doc, text=text, targets=targets, frames=frames)
        for i, (doc, text, targets, frames) in enumerate(rows)
    ]


class FixedPredictor:
    """Returns preset predictions: scores the evaluation pipeline without a network."""

    def __init__(self, preds: dict[str, dict], schema: LabelSchema = LabelSchema()):
        self.preds, self.schema = preds, schema

    def predict(self, texts, targets=None, **_):
        return [self.preds[t] for t in texts]


# Label Studio export pieces, in its documented JSON format.
def ls_choice(name: str, *labels: str) -> dict:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": labels}}


def ls_annotation(aid: int, who, result: list[dict], cancelled: bool = False) -> dict:
    return {"id": aid, "completed_by": who, "result": result, "was_cancelled": cancelled}
