"""The network: one transformer encoder shared by a frame head and a stance head.

A sentence is encoded once, alone (``[CLS] sentence [SEP]``); its token
states serve both heads and every target asked about it:

- frame head: mean of the sentence's tokens -> one logit per frame (sigmoid).
  Frames never depend on which targets are asked.
- stance head (``StanceHead``), per (sentence, target) pair, on views of the
  sentence: its mean; the mean over the target's mentions ("Kestria's
  refusal" vs "Valdoria, showing goodwill": what is said about *this* actor);
  an attention pool queried by the target and its mentions, biased toward
  the words near a mention, so a sentence that refers to the target without
  naming it can still be read; and the target itself, encoded alone by the
  same encoder. A flag says whether the name occurs at all: a sentence that
  never mentions an actor is almost always neutral toward it. Two layers map
  these to one logit per stance label (softmax).

Encoding the sentence once, instead of once per target as a cross-encoder
does, makes training and scoring several times cheaper when articles are
asked about two or three actors, and measured no worse on the corpus
(see ARCHITECTURE.md).
"""

from __future__ import annotations

import torch
from torch import nn

from stanceframe.data.schema import LabelSchema


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over positions where ``mask`` is true; zeros where none are."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    total = (hidden * weights).sum(dim=1)
    count = weights.sum(dim=1).clamp(min=1.0)
    return total / count


class StanceFrameNet(nn.Module):
    def __init__(self, encoder: nn.Module, n_stance: int, n_frames: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.frame_head = nn.Linear(hidden, n_frames) if n_frames else None
        self.stance_head = StanceHead(hidden, n_stance) if n_stance else None

    def _states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.dropout(out.last_hidden_state)

    def sentence_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        """Token states, the sentence's own tokens, and their mean: the frame head's input
        (also the sentence vectors ``annotate`` clusters)."""
        hidden = self._states(input_ids, attention_mask)
        tokens = attention_mask.bool().clone()
        tokens[:, 0] = False  # [CLS]/<s> is not part of the sentence
        return hidden, tokens, masked_mean(hidden, tokens)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        target_ids: torch.Tensor,
        target_mask: torch.Tensor,
        pair_row: torch.Tensor,
        pair_target: torch.Tensor,
        mention: torch.Tensor,
    ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """Stance logits (one row per pair) and frame logits (one row per sentence)."""
        hidden, tokens, sentence = self.sentence_states(input_ids, attention_mask)
        frame_logits = self.frame_head(sentence) if self.frame_head is not None else None
        if self.stance_head is None or pair_row.numel() == 0:
            return None, frame_logits
        t_hidden = self._states(target_ids, target_mask)
        t_tokens = target_mask.bool().clone()
        t_tokens[:, 0] = False
        target = masked_mean(t_hidden, t_tokens)[pair_target]
        return self.stance_head(hidden, tokens, sentence, target, pair_row, mention), frame_logits


class StanceHead(nn.Module):
    """Stance logits for (sentence, target) pairs from the sentence's token states.

    Views of the sentence per pair: its mean; the mean over the target's
    mentions; a multi-head attention pool whose query is the target (encoded
    alone) together with its mentions in context, with a learned bias per head
    toward tokens near a mention (what is said about an actor sits close to
    it); the target itself; and whether the name occurs at all.
    """

    def __init__(self, hidden: int, n_stance: int, heads: int = 4):
        super().__init__()
        self.heads = heads if hidden % heads == 0 else 1
        self.query = nn.Linear(2 * hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.distance = nn.Parameter(torch.full((self.heads,), -0.05))
        self.out = nn.Sequential(
            nn.Linear(4 * hidden + 1, hidden), nn.GELU(), nn.Linear(hidden, n_stance)
        )

    def forward(self, hidden, tokens, sentence, target, pair_row, mention) -> torch.Tensor:
        states, mask = hidden[pair_row], tokens[pair_row]  # (pairs, tokens, hidden)
        n_pairs, width, size = states.shape
        mentioned = masked_mean(states, mention)
        has_mention = mention.any(dim=-1, keepdim=True)
        head = size // self.heads
        q = self.query(torch.cat([target, mentioned], -1)).view(n_pairs, self.heads, head)
        # Keys are projected once per sentence, then gathered: pairs outnumber sentences.
        k = self.key(hidden)[pair_row].view(n_pairs, width, self.heads, head)
        scores = torch.einsum("phd,pthd->pht", q, k) / head**0.5
        scores = scores + self.distance.view(1, -1, 1) * _distance(mention, has_mention)
        scores = scores.masked_fill(~mask.unsqueeze(1), torch.finfo(scores.dtype).min)
        values = states.view(n_pairs, width, self.heads, head)
        attended = torch.einsum("pht,pthd->phd", torch.softmax(scores, -1), values)
        features = [sentence[pair_row], mentioned, attended.reshape(n_pairs, size), target]
        return self.out(torch.cat([*features, has_mention.to(states.dtype)], -1))


def _distance(mention: torch.Tensor, has_mention: torch.Tensor) -> torch.Tensor:
    """(pairs, 1, tokens): each token's distance to the nearest mention token (0 without one)."""
    width = mention.shape[-1]
    pos = torch.arange(width, device=mention.device)
    gap = (pos.view(1, -1, 1) - pos.view(1, 1, -1)).abs().to(torch.float)  # (1, t, m)
    gap = gap.masked_fill(~mention.unsqueeze(1), float(width))
    nearest = gap.min(dim=-1).values * has_mention
    return nearest.unsqueeze(1)


def build_network(
    base: str, schema: LabelSchema, dropout: float = 0.1, seed: int = 0
) -> tuple[StanceFrameNet, object]:
    """A base encoder (local directory or installed name) with fresh heads, and its
    tokenizer: the starting point of training. Nothing is downloaded."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from stanceframe.model.errors import ModelError

    hf_logging.disable_progress_bar()  # keep stderr for our own progress
    torch.manual_seed(seed)
    try:
        tokenizer = AutoTokenizer.from_pretrained(base)
        encoder = AutoModel.from_pretrained(base)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"{base}: cannot load a base encoder (a local model directory or an installed "
            f"model name is needed; nothing is downloaded): {str(exc).splitlines()[0]}"
        ) from None
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(f"{base}: a fast (Rust) tokenizer is needed for character offsets")
    net = StanceFrameNet(encoder, len(schema.stance_labels), len(schema.frame_labels), dropout)
    return net, tokenizer
