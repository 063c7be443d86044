"""Scenario layer: schema, loader, patches and the built-in scenarios and overlays."""
from ..core.errors import InputError, ScenarioError
from .loader import builtin_overlays, builtin_scenarios, load_scenario
from .params import ParameterInfo, free_parameters
from .schema import Scenario

__all__ = ["InputError", "ParameterInfo", "Scenario", "ScenarioError", "builtin_overlays",
           "builtin_scenarios", "free_parameters", "load_scenario"]
