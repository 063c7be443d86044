"""The population as flat arrays (struct of arrays), sorted by region, group and locale.

Each locale (a factory, regiment, ship or village) holds one group in one region and is a
contiguous slice of every agent array, so a locale's influence and counts are computed by
one thread in a fixed order: results do not depend on threads or chunking. Each agent
stands for ``weight`` people.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..scenario.schema import ISSUES, Scenario
from ..core import rng


@dataclass
class Layout:
    """Where each region-group cell and each locale sits in the agent arrays."""

    weight: float                 # people per agent
    cell_agents: np.ndarray       # [R,G] int64
    locale_start: np.ndarray      # [L+1] int64, agent offsets
    locale_region: np.ndarray     # [L] uint8
    locale_group: np.ndarray      # [L] uint8
    cell_locale_start: np.ndarray  # [R*G+1] int64, locale offsets of each cell

    @property
    def locales(self) -> int:
        return len(self.locale_region)


@dataclass
class Agents:
    """Per-agent state. 46 bytes per agent."""

    hardship: np.ndarray       # float32, Epstein's H ~ U(0,1), fixed
    risk_aversion: np.ndarray  # float32, R
    threshold: np.ndarray      # float32, T
    demand: np.ndarray         # float32 [4,N]: peace, land, bread, power, one row per issue (the kernel's
                               # loops over a locale's people then read contiguous memory and vectorise)
    march_demand: np.ndarray   # uint8 [4,N]: the person's own March demands in 255ths, what they return to
    legitimacy: np.ndarray     # float32, perceived legitimacy of the government
    party: np.ndarray          # uint8, party supported
    attachment: np.ndarray     # float32, strength of the attachment
    active: np.ndarray         # uint8, 1 when active today
    fatigue: np.ndarray        # float32, running mean of the person's own days in action

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in vars(self).values())


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integer counts proportional to ``weights`` summing exactly to ``total`` (Hamilton's method)."""
    quota = weights / weights.sum() * total
    counts = np.floor(quota).astype(np.int64)
    short = total - counts.sum()
    order = np.lexsort((np.arange(quota.size), -(quota - counts).ravel()))
    counts.ravel()[order[:short]] += 1
    return counts


def layout(scenario: Scenario, n_agents: int) -> Layout:
    regions, groups = list(scenario.regions), list(scenario.groups)
    people = np.array([[scenario.regions[r].population.get(g, 0.0) for g in groups] for r in regions])
    cell_agents = largest_remainder(people.ravel(), n_agents).reshape(people.shape)
    per_locale = [g.agents_per_locale or scenario.agents_per_locale for g in scenario.groups.values()]
    sizes, reg, grp, cell_start = [], [], [], [0]
    for ri in range(len(regions)):
        for gi in range(len(groups)):
            n = int(cell_agents[ri, gi])
            k = -(-n // per_locale[gi])
            if k:
                base, extra = divmod(n, k)
                sizes.extend([base + 1] * extra + [base] * (k - extra))
                reg.extend([ri] * k)
                grp.extend([gi] * k)
            cell_start.append(len(sizes))
    locale_start = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=locale_start[1:])
    return Layout(people.sum() / n_agents, cell_agents, locale_start,
                  np.asarray(reg, np.uint8), np.asarray(grp, np.uint8), np.asarray(cell_start, np.int64))


# One pass in locale order: a parallel loop gained little (every draw is keyed by the agent, so
# the population is the same either way) and its compilation took 7 s of the first run's 46.
@njit(cache=True)
def _draw(seed, locale_start, locale_region, locale_group, demand0, spread, support_cdf, risk_mean, legit0, legit_sd,
          thr, thr_sd, hardship, risk, threshold, demand, march_demand, legitimacy, party, attachment):
    for l in range(locale_start.size - 1):
        g, reg = locale_group[l], locale_region[l]
        for i in range(locale_start[l], locale_start[l + 1]):
            hardship[i] = rng.uniform(seed, rng.STREAM_POPULATION, 0, i, 0)
            r = rng.uniform(seed, rng.STREAM_POPULATION, 0, i, 1) * 2.0 * risk_mean[g]
            risk[i] = min(r, 1.0)
            threshold[i] = max(0.0, thr + thr_sd * rng.normal(seed, rng.STREAM_POPULATION, 0, i, 1))
            for k in range(4):
                d = demand0[g, k] + spread * rng.normal(seed, rng.STREAM_POPULATION, 0, i, 2 + k)
                q = np.uint8(round(min(max(d, 0.0), 1.0) * 255.0))
                march_demand[k, i] = q
                demand[k, i] = q / 255.0
            lg = legit0 + legit_sd * rng.normal(seed, rng.STREAM_POPULATION, 0, i, 6)
            legitimacy[i] = min(max(lg, 0.0), 1.0)
            u = rng.uniform(seed, rng.STREAM_POPULATION, 0, i, 20)
            p = 0
            while p < support_cdf.shape[2] - 1 and u > support_cdf[reg, g, p]:
                p += 1
            party[i] = p
            attachment[i] = 0.3 + 0.7 * rng.uniform(seed, rng.STREAM_POPULATION, 0, i, 21)


@njit(cache=True)
def _region_sums(locale_start, locale_region, demand, legitimacy, out):
    for l in range(locale_region.size):
        r = locale_region[l]
        for i in range(locale_start[l], locale_start[l + 1]):
            for k in range(4):
                out[r, k] += demand[k, i]
            out[r, 4] += legitimacy[i]


def region_totals(lay: Layout, people: Agents, regions: int) -> np.ndarray:
    """Summed demands and legitimacy of each region's people [R,5], in agent order and
    without a per-agent temporary; the caller divides by the region's head-count."""
    sums = np.zeros((regions, 5))
    _region_sums(lay.locale_start, lay.locale_region, people.demand, people.legitimacy, sums)
    return sums


def initial_support(scenario: Scenario, region: str, group: str) -> dict[str, float]:
    """A group's initial party weights in a region: the region's own where it gives them."""
    return scenario.regions[region].initial_support.get(group, scenario.groups[group].initial_support)


def populate(scenario: Scenario, lay: Layout, seed: int) -> Agents:
    groups, parties = list(scenario.groups), list(scenario.parties)
    n = int(lay.locale_start[-1])
    demand0 = np.array([scenario.groups[g].demands.as_tuple() for g in groups])
    weights = np.array([[[initial_support(scenario, r, g).get(p, 0.0) * scenario.parties[p].available
                          for p in parties] for g in groups] for r in scenario.regions])
    cdf = np.cumsum(weights / np.maximum(weights.sum(axis=2, keepdims=True), 1e-300), axis=2)
    risk_mean = np.array([scenario.groups[g].risk_aversion for g in groups])
    mob = scenario.parameters.mobilisation
    a = Agents(np.empty(n, np.float32), np.empty(n, np.float32), np.empty(n, np.float32),
               np.empty((len(ISSUES), n), np.float32), np.empty((len(ISSUES), n), np.uint8), np.empty(n, np.float32),
               np.empty(n, np.uint8), np.empty(n, np.float32), np.zeros(n, np.uint8), np.zeros(n, np.float32))
    _draw(seed, lay.locale_start, lay.locale_region, lay.locale_group, demand0, scenario.parameters.demands.spread,
          cdf, risk_mean,
          scenario.government.legitimacy, scenario.government.legitimacy_sd,
          mob.threshold, mob.threshold_sd,
          a.hardship, a.risk_aversion, a.threshold, a.demand, a.march_demand, a.legitimacy, a.party, a.attachment)
    return a
