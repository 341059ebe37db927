"""Default training budgets of the public benchmarks (``stanceframe benchmark``).

Kept apart from ``benchmarks.py`` so the command's ``--help`` can state them
without importing the training code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Training budget: epochs, tokens per (sentence, target) input, training rows."""

    epochs: int
    max_length: int
    max_train: int  # training rows (sentences) kept by a seeded sample; 0 = all


# Sized for 2 CPU cores and the bundled MiniLM-L6 encoder. Measured on an
# otherwise idle 2-core machine: about 4.7 batches of 16 pairs per second
# (forward, backward, fused AdamW), so SemEval (2.9k pairs x 4 epochs) trains
# in about 3 minutes and NewsMTSC (8.7k pairs x 3 epochs) in about 10, well
# inside 30 minutes with dev and test prediction. A busy machine is several
# times slower: lower --epochs or --max-train there.
DEFAULT_BUDGETS: dict[str, Budget] = {
    "semeval2016": Budget(epochs=4, max_length=96, max_train=0),
    "newsmtsc": Budget(epochs=3, max_length=128, max_train=0),
}
