"""stanceframe: stance toward targets and framing devices in news sentences.

    import stanceframe as sf
    model = sf.load_model()
    model.predict(["Kestria cut the river, Valdoria said."], [["Kestria"]])

The package is assembled from the repository's top-level folders (see
pyproject.toml and ARCHITECTURE.md): ``data``, ``model``, ``eval``,
``output``, ``training`` and ``cli``; the functions here are the API
(``stanceframe.api``).
"""

from stanceframe.api import evaluate, load_model, score_corpus, train
from stanceframe.errors import StanceframeError

__version__ = "0.1.0"
__all__ = ["StanceframeError", "__version__", "evaluate", "load_model", "score_corpus", "train"]
