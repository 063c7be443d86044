"""The calibration's distance: pyabc's adaptive L1 distance whose fitted scales are logged.

pyabc fits the distance's scales before every generation from all of the previous
generation's simulations, accepted or not (``all_particles_for_scale``); the history keeps only
the accepted ones. So the scales fitted for each generation are written beside the history
(:func:`antaeus.calibration.scale_log.scale_log_path`), through a temporary file and a rename, and
``--resume`` gives the generation it resumes with the scales logged for it
(:func:`antaeus.calibration.scale_log.logged_scales`; docs/calibration.md, Interruption and resume).
"""
from __future__ import annotations

import json
from pathlib import Path

import pyabc

from ..files import write_atomic
from .scale_log import read_scale_log


class LoggedScalesDistance(pyabc.AdaptivePNormDistance):
    """pyabc's ``AdaptivePNormDistance``, which also writes the scale weights it fits for each
    generation to ``scale_log`` (JSON: generation -> statistic -> weight)."""

    def __init__(self, *args, scale_log: Path | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scale_log = scale_log

    def fit_scales(self, t: int, sample) -> None:
        super().fit_scales(t=t, sample=sample)
        if self.scale_log is None:
            return
        logged = read_scale_log(self.scale_log)
        logged[str(t)] = {k: float(w) for k, w in zip(self.sumstat.get_ids(), self.scale_weights[t])}
        write_atomic(self.scale_log, lambda tmp: tmp.write_text(json.dumps(logged), encoding="utf-8"))
