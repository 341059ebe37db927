"""Model layer: encoder + stance head + frame head, save/load, predict, scoring."""

from stanceframe.model.defaults import default_base_model
from stanceframe.model.errors import ModelError
from stanceframe.model.predictor import Predictor
from stanceframe.model.store import load_model, save_model

__all__ = ["ModelError", "Predictor", "default_base_model", "load_model", "save_model"]
