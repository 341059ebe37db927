"""The network: one transformer encoder shared by a stance head and a frame head.

Inputs are ``[CLS] sentence [SEP] target [SEP]`` for stance (or the sentence
alone when no target is asked for). A ``segment`` tensor marks sentence tokens
(0), target tokens (1), sentence tokens that mention the target (2) and
padding (-1), so pooling does not depend on the encoder having token-type
embeddings (RoBERTa-style models do not).

- frame head: mean of the sentence tokens -> one logit per frame (sigmoid);
- stance head: [mean of all tokens; mean of the target tokens; mean of the
  target's mentions in the sentence] -> one logit per stance label (softmax).
  Without the mention pool a small model learns the sentence's overall tone
  and gives every target in a sentence the same stance; the mention states
  carry what is said about *this* actor ("Kestria's refusal" vs "Valdoria,
  showing goodwill"). A sentence that never names the target (a pronoun, a
  capital city) has a zero mention pool and relies on the other two.
"""

from __future__ import annotations

import torch
from torch import nn


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
        self.stance_head = nn.Linear(3 * hidden, n_stance) if n_stance else None
        self.frame_head = nn.Linear(hidden, n_frames) if n_frames else None

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        segment: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        hidden = self.encoder(**kwargs).last_hidden_state
        hidden = self.dropout(hidden)
        sentence = masked_mean(hidden, (segment == 0) | (segment == 2))
        stance_logits = frame_logits = None
        if self.frame_head is not None:
            frame_logits = self.frame_head(sentence)
        if self.stance_head is not None:
            everything = masked_mean(hidden, segment >= 0)
            target = masked_mean(hidden, segment == 1)
            mention = masked_mean(hidden, segment == 2)
            stance_logits = self.stance_head(torch.cat([everything, target, mention], dim=-1))
        return stance_logits, frame_logits
