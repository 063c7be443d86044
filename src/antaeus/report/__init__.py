"""Reports of one run: figures for a first look at what happened.

Matplotlib is loaded with the first figure, not with the package: a command that draws nothing
(``--no-plots``, ``--json``, ``--help``) starts about a second sooner.
"""
__all__ = ["write_plots"]


def __getattr__(name: str):
    if name == "write_plots":
        from antaeus.report.plots import write_plots
        return write_plots
    raise AttributeError(f"module 'antaeus.report' has no attribute {name!r}")
