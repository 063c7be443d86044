"""The posterior of a calibration: its summary, its plots and its posterior-predictive check.

The posterior is the last finished generation of the ABC-SMC history: weighted particles.
The calibrated default of a scenario is the weighted median of each parameter. The
posterior-predictive check simulates draws from the posterior with fresh seeds and asks
how often each target's recorded value falls inside the simulated 90% interval, and again
once each family's typical miss is added as a model error (``with_model_error``).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from statistics import NormalDist

import numpy as np

from ..experiments import seeds as seed_rule
from ..files import folder_for_files, save_figure
from ..engine.simulate import simulate
from ..options import check_memory, days_of, whole_number
from ..experiments.intervals import prediction_interval, rank
from ..scenario import InputError, Scenario
from . import targets
from .abc import parameter_path, to_natural, with_parameters
from .tail import effective_particles, pareto_k


@dataclass(frozen=True)
class Posterior:
    database: Path
    abc_id: int
    generation: int
    parameters: list[str]        # dotted paths
    particles: np.ndarray        # [n, k]
    weights: np.ndarray          # [n], summing to 1
    priors: dict[str, tuple[float, float]]
    meta: dict  # what the calibration was started with: scenario, budget, seed, agents
    #: every generation of the run, first to last: generation (1, 2, ...), tolerance, simulations,
    #: particles, acceptance, effective_particles, seconds (the sampling's wall-clock time)
    generations: list[dict] = field(default_factory=list)

    @property
    def effective_particles(self) -> float:
        """Kish's effective sample size 1 / sum(w^2) of the weights (Kish 1965): how many equally
        weighted particles the weighted sample is worth; the posterior's spread and median
        rest on about this many."""
        return effective_particles(self.weights)

    @cached_property  # a fit, read by the terminal, the JSON document and the export
    def pareto_k(self) -> float:
        """The tail index of the weights (``calibration.tail``): below 0.7 the weighted
        estimates can be trusted; at or above it a few particles decide them."""
        return pareto_k(self.weights)

    def quantile(self, q: float) -> dict[str, float]:
        return {p: weighted_quantile(self.particles[:, j], self.weights, q) for j, p in enumerate(self.parameters)}

    def median(self) -> dict[str, float]:
        return self.quantile(0.5)

    def summary(self) -> list[dict]:
        lo, med, hi = self.quantile(0.05), self.quantile(0.5), self.quantile(0.95)
        mean = self.weights @ self.particles
        return [{"parameter": p, "median": med[p], "q05": lo[p], "q95": hi[p], "mean": float(mean[j]),
                 "prior_low": self.priors[p][0], "prior_high": self.priors[p][1]}
                for j, p in enumerate(self.parameters)]

    def draw(self, k: int, seed: int) -> list[dict[str, float]]:
        """The particles of replications 0..k-1 of an ensemble with this seed (the seed rule)."""
        rows = seed_rule.posterior_rows(self.weights, seed, range(k))
        return [dict(zip(self.parameters, map(float, self.particles[i]))) for i in rows]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cdf = np.cumsum(w) - 0.5 * w
    cdf /= w.sum()
    return float(np.interp(q, cdf, v))


def load_posterior(database: str | Path, scenario: Scenario, abc_id: int | None = None) -> Posterior:
    database = Path(database)
    if not database.exists():
        raise InputError(f"no calibration found at {database}", source="--store",
                         hint="run 'antaeus calibrate' first (same --budget and --store)")
    import pyabc
    history = pyabc.History(f"sqlite:///{database.resolve()}")
    if abc_id is None:
        abc_id = max(r.id for r in history.all_runs())
    history.id = abc_id
    if history.max_t < 0:
        raise InputError(f"the calibration in {database} has no finished generation yet", source="--store",
                         hint="run 'antaeus calibrate --resume' with the same --budget and --store")
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    names = list(frame.columns)
    paths = [parameter_path(n) for n in names]
    priors = {p: tuple(scenario.calibration.parameters[p]) for p in paths}
    w = np.asarray(weights, float)
    meta = history.get_abc().json_parameters or {}
    meta = ast.literal_eval(meta) if isinstance(meta, str) else dict(meta)  # pyabc stores a repr
    values = np.array(frame[names].to_numpy(float))  # a copy: pandas may hand out a read-only view
    if meta.get("space") == "logit":  # the fit's coordinates back to the parameters' units
        for j, p in enumerate(paths):
            values[:, j] = [to_natural(z, *priors[p]) for z in values[:, j]]
    return Posterior(database, abc_id, history.max_t, paths, values, w / w.sum(), priors, meta,
                     _generations(history))


def _generations(history) -> list[dict]:
    """The run's schedule, generation by generation, as the history stores it: how the
    tolerance fell, what each generation cost and how many particles its weights are worth."""
    out = []
    for row in history.get_all_populations().query("t >= 0").sort_values("t").to_dict("records"):
        t = int(row["t"])
        simulations, particles = int(row["samples"]), int(row["particles"])
        out.append({"generation": t + 1, "tolerance": float(row["epsilon"]), "simulations": simulations,
                    "particles": particles, "acceptance": particles / simulations if simulations else None,
                    "effective_particles": effective_particles(history.get_distribution(m=0, t=t)[1]),
                    "seconds": float(row["wall_time"])})
    return out


@dataclass(frozen=True)
class PredictiveCheck:
    rows: list[dict]            # per target: key, observed, median, q05, q95 (the 90% prediction interval's
    #                             ends, experiments.intervals), inside, and the same with model error
    coverage: float             # share of targets inside their 90% prediction interval
    mae_share_points: float     # mean |median - observed| over share targets, percentage points
    coverage_with_error: float  # the same with each family's model error added (see with_model_error)


#: the standard normal on an even grid of 200 quantiles: the model error, added without random draws
_NORMAL_GRID = np.array([NormalDist().inv_cdf((i + 0.5) / 200) for i in range(200)])


def with_model_error(rows: list[dict], samples: dict[str, np.ndarray]) -> list[dict]:
    """Add to every row the 90% interval of the simulated draws plus a normal model error.

    The posterior-predictive interval holds the spread of the parameters and of the seeds,
    not how far the model's structure misses the record: a model that misses its targets by
    several points puts most of them outside intervals one point wide. Following the model
    discrepancy of Kennedy & O'Hagan (2001, JRSS B 63:425-464), each target gets a normal error
    whose s.d. is the root-mean-square miss (record less predictive median) of the targets of
    its family that belong to *other* observations. The categories of one observation share
    its misses (its shares sum to one: a remainder misses by what the others miss), so the
    whole observation is left out, and no target's miss widens its own interval. Where the
    family has no other observation, the other observations of its kind (shares, or log10
    counts) stand in. The interval is read at the ranks of the plain prediction interval
    (experiments.intervals), so that with no error it is that interval.
    """
    miss = {r["target"]: r["observed"] - r["median"] for r in rows}
    out = []
    for r in rows:
        k = r["target"]
        elsewhere = {j: m for j, m in miss.items() if targets.observation_of(j) != targets.observation_of(k)}
        others = [m for j, m in elsewhere.items() if targets.family_of(j) == targets.family_of(k)]
        if not others:
            others = [m for j, m in elsewhere.items() if targets.is_membership(j) == targets.is_membership(k)]
        sd = float(np.sqrt(np.mean(np.square(others)))) if others else 0.0
        draws = np.asarray(samples[k])
        pooled = (draws[:, None] + sd * _NORMAL_GRID[None, :]).ravel()
        # the mixture's quantiles at the plain interval's ranks: without error they are its order
        # statistics; the error can only widen the interval
        tail = (rank(draws.size, 0.9) - 0.5) / draws.size
        lo, hi = np.quantile(pooled, [tail, 1.0 - tail])
        lo, hi = min(lo, r["q05"]), max(hi, r["q95"])
        out.append({**r, "model_error": sd, "q05_with_error": float(lo), "q95_with_error": float(hi),
                    "inside_with_error": bool(lo <= r["observed"] <= hi)})
    return out


def predictive_check(posterior: Posterior, scenario: Scenario, draws: int = 20, agents: int | None = None,
                     seed: int = 1) -> PredictiveCheck:
    agents = scenario.calibration.agents if agents is None else \
        whole_number(agents, "--agents", 1, None, "give a positive number of agents, or leave it out")
    check_memory(agents, days_of(scenario))
    samples: dict[str, list[float]] = {}
    observed: dict[str, float] = {}
    for i, values in enumerate(posterior.draw(draws, seed)):
        result = simulate(with_parameters(scenario, values), seed_rule.replication_seed(seed, i), agents)
        if not observed:
            observed = targets.observed_statistics(result)
        for k, value in targets.simulated_statistics(result, observed).items():
            samples.setdefault(k, []).append(value)
    rows, errors = [], []
    for k, values in samples.items():
        arr = np.asarray(values)
        q05, q95 = prediction_interval(arr, 0.9)  # order statistics: holds a further draw with 90%
        med = float(np.median(arr))
        obs = observed[k]
        rows.append({"target": k, "observed": obs, "median": float(med), "q05": float(q05), "q95": float(q95),
                     "inside": bool(q05 <= obs <= q95)})
        if not targets.is_membership(k):
            errors.append(abs(med - obs) * 100)
    rows = with_model_error(rows, {k: np.asarray(v) for k, v in samples.items()})
    coverage = float(np.mean([r["inside"] for r in rows])) if rows else float("nan")
    with_error = float(np.mean([r["inside_with_error"] for r in rows])) if rows else float("nan")
    return PredictiveCheck(rows, coverage, float(np.mean(errors)) if errors else float("nan"), with_error)


def write_posterior_plots(posterior: Posterior, out_dir: Path) -> list[Path]:
    """Marginal histograms and a pair plot of the posterior, as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    k = len(posterior.parameters)
    cols = 4
    fig = Figure(figsize=(3.2 * cols, 2.4 * -(-k // cols)), dpi=100)
    FigureCanvasAgg(fig)
    for j, p in enumerate(posterior.parameters):
        ax = fig.add_subplot(-(-k // cols), cols, j + 1)
        ax.hist(posterior.particles[:, j], bins=20, weights=posterior.weights, range=posterior.priors[p],
                color="#4c72b0")
        ax.set_title(p.split(".", 1)[-1], fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(f"Posterior marginals (generation {posterior.generation}); x range = prior")
    fig.tight_layout()
    marginals = out_dir / "posterior_marginals.png"
    with folder_for_files(out_dir):
        save_figure(fig, marginals)

    fig = _pair_figure(posterior)
    pairs = out_dir / "posterior_pairs.png"
    save_figure(fig, pairs)
    return [marginals, pairs]


def _pair_figure(posterior: Posterior):
    """Every pair of parameters in one axes: the grid's cell (a, b) holds the particles' values
    of parameter b against parameter a, each scaled to its prior range, coloured by weight; the
    diagonal holds each parameter's weighted histogram. One axes instead of k² subplots: with
    38 parameters matplotlib spent about 40 s making 1,444 axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names, k = posterior.parameters, len(posterior.parameters)
    short = [p.split(".", 1)[-1] for p in names]  # as the marginals name them
    lo = np.array([posterior.priors[p][0] for p in names], float)
    span = np.array([posterior.priors[p][1] for p in names], float) - lo
    unit = (posterior.particles - lo) / np.where(span > 0, span, 1.0)
    pad, inner = 0.06, 0.88
    a, b = np.nonzero(~np.eye(k, dtype=bool))  # every off-diagonal cell, row a and column b
    x = (b[:, None] + pad + inner * unit[:, b].T).ravel()
    y = (k - 1 - a[:, None] + pad + inner * unit[:, a].T).ravel()
    grid, margin = max(4.0, 0.45 * k), 1.8  # inches: the cells, and the names below and left of them
    side = grid + margin + 0.5  # and the title above
    fig = Figure(figsize=(side, side), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((margin / side, margin / side, grid / side, grid / side))
    ax.scatter(x, y, s=1.0, c=np.tile(posterior.weights, len(a)), cmap="viridis", linewidths=0)
    for j in range(k):
        counts, edges = np.histogram(unit[:, j], bins=15, range=(0.0, 1.0), weights=posterior.weights)
        base = k - 1 - j + pad
        ax.stairs(base + inner * counts / (counts.max() or 1.0), j + pad + inner * edges, baseline=base,
                  fill=True, color="#4c72b0")
    ax.set_xlim(0, k), ax.set_ylim(0, k)
    ax.set_xticks(np.arange(k) + 0.5, short, rotation=90, fontsize=6)
    ax.set_yticks(np.arange(k) + 0.5, short[::-1], fontsize=6)
    ax.set_xticks(np.arange(k + 1), minor=True), ax.set_yticks(np.arange(k + 1), minor=True)
    ax.grid(which="minor", color="#bbbbbb", linewidth=0.4)
    ax.tick_params(which="minor", length=0)
    ax.set_title(f"Posterior pairs (generation {posterior.generation}); each axis spans the prior", fontsize=9)
    return fig
