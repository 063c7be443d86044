"""Calibration: ABC-SMC over a scenario's declared free parameters, and its posterior."""
from .abc import CalibrationRun, GenerationReport, calibrate, database_path, with_parameters
from .budget import PRESETS, Budget, parse_budget
from .posterior import Posterior, PredictiveCheck, load_posterior, predictive_check, write_posterior_plots

__all__ = ["PRESETS", "Budget", "CalibrationRun", "GenerationReport", "Posterior", "PredictiveCheck", "calibrate", "database_path",
           "load_posterior", "parse_budget", "predictive_check", "with_parameters", "write_posterior_plots"]
