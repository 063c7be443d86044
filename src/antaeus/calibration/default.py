"""The calibrated default: a finished calibration exported beside the built-in scenario.

``<name>.toml`` holds the posterior median of every calibrated parameter and the provenance
(data version, budget, seed, agents, date, the command that reproduces it); ``<name>.csv``
holds the weighted particles for ``antaeus run --posterior-draws``. The loader applies the
median to the built-in scenario, which is then marked calibrated.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import tomli_w

from ..data.record import data_version
from ..files import folder_for_files, write_together
from ..scenario import InputError, loader
from .posterior import Posterior


def check_fitted_versions(posterior: Posterior, scenario_name: str) -> None:
    """Refuse to make a posterior the default of a model, or of a record and mapping, that
    changed since it was fitted (a version the calibration did not record is not compared)."""
    fitted, now = posterior.meta.get("model_version"), loader.model_version(scenario_name)
    if fitted and fitted != now:
        raise InputError(f"the model changed since this calibration ran (model version {fitted} then, {now} now): "
                         "its posterior would be the default of another model", source="--export",
                         hint=f"rerun 'antaeus calibrate {scenario_name}' with the current source, then export")
    fitted, now = posterior.meta.get("data_version"), data_version()
    if fitted and fitted != now:
        raise InputError(f"the record or its mapping changed since this calibration ran (data version {fitted} "
                         f"then, {now} now): its posterior was fitted to other targets", source="--export",
                         hint=f"rerun 'antaeus calibrate {scenario_name}' with the current data, then export")


def export(posterior: Posterior, scenario_name: str, *, budget: str, seed: int, agents: int,
           workers: int | None = 1, out_dir: Path | None = None) -> list[Path]:
    out_dir = Path(out_dir) if out_dir else Path(str(loader.posterior_folder()))
    provenance = {
        "data_version": data_version(), "model_version": loader.model_version(scenario_name),
        "budget": budget, "seed": seed, "agents": agents,
        "generation": posterior.generation, "particles": int(len(posterior.weights)),
        "effective_particles": round(posterior.effective_particles, 1),
        **({} if np.isnan(posterior.pareto_k) else {"pareto_k": round(posterior.pareto_k, 2)}),
        "date": dt.date.today().isoformat(), "workers": workers if workers else "not recorded",
        "command": (f"antaeus calibrate {scenario_name} --budget {budget} --seed {seed}"
                    + (f" --workers {workers}" if workers else "")),  # the store does not change the result
        "reproducible": "bit for bit with any --workers: each particle is drawn from its own stream of the seed "
                        "(antaeus.calibration.sampler)",
    }
    summary = {row["parameter"]: {k: v for k, v in row.items() if k != "parameter"} for row in posterior.summary()}
    text = ("# Calibrated default of the built-in scenario (written by 'antaeus posterior --export').\n"
            + tomli_w.dumps({"provenance": provenance, "median": posterior.median(), "summary": summary}))

    def write_particles(tmp: Path) -> None:
        with tmp.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([*posterior.parameters, "weight"])
            for row, w in zip(posterior.particles, posterior.weights):
                writer.writerow([repr(float(x)) for x in row] + [repr(float(w))])

    with folder_for_files(out_dir):  # the median and its particles are replaced together or not at all
        return write_together([(out_dir / f"{scenario_name}.toml", lambda tmp: tmp.write_text(text, encoding="utf-8")),
                               (out_dir / f"{scenario_name}.csv", write_particles)])


