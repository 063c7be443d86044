"""The log of a calibration's fitted distance scales, beside its history.

pyabc fits the distance's scales before each generation from all of the previous generation's
simulations, accepted or not, and keeps only the accepted ones; the scales are logged as they
are fitted (:class:`antaeus.calibration.distance.LoggedScalesDistance`) so that ``--resume``
can give a generation the scales an uninterrupted run gave it (docs/calibration.md,
Interruption and resume). Plain JSON, read without pyabc.
"""
from __future__ import annotations

import json
from pathlib import Path


def scale_log_path(db: Path) -> Path:
    """Where a calibration history's fitted scale weights are logged, beside it."""
    return db.with_name(db.stem + ".scales.json")


def read_scale_log(log: Path) -> dict:
    """The logged scale weights (generation -> statistic -> weight); empty where there is no
    readable log."""
    try:
        logged = json.loads(log.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return logged if isinstance(logged, dict) else {}


def logged_scales(log: Path, t: int) -> dict[str, float] | None:
    """The scale weights fitted for generation ``t`` before it began, as logged; None where the
    log lacks them (a history from before the log, or one stopped between storing a generation
    and fitting the next one's scales).

    Why: pyabc fits the scales before each generation from all of the previous generation's
    simulations, accepted or not, but a resumed run can only fit them again from the accepted
    particles the history keeps, which lie closer together, so its last generations would be
    accepted under another distance than an uninterrupted run's."""
    weights = read_scale_log(log).get(str(t))
    return {str(k): float(v) for k, v in weights.items()} if isinstance(weights, dict) else None
