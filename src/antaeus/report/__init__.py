"""Reports of one run: figures for a first look at what happened."""
from antaeus.report.plots import write_plots

__all__ = ["write_plots"]
