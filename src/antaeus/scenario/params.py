"""Parameter declarations, re-exported where the scenario layer's users look for them.

The definitions live in :mod:`antaeus.params` so that mechanisms can declare parameters
without importing the scenario package (which imports the mechanisms' models).
"""
from ..params import GUESS, ParameterInfo, free_entries, free_parameters, param

__all__ = ["GUESS", "ParameterInfo", "free_entries", "free_parameters", "param"]
