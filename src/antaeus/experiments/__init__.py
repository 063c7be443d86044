"""Experiments built on many runs: checks of the model against the historical record."""
from .history_check import HistoryCheck, history_check

__all__ = ["HistoryCheck", "history_check"]
