"""antaeus: an exploratory agent-based simulation of revolutionary constellations (Russia, 1917).

The public API, the same names the CLI uses::

    from antaeus import load_scenario, simulate, run
    out = run("russia1917", seed=7, agents=20_000, at=["1917-10-01"], store=None)
    out.result.power_log
"""
from antaeus import _kernel_cache

# Before any kernel is compiled: the compiled kernels are cached per version of the source.
_kernel_cache.configure()

# The scenario layer first: the mechanisms' parameter models import scenario.params, so
# loading the engine before the scenario package would enter that cycle from its far end.
from antaeus.scenario import (
    InputError,
    ParameterInfo,
    Scenario,
    ScenarioError,
    builtin_overlays,
    builtin_scenarios,
    free_parameters,
    load_scenario,
)
from antaeus.api import DEFAULT_SCENARIO, RunOutput, explore, run, scenario_toml
from antaeus.engine.result import Decision, Observable, PowerChange, Result
from antaeus.engine.simulate import simulate
from antaeus.store import DEFAULT_STORE_PATH, read_runs, read_table


def __getattr__(name: str):
    """What a command that only runs or checks never needs is loaded when first asked for:
    ``Exploration`` brings pandas, ``__version__`` the package metadata."""
    if name == "Exploration":
        from antaeus.experiments.exploration import Exploration
        return Exploration
    if name == "__version__":
        from importlib.metadata import version
        return version("antaeus")
    raise AttributeError(f"module 'antaeus' has no attribute {name!r}")

__all__ = [
    "DEFAULT_SCENARIO", "DEFAULT_STORE_PATH", "Decision", "Exploration", "InputError", "Observable",
    "ParameterInfo", "PowerChange", "Result", "RunOutput", "Scenario", "ScenarioError",
    "builtin_overlays", "builtin_scenarios", "explore", "free_parameters", "load_scenario", "read_runs",
    "read_table", "run", "scenario_toml", "simulate",
]
