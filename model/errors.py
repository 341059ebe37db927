"""Model errors: a missing, incomplete or mismatched model directory."""

from stanceframe.data.errors import StanceframeError


class ModelError(StanceframeError):
    """The model cannot be loaded or used; the message says what to do."""
