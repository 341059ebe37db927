"""Target mentions: what the stance head pools over."""

from __future__ import annotations

from stanceframe.model import Predictor
from stanceframe.model.encoding import encode_sentences, mention_mask
from stanceframe.model.mentions import find_mentions

TEXT = "Kestria's refusal is killing Valdorians, while the Kestrian army denies it under oath."


def spans(text, target):
    return [text[a:b] for a, b in find_mentions(text, target)]


def test_names_inflections_and_demonyms():
    assert spans(TEXT, "Kestria") == ["Kestria", "Kestrian"]
    assert spans(TEXT, "Valdoria") == ["Valdorians"]
    assert spans(TEXT, "the Kestrian army") == ["the Kestrian army"]
    # distinctive words of a longer name, generic words ignored
    assert spans(TEXT, "Government of Kestria") == ["Kestria", "Kestrian"]
    assert spans(TEXT, "Ministry of Defence") == []


def test_short_names_match_exact_words_only():
    text = "The UN said the EU was under pressure; a unit of UNHCR arrived."
    assert spans(text, "UN") == ["UN"]
    assert spans(text, "EU") == ["EU"]


def test_mention_mask_marks_the_target_tokens_only(tiny_encoder_dir):
    p = Predictor.untrained(tiny_encoder_dir, max_length=64)
    text = "the army killed civilians and the police said nothing"
    (enc,) = encode_sentences(p.tokenizer, [text], 64)
    tokens = p.tokenizer.convert_ids_to_tokens(enc.input_ids)
    mask = mention_mask(text, enc, "army")
    assert [t for t, m in zip(tokens, mask, strict=True) if m] == ["army"]
    assert not any(mention_mask(text, enc, "rebels"))  # not in the sentence


def test_stance_differs_by_target_only_through_the_input(tiny_encoder_dir):
    p = Predictor.untrained(tiny_encoder_dir, max_length=64, precision="fp32")
    text = "the army killed civilians and the police said nothing"
    pred = p.predict([text], [["army", "police"]])[0]
    assert pred["stance_probs"]["army"] != pred["stance_probs"]["police"]
