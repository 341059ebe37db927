"""stanceframe: stance toward targets and framing devices in news sentences.

The package is assembled from the repository's top-level folders (see
pyproject.toml): ``data`` (schema, IO, validation, splits, sentence splitting),
``model`` (encoder + two heads, predict, article scoring), ``eval`` (metrics,
baselines, reports), ``training`` (config, loop, default model) and ``cli``.
"""

__version__ = "0.1.0"
