"""A BERT encoder for inference only, so loading a model does not import transformers' models.

Importing ``transformers``' modeling code pulls in torch.distributed, dynamo,
sympy and scipy: about 4 s of a 2-core machine's start-up, before a single
weight is read. Inference needs none of it. This module is the same network
as transformers' ``BertModel`` (post-norm blocks, exact-erf GELU, absolute
positions), with the same parameter names, so a saved ``model.safetensors``
loads into it unchanged and gives the same hidden states (a test compares the
two). Encoders of other kinds (RoBERTa, DeBERTa, ...) load through
transformers as before: ``supports`` says which path a config takes.
Training always uses transformers' own module.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn


def supports(config: dict[str, Any]) -> bool:
    """Whether this module reproduces the encoder ``config.json`` describes exactly."""
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and not config.get("is_decoder", False)
        and not config.get("add_cross_attention", False)
    )


def read_config(model_dir: str | Path) -> dict[str, Any]:
    return json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))


class _Config(SimpleNamespace):
    """The encoder's settings; ``save_pretrained`` writes the ``config.json`` it came from."""

    def save_pretrained(self, out_dir: str | Path) -> None:
        text = json.dumps(self.raw, indent=2, sort_keys=True) + "\n"
        (Path(out_dir) / "config.json").write_text(text, encoding="utf-8")


class _Embeddings(nn.Module):
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        # One segment: token type 0 everywhere, as the training path feeds it.
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)
        return self.LayerNorm(x + self.token_type_embeddings.weight[0])


class _SelfAttention(nn.Module):
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(proj: nn.Linear) -> torch.Tensor:
            return proj(x).view(b, t, self.heads, h // self.heads).transpose(1, 2)

        out = F.scaled_dot_product_attention(
            split(self.query), split(self.key), split(self.value), attn_mask=mask
        )
        return out.transpose(1, 2).reshape(b, t, h)


class _Dense(nn.Module):
    """``dense`` then ``LayerNorm`` over the residual: BERT's post-norm sub-block output."""

    def __init__(self, d_in: int, d_out: int, eps: float):
        super().__init__()
        self.dense = nn.Linear(d_in, d_out)
        self.LayerNorm = nn.LayerNorm(d_out, eps=eps)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class _Attention(nn.Module):
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.self = _SelfAttention(c)
        self.output = _Dense(c.hidden_size, c.hidden_size, c.layer_norm_eps)


class _Intermediate(nn.Module):
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)


class _Layer(nn.Module):
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.attention = _Attention(c)
        self.intermediate = _Intermediate(c)
        self.output = _Dense(c.intermediate_size, c.hidden_size, c.layer_norm_eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.attention.output(self.attention.self(x, mask), x)
        return self.output(F.gelu(self.intermediate.dense(x)), x)


class _Stack(nn.Module):
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.layer = nn.ModuleList(_Layer(c) for _ in range(c.num_hidden_layers))


class _Pooler(nn.Module):
    # Unused, but its weights are in every saved BertModel: kept so loading stays strict.
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)


class InferenceBert(nn.Module):
    """``BertModel``'s forward for ``input_ids`` and ``attention_mask``, nothing else."""

    def __init__(self, config: dict[str, Any]):
        super().__init__()
        c = _Config(**{**config, "pad_id": config.get("pad_token_id")})
        c.raw = dict(config)
        self.config = c
        self.embeddings = _Embeddings(c)
        self.encoder = _Stack(c)
        self.pooler = _Pooler(c)

    def get_input_embeddings(self) -> nn.Embedding:
        return self.embeddings.word_embeddings

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> SimpleNamespace:
        # (batch, 1, 1, tokens): every query may attend to the sentence's real tokens.
        mask = attention_mask.bool()[:, None, None, :]
        x = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return SimpleNamespace(last_hidden_state=x)
