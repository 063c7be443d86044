"""What each mechanism does, tested on the real kernels and on small whole runs.

Three levels:

* the per-person rules in ``antaeus.mechanisms`` called directly (Epstein's rule A, bounded
  confidence, the lens, random utility, soviet re-election, congress weighting, ...);
* the fused daily kernel ``antaeus.engine.step.advance`` on a synthetic town of a few
  locales, with parameters set *by name* through ``step.theta`` (so a parameter wired to the
  wrong slot of the kernel fails here);
* whole runs of ``simulate`` at 10,000-20,000 agents with ``--set`` style changes against
  the same-seed baseline.

The default parameter values are being tuned, so the assertions are about directions and
mechanisms, never about historical outcomes.
"""
from __future__ import annotations

import datetime as dt
import math

import numba
import numpy as np
import pytest

from antaeus.core import rng
from antaeus.engine import step
from antaeus.engine.simulate import simulate
from antaeus.mechanisms import decisions, demands, desertion, influence, legitimacy, membership, mobilisation
from antaeus.mechanisms import soviets, support, war
from antaeus.mechanisms.parameters import MechanismParameters
from antaeus.scenario import load_scenario

SEED = 7
AGENTS = 10_000


# ==========================================================================================
# A synthetic town for the fused kernel: one region, one group, a few equal locales.
# ==========================================================================================
def params(**sections) -> MechanismParameters:
    """Mechanism parameters with some fields changed: params(mobilisation={"cascade_weight": 0})."""
    base = MechanismParameters()
    # validated, so a misspelt or vanished parameter, or one out of bounds, fails loudly
    return MechanismParameters.model_validate({**base.model_dump(), **{
        k: {**getattr(base, k).model_dump(), **v} for k, v in sections.items()}})


# Parameters that make one day of the kernel a pure function of the quantity under test:
# nothing drifts (no adaptation, no influence, no party change) unless a test switches it on.
STILL = dict(
    demands={"adaptation_rate": 0.0},
    influence={"mu": 0.0, "interlocale_weight": 0.0},
    legitimacy={"adaptation_rate": 0.0},
    support={"reconsider_rate": 0.0},
    mobilisation={"cascade_weight": 0.0, "fatigue_weight": 0.0, "village_occasion": 1.0},
)


def still(**changes) -> MechanismParameters:
    merged = {k: dict(v) for k, v in STILL.items()}
    for k, v in changes.items():
        merged.setdefault(k, {}).update(v)
    return params(**merged)


class Town:
    """The agent arrays and world arrays ``step.advance`` reads, with the dtypes the engine uses."""

    def __init__(self, locales=8, size=64, parties=2):
        n = locales * size
        self.size, self.n, self.L, self.P = size, n, locales, parties
        ramp = (np.arange(size) + 0.5) / size                       # 0..1 within every locale
        perm = np.random.default_rng(0).permutation(size)
        self.locale_start = np.arange(0, n + 1, size, dtype=np.int64)
        self.locale_region = np.zeros(locales, np.uint8)
        self.locale_group = np.zeros(locales, np.uint8)
        self.village = np.zeros(locales)                            # no villages: every locale acts person by person
        self.hardship = np.tile(ramp, locales).astype(np.float32)
        self.risk = np.tile(0.6 * ramp[perm], locales).astype(np.float32)
        self.threshold = np.full(n, 0.1, np.float32)
        # the engine keeps demands one row per issue [4,n]; the tests index them per person [n,4] (a view)
        self.demand = np.full((4, n), 0.5, np.float32).T
        self.legit = np.full(n, 0.4, np.float32)
        self.party = np.zeros(n, np.uint8)
        self.attachment = np.full(n, 0.5, np.float32)
        self.active = np.zeros(n, np.uint8)
        self.fatigue = np.zeros(n, np.float32)
        self.drivers = np.array([[0.5, 0.5, 0.5]])                  # bread, war, land
        self.march = np.zeros((1, 3))                               # the drivers on the first day
        self.legitimacy0 = 1.0                                      # the government's starting legitimacy
        self.march_policy = np.ones(4)                              # met every March demand: no March shortfall
        self.exposure = np.array([[1.0, 1.0, 1.0, 1.0]])           # bread, war, land, power
        self.march_demand = np.full((4, n), 128, np.uint8).T        # each person's March demands, 255ths
        self.policy = np.array([0.3, 0.3, 0.3, 0.3])
        self.platforms = np.tile(np.array([0.5, 0.5, 0.5, 0.5]), (parties, 1))
        self.available = np.ones(parties, dtype=bool)
        self.governing = np.zeros(parties, dtype=bool)
        self.log_reach = np.zeros((parties, 1))
        self.region_mean = np.array([[0.5, 0.5, 0.5, 0.5, 0.4]])
        self.repression = np.array([0.0])
        self.busy = np.zeros((1, 1))                                # no field work
        self.prev_active = np.zeros(locales, np.int32)
        self.regime_shift = np.zeros(1)                             # [R] no old regime rules
        self.polling = False                                        # no popular election today
        self.example = np.zeros(1)                                  # [R] no village in action yesterday

    def day(self, p: MechanismParameters, day=1, seed=SEED, chunk=3, faction=(-1, -1)):
        """Advance one day; return the per-locale outputs as a dict. ``faction``: the party that
        can split and its parent (-1: none)."""
        out = dict(party=np.zeros((self.L, self.P), np.int32),
                   radical=np.zeros((self.L, self.P), np.int32), sums=np.zeros((self.L, 5)),
                   active=np.zeros(self.L, np.int32), onsets=np.zeros(self.L, np.int32),
                   loyal=np.zeros(self.L, np.int32), leaning=np.zeros(self.L, np.float64),
                   closer=np.zeros(self.L, np.float64), votes=np.full((self.L, self.P), -1.0))
        step.advance(seed, day, chunk, step.theta(p),
                     step.Locales(self.locale_start, self.locale_region, self.locale_group, self.village),
                     step.People(self.hardship, self.risk, self.threshold, self.demand.T, self.legit, self.party,
                                 self.attachment, self.active, self.fatigue, self.march_demand.T),
                     step.Today(self.drivers, self.march, self.legitimacy0, self.march_policy, self.exposure,
                                self.policy, self.platforms, self.available, self.governing, self.log_reach,
                                self.region_mean, self.repression, self.busy, self.prev_active, *faction,
                                self.regime_shift, self.polling, self.example),
                     step.Counts(**out))
        return out

    def start_at(self, demand: float):
        """Everyone's March demands, and today's, at ``demand`` (a multiple of 1/255)."""
        self.march_demand[:] = round(demand * 255)
        self.demand[:] = self.march_demand / 255.0


def active_count(town: Town, p: MechanismParameters) -> int:
    return int(town.day(p)["active"].sum())


# ==========================================================================================
# Mobilisation: Epstein (2002) rule A with a Granovetter cascade
# ==========================================================================================
def test_arrest_probability_epstein_calibration():
    # k = 2.3 gives P = 0.9 at C = A = 1, and A counts the agent itself (actives = 0).
    assert mobilisation.arrest_probability(2.3, 1.0, 0) == pytest.approx(1 - math.exp(-2.3), rel=1e-12)
    assert mobilisation.arrest_probability(2.3, 1.0, 0) == pytest.approx(0.8997, abs=1e-4)
    assert mobilisation.arrest_probability(2.3, 1.0, 9) == pytest.approx(1 - math.exp(-0.23), rel=1e-12)
    assert mobilisation.arrest_probability(2.3, 0.0, 5) == 0.0
    ps = [mobilisation.arrest_probability(2.3, c, 3) for c in (0.5, 1.0, 2.0, 4.0)]
    assert ps == sorted(ps) and len(set(ps)) == 4            # more cops, more risk
    qs = [mobilisation.arrest_probability(2.3, 1.0, a) for a in (0, 1, 5, 50)]
    assert qs == sorted(qs, reverse=True) and len(set(qs)) == 4  # safety in numbers


def test_rule_a_is_a_strict_inequality():
    g = mobilisation.grievance(0.5, 0.2)
    assert g == pytest.approx(0.4)
    # exact binary fractions: G - R P == T exactly, so not active
    assert not mobilisation.is_active(0.75, 0.5, 0.5, 0.5)
    assert mobilisation.is_active(0.75 + 2 ** -40, 0.5, 0.5, 0.5)
    assert not mobilisation.is_active(0.25, 0.0, 0.9, 0.25)
    assert mobilisation.is_active(0.25, 0.0, 0.9, 0.25 - 2 ** -40)
    # risk aversion times arrest probability deters
    assert mobilisation.is_active(0.6, 0.2, 0.9, 0.1) and not mobilisation.is_active(0.6, 0.6, 0.9, 0.1)


def test_kernel_active_count_is_rule_a_exactly():
    """With no repression and nothing drifting, the kernel's count is #{H * felt * (1 - L) > T}."""
    town = Town()
    for scale in (0.1, 0.3, 0.6, 1.2):
        p = still(mobilisation={"hardship_scale": scale})
        felt = min(scale * (1.0 * 0.5 + 1.0 * 0.5 + 1.0 * 0.5), 1.0)
        grievance = (town.hardship.astype(np.float64) * felt) * (1.0 - town.legit.astype(np.float64))
        expected = int((grievance - 0.0 > town.threshold.astype(np.float64)).sum())
        assert active_count(town, p) == expected, scale


def test_under_the_old_regime_grievances_are_measured_against_its_legitimacy():
    """While the old regime rules, rule A reads each person's legitimacy moved by the shift
    (clipped to 0..1), and only the mobilisation: the legitimacy they keep is untouched."""
    town = Town()
    p = still(mobilisation={"hardship_scale": 0.6})
    felt = min(0.6 * 1.5, 1.0)
    legit = town.legit.astype(np.float64).copy()
    counts = []
    for shift in (0.0, -0.2, -0.4, -1.0):
        town.regime_shift[:] = shift
        town.active[:] = 0
        seen = np.clip(legit + shift, 0.0, 1.0)
        expected = int((town.hardship.astype(np.float64) * felt * (1.0 - seen) > town.threshold).sum())
        assert active_count(town, p) == expected, shift
        counts.append(expected)
        assert np.array_equal(town.legit, legit.astype(np.float32))  # the kept legitimacy does not move
    assert counts[0] < counts[1] < counts[2] == counts[3], counts  # at -0.4 every legitimacy is clipped to 0


def test_more_hardship_more_mobilisation_in_the_kernel():
    town = Town()
    town.repression[:] = 0.5
    town.drivers[0] = (0.2, 0.2, 0.2)  # felt hardship = scale x 0.6, below its cap of 1

    def mob(scale):
        return still(mobilisation={"hardship_scale": scale, "arrest_constant": 2.3, "cop_ratio": 1.0 / town.size})

    counts = [active_count(town, mob(s)) for s in (0.0, 0.5, 0.9, 1.3, 1.6)]
    assert counts[0] == 0
    assert all(a < b for a, b in zip(counts, counts[1:])), counts
    # the same through the drivers themselves
    by_driver = []
    for bread in (0.0, 0.3, 0.6, 0.9):
        town.drivers[0, 0] = bread
        by_driver.append(active_count(town, mob(0.5)))
    assert all(a < b for a, b in zip(by_driver, by_driver[1:])), by_driver


def test_repression_deters_and_crowds_protect():
    town = Town()
    # C = repression x cop_ratio x locale size = repression, so P = 1 - exp(-2.3 repression / A)
    p = still(mobilisation={"hardship_scale": 1.0, "arrest_constant": 2.3, "cop_ratio": 1.0 / town.size})
    counts = []
    for c in (0.0, 0.05, 0.2, 1.0):
        town.repression[:] = c
        counts.append(active_count(town, p))
    assert all(a > b for a, b in zip(counts, counts[1:])), counts
    # many active yesterday lower the arrest risk (A grows) even with no cascade term
    town.repression[:] = 0.2
    alone = active_count(town, p)
    town.prev_active[:] = town.size
    assert active_count(town, p) > alone


def test_granovetter_cascade_lowers_thresholds():
    town = Town()
    town.prev_active[:] = town.size // 2
    base = active_count(town, still(mobilisation={"hardship_scale": 0.5, "cascade_weight": 0.0}))
    casc = active_count(town, still(mobilisation={"hardship_scale": 0.5, "cascade_weight": 0.3}))
    assert casc > base
    town.prev_active[:] = 0  # nobody active yesterday: the cascade weight changes nothing
    assert (active_count(town, still(mobilisation={"hardship_scale": 0.5, "cascade_weight": 0.0}))
            == active_count(town, still(mobilisation={"hardship_scale": 0.5, "cascade_weight": 0.3})))


def test_onsets_count_only_the_newly_active():
    town = Town()
    p = still(mobilisation={"hardship_scale": 1.0})
    first = town.day(p)
    assert (first["onsets"] == first["active"]).all() and first["active"].sum() > 0
    second = town.day(p)  # same people active again: no new onsets
    assert second["active"].sum() == first["active"].sum() and second["onsets"].sum() == 0


def _days_in_action(town: Town, p: MechanismParameters, days: int) -> np.ndarray:
    """Who was active on each of ``days`` days: bool [days, people]."""
    out = np.zeros((days, town.n), bool)
    for d in range(days):
        town.day(p, day=d + 1)
        out[d] = town.active == 1
    return out


def _runs(flags: np.ndarray) -> list[int]:
    """Lengths of the runs of True in one person's days."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1))


def test_fatigue_makes_people_act_in_episodes_graded_by_grievance():
    # G = H x 0.6 with H spread evenly over (0, 1): the margin over T = 0.1 grows with H
    tired = still(mobilisation={"hardship_scale": 1.0, "fatigue_weight": 1.0, "fatigue_days": 10.0,
                                "rejoin_share": 0.5})
    fresh = still(mobilisation={"hardship_scale": 1.0})
    plain = _days_in_action(Town(), fresh, 120)
    acts = _days_in_action(Town(), tired, 120)
    # the first day nobody is tired yet: exactly Epstein's rule A
    np.testing.assert_array_equal(acts[0], plain[0])
    # without fatigue whoever acts acts every day; with it nobody with a margin below the cost does
    assert (plain.all(axis=0) == plain[0]).all() and plain[0].sum() > 0
    late = acts[40:].mean(axis=0)                  # share of days in action once fatigue has built up
    assert late.max() < 1.0 and late[plain[0]].min() > 0.0
    assert not late[~plain[0]].any()               # fatigue never makes anyone act
    # graded: by band of hardship, the share of days in action rises with grievance
    h = Town().hardship
    by_h = [late[(h >= lo) & (h < lo + 0.25)].mean() for lo in (0.25, 0.5, 0.75)]
    assert all(a < b for a, b in zip(by_h, by_h[1:])), by_h
    # episodes, not alternate days: a rest lasts several days
    rests = [r for i in np.flatnonzero(plain[0]) for r in _runs(~acts[40:, i])[1:-1]]
    assert rests and np.mean(rests) > 5.0          # 9 days here; about 2.5 with no rest beyond the threshold


def test_rejoin_share_lengthens_the_rest():
    def mean_rest(share):
        p = still(mobilisation={"hardship_scale": 1.0, "fatigue_weight": 1.0, "fatigue_days": 10.0,
                                "rejoin_share": share})
        acts = _days_in_action(Town(), p, 120)
        return np.mean([r for i in range(acts.shape[1]) for r in _runs(~acts[40:, i])[1:-1]]), acts[40:].mean()

    (long_rest, less), (short_rest, more) = mean_rest(0.3), mean_rest(1.0)
    assert long_rest > short_rest and less < more


def _villages(factors) -> Town:
    """A town whose locales are villages with the given conditions (felt hardship 1 times the factor)."""
    town = Town(locales=len(factors))
    town.village = np.asarray(factors, np.float64)
    return town


def test_a_village_acts_as_one_when_its_assembly_majority_is_for_it():
    """Each person's own verdict is rule A on H x factor x (1 - L) > T; the village acts, every
    person in it, when more than the majority are for it, and the cascade plays no part."""
    factors = [0.2, 0.3, 0.4, 0.55, 0.7, 1.0, 2.0, 0.0]          # the last locale is no village
    for majority in (0.5, 0.67):
        for cascade in (0.0, 1.5):
            p = still(mobilisation={"hardship_scale": 1.0, "village_majority": majority, "cascade_weight": cascade})
            town = _villages(factors)
            town.prev_active[:] = town.size                       # yesterday all out: a cascade would pull everyone
            out = town.day(p)
            h = town.hardship.reshape(town.L, town.size).astype(np.float64)
            ayes = (h * np.array(factors)[:, None] * 0.6 > 0.1).sum(axis=1)
            acts = ayes > majority * town.size
            expected = np.where(acts, town.size, 0)
            np.testing.assert_array_equal(out["active"][:-1], expected[:-1])
            np.testing.assert_array_equal(out["onsets"][:-1], expected[:-1])
            assert set(town.active.reshape(town.L, town.size)[:-1].sum(axis=1)) <= {0, town.size}
            # where the locale is no village people act one by one, and the cascade pulls them all
            assert (0 < out["active"][-1] < town.size) if cascade == 0 else out["active"][-1] == town.size
        # the majority decides: the stricter assembly stays home where the simple one acts
        assert acts.sum() >= 3 and not acts[0]
    loose = _villages([0.4]).day(still(mobilisation={"hardship_scale": 1.0, "village_majority": 0.5}))["active"][0]
    strict = _villages([0.4]).day(still(mobilisation={"hardship_scale": 1.0, "village_majority": 0.67}))["active"][0]
    assert loose == 64 and strict == 0


def test_what_a_village_takes_ends_its_action_until_its_memory_fades():
    """With nothing taken a hungry village acts every day; what it takes answers its hunger, so
    it stops, and it rises again once its memory of the season has faded."""
    def days(taken):
        p = still(mobilisation={"hardship_scale": 1.0, "village_taken": taken, "village_memory_days": 20.0})
        return _days_in_action(_villages([1.0]), p, 150)[:, 0]

    always, paced = days(0.0), days(1.0)
    assert always.all()
    # it stops once 1 - 1/(6 (1 - taken x fatigue)) falls to one half: fatigue 2/3, after about 21 days of 20
    first = _runs(paced)
    assert paced[0] and 15 <= first[0] <= 30
    assert len(first) >= 3 and 0.2 < paced.mean() < 0.9   # rises again, in episodes


def test_a_ready_village_rises_on_its_occasion_and_goes_on_while_ready():
    """A quiet village whose majority is ready begins only on a day its occasion falls (the
    village stream's draw for that day and locale under the rate); once in action it goes on
    each day its majority holds, occasion or not; an unready village never acts."""
    rate, days = 0.1, 60
    p = still(mobilisation={"hardship_scale": 1.0, "village_occasion": rate})
    factors = [1.0] * 40 + [0.2]                                   # forty ready villages, one never ready
    town = _villages(factors)
    acts = _days_in_action(town, p, days).reshape(days, town.L, town.size)[:, :, 0]
    draws = np.array([[mobilisation.occasion(SEED, d + 1, l, rate) for l in range(town.L)] for d in range(days)])
    first = acts[:, :-1].argmax(axis=0)                            # each ready village's first day in action
    assert acts[:, :-1].any(axis=0).all() and not acts[:, -1].any()
    for l, f in enumerate(first):
        assert draws[f, l] and not draws[:f, l].any(), l               # it waited for its first occasion
        assert acts[f:, l].all(), l                                    # and stays out while ready (nothing taken)
    # the wait is geometric with the rate: a mean of about 1 / rate days, and not everyone on day one
    assert 4 < first.mean() < 20 and len(set(first)) > 10
    assert (_days_in_action(_villages(factors), still(mobilisation={"hardship_scale": 1.0}), 1)
            .reshape(town.L, town.size)[:-1].all())                    # rate 1: every ready village at once
    u = np.array([[rng.uniform(SEED, rng.STREAM_VILLAGE, d + 1, l, 0) for l in range(3)] for d in range(5)])
    assert np.array_equal(draws[:5, :3], u < rate)                     # the village stream keyed by day and locale


def test_a_ready_village_follows_its_neighbours_example():
    """Bass's hazard: with a fifth of the region's villages in action yesterday and a contagion
    of 1, a quiet ready village rises on a draw under the occasion plus 0.2; with no example, or no
    contagion, on a draw under the occasion alone; the chance never passes 1."""
    rate, factors = 0.02, [1.0] * 40
    draws = np.array([rng.uniform(SEED, rng.STREAM_VILLAGE, 1, l, 0) for l in range(len(factors))])
    for contagion, example, chance in ((1.0, 0.2, rate + 0.2), (1.0, 0.0, rate), (0.0, 0.2, rate)):
        town = _villages(factors)
        town.example[:] = example
        p = still(mobilisation={"hardship_scale": 1.0, "village_occasion": rate, "village_contagion": contagion})
        out = town.day(p)
        np.testing.assert_array_equal(out["onsets"] > 0, draws < chance)
    assert (draws < 0.22).sum() > (draws < rate).sum()                 # the example made a difference here
    assert mobilisation.occasion_rate(0.5, 1.0, 0.8) == 1.0 and mobilisation.occasion_rate(0.1, 0.0, 1.0) == 0.1


def test_the_example_is_the_share_of_a_regions_villages_in_action_yesterday():
    prev_active = np.array([64, 0, 30, 0, 64, 7, 0], np.int32)
    is_village = np.array([True, True, True, True, True, False, False])
    region = np.array([0, 0, 0, 1, 1, 1, 2], np.uint8)
    villages = np.bincount(region[is_village], minlength=3)
    np.testing.assert_allclose(mobilisation.example(prev_active, is_village, region, villages), [2 / 3, 1 / 2, 0.0])


def test_village_conditions_are_mean_one_lognormal_and_drawn_once_per_locale():
    is_village = np.arange(20000) % 4 != 0
    c = mobilisation.village_conditions(7, is_village, 0.8)
    assert not c[~is_village].any() and (c[is_village] > 0).all()
    assert c[is_village].mean() == pytest.approx(1.0, abs=0.03)
    assert np.log(c[is_village]).std() == pytest.approx(0.8, abs=0.02)
    np.testing.assert_array_equal(c, mobilisation.village_conditions(7, is_village, 0.8))
    assert not np.array_equal(c, mobilisation.village_conditions(8, is_village, 0.8))
    np.testing.assert_array_equal(mobilisation.village_conditions(7, is_village, 0.0), is_village.astype(float))


def test_news_from_home_is_the_running_mean_of_the_villages_beginnings():
    """One day on which 1% of the villages begin: the news is 1% / days that day and fades by
    (1 - 1/days) a day after it; with days 1 it is each day's own share."""
    beginning = np.zeros(10)
    beginning[2] = 0.01
    n = desertion.news(beginning, 5.0)
    assert not n[:2].any() and n[2] == pytest.approx(0.002)
    np.testing.assert_allclose(n[3:], 0.002 * 0.8 ** np.arange(1, 8))
    np.testing.assert_array_equal(desertion.news(beginning, 1.0), beginning)
    # the mean level over a long steady stream is the stream's
    assert desertion.news(np.full(400, 0.003), 30.0)[-1] == pytest.approx(0.003, rel=1e-5)


def test_soldiers_leave_when_their_villages_begin_to_take_the_land():
    """Deserters are the soldiers times the news from the villages: none while no village has
    begun, twice as many with twice the villages beginning or twice the soldiers, none from a
    group that is not the soldiers', and none where there are no villages."""
    days, regions = 6, 2
    groups = np.array(["refusal", "land_seizure", "strike"])
    soldiers, villages = groups == "refusal", groups == "land_seizure"
    people = np.array([[400.0, 50000.0, 800.0], [1200.0, 50000.0, 800.0]])
    onsets = np.zeros((days, regions, 3))
    onsets[:, :, 2] = 700.0                              # strikers beginning: they call no one home
    p = desertion.Params(news_days=1.0)
    assert not desertion.deserters(onsets, people, soldiers, villages, p).any()
    onsets[3, 0, 1] = 1000.0                             # 1% of the villages begin on day 3
    out = desertion.deserters(onsets, people, soldiers, villages, p)
    assert out.shape == (days, regions)
    np.testing.assert_allclose(out[3], [4.0, 12.0])      # 1% of 400 and of 1200 soldiers
    assert not np.delete(out, 3, axis=0).any()
    onsets[3, 1, 1] = 1000.0
    np.testing.assert_allclose(desertion.deserters(onsets, people, soldiers, villages, p)[3], [8.0, 24.0])
    np.testing.assert_allclose(desertion.deserters(onsets, people * [2, 1, 1], soldiers, villages, p)[3],
                               [16.0, 48.0], rtol=1e-12)  # twice the soldiers (the villages as before)
    assert not desertion.deserters(onsets, people, np.zeros(3, bool), villages, p).any()
    assert not desertion.deserters(onsets, people, soldiers, np.zeros(3, bool), p).any()
    slow = desertion.deserters(onsets, people, soldiers, villages, desertion.Params(news_days=10.0))
    np.testing.assert_allclose(slow[3], [0.8, 2.4])      # 2% over ten days: a tenth that day
    assert (slow[4:] > 0).all() and (np.diff(slow[3:, 0]) < 0).all()   # and it lasts, fading


def test_a_run_counts_the_front_soldiers_called_home_by_the_villages_news():
    """In a run the deserters are the mechanism's reading of its own arrays: the front soldiers
    times the news of the villages' beginnings, and over the spring fewer men than each front
    holds."""
    s = load_scenario("russia1917")
    r = simulate(s, 3, 5000, until=dt.date(1917, 7, 1))
    kinds = np.array([s.groups[g].activity for g in r.groups])
    expected = desertion.deserters(r.onsets, r.support[0].sum(axis=2), kinds == "refusal",
                                   kinds == "land_seizure", s.parameters.desertion)
    np.testing.assert_array_equal(r.deserters, expected)
    assert r.deserters.sum() > 0 and r.deserters.shape == (r.days, len(r.regions))
    soldiers = r.support[0].sum(axis=2)[:, kinds == "refusal"].sum(axis=1)
    assert (r.deserters.sum(axis=0) <= soldiers).all() and r.deserters.sum() < 0.5 * soldiers.sum()


def test_in_a_run_the_villages_example_spreads_their_risings():
    """The run hands the kernel each region's villages in action yesterday: with a slow outside
    occasion, the neighbours' example brings more villages to rise by the end of the summer."""
    until = dt.date(1917, 9, 1)

    def peasants_rising(contagion):
        s = load_scenario("russia1917", sets=["parameters.mobilisation.village_occasion=0.01",
                                              f"parameters.mobilisation.village_contagion={contagion}"])
        r = simulate(s, 3, 10000, until=until)
        return r.onsets[:, :, r.groups.index("peasant")].sum()

    alone, spread = peasants_rising(0.0), peasants_rising(1.0)
    assert spread > 1.2 * alone > 0                 # 1.41 times (1.30 and 1.38 with seeds 4 and 5)


def test_field_work_raises_the_threshold_by_its_cost_exactly():
    """The season's cost adds to T in rule A: the kernel's count is #{G > T + busy}."""
    p = still(mobilisation={"hardship_scale": 1.0})
    counts = []
    for cost in (0.0, 0.05, 0.15, 0.3):
        town = Town()
        town.busy[:] = cost
        grievance = (town.hardship.astype(np.float64) * 1.0) * (1.0 - town.legit.astype(np.float64))
        expected = int((grievance > town.threshold.astype(np.float64) + cost).sum())
        counts.append(active_count(town, p))
        assert counts[-1] == expected, cost
    assert all(a > b for a, b in zip(counts, counts[1:])), counts


def test_the_field_calendar_binds_only_its_groups_and_only_in_season():
    """Peasants (field_work = true) act less while the calendar's load is on; before the season
    a costly calendar changes nothing at all, and the first day of the ploughing changes no
    one's action but the peasants'."""
    from antaeus.engine import drivers
    s = load_scenario("russia1917")
    dates = [dt.date(1917, 4, 20), dt.date(1917, 6, 1), dt.date(1917, 6, 30), dt.date(1917, 7, 6),
             dt.date(1917, 7, 12), dt.date(1917, 8, 28), dt.date(1917, 9, 20)]
    rural = drivers.field_work(s, dates)[:, drivers.SETTINGS.index("rural")]
    # nothing before the ploughing, half in the sowing, nothing between, all of it in the strada
    assert list(rural[[0, 1, 2, 4, 5, 6]]) == [0.0, 0.5, 0.0, 1.0, 1.0, 0.0] and 0.0 < rural[3] < 1.0
    assert not drivers.field_work(s, dates)[:, drivers.SETTINGS.index("front")].any()
    until = dt.date(1917, 8, 15)
    off = run("parameters.mobilisation.field_work_cost=0.0", until=until)
    on = run("parameters.mobilisation.field_work_cost=0.3", until=until)
    first = off.dates.index(dt.date(1917, 4, 25))  # the first day with a load above zero
    for name in ("support", "active", "onsets", "membership", "soviets", "legitimacy"):
        np.testing.assert_array_equal(getattr(on, name)[:first], getattr(off, name)[:first], err_msg=name)
    peasant = off.groups.index("peasant")
    others = [g for g in range(len(off.groups)) if g != peasant]
    np.testing.assert_array_equal(on.active[first][:, others], off.active[first][:, others])
    season = slice(off.dates.index(dt.date(1917, 7, 12)), None)
    assert on.active[season][:, :, peasant].sum() < 0.8 * off.active[season][:, :, peasant].sum()


def test_the_assembly_promise_answers_part_of_the_land_hunger_until_patience_wears_out():
    """The factor on the land hunger: 1 before the first government, 1 - weight on its first day,
    and the hold a factor e smaller every patience span."""
    from antaeus.mechanisms import assembly
    factor = assembly.promised(np.array([-3, 0, 30, 60, 120]), 0.3, 30.0)
    hold = 0.3 * np.exp(-np.array([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(factor, [1.0, 0.7, *(1 - hold)])
    assert (assembly.promised(np.arange(-5, 400), 0.0, 30.0) == 1.0).all()   # no promise, no change


def test_the_promise_holds_back_the_villages_from_the_day_the_government_forms():
    """Before the abdication the promise changes nothing; from the day the government forms the
    land hunger felt is smaller, so the land demand grows more slowly and fewer villages begin
    to take the land in the spring."""
    until = dt.date(1917, 6, 1)
    off = run("parameters.assembly.promise_weight=0.0", until=until)
    on = run("parameters.assembly.promise_weight=0.3", until=until)
    promise = off.dates.index(dt.date(1917, 3, 15))
    for name in ("support", "active", "onsets", "membership", "soviets", "legitimacy", "demands"):
        np.testing.assert_array_equal(getattr(on, name)[:promise], getattr(off, name)[:promise], err_msg=name)
    assert not np.array_equal(on.demands[promise], off.demands[promise])      # it holds from its first day
    rural = [i for i, r in enumerate(off.regions) if load_scenario("russia1917").regions[r].setting == "rural"]
    april = off.dates.index(dt.date(1917, 4, 15))
    assert on.demands[april, rural, 1].mean() < off.demands[april, rural, 1].mean()    # the land demand
    peasant = off.groups.index("peasant")
    spring = slice(promise, off.dates.index(dt.date(1917, 5, 14)))
    assert on.onsets[spring][:, :, peasant].sum() < 0.7 * off.onsets[spring][:, :, peasant].sum()


# ==========================================================================================
# Influence: bounded confidence (Deffuant et al. 2000; Hegselmann & Krause 2002)
# ==========================================================================================
def test_bounded_confidence_moves_only_inside_epsilon():
    assert influence.bounded_confidence(0.5, 0.7, 0.3, 0.1) == pytest.approx(0.52)
    assert influence.bounded_confidence(0.5, 0.3, 0.3, 0.1) == pytest.approx(0.48)
    assert influence.bounded_confidence(0.5, 0.9, 0.3, 0.1) == 0.5      # too far
    assert influence.bounded_confidence(0.5, 0.0, 0.3, 0.1) == 0.5
    assert influence.bounded_confidence(0.25, 0.75, 0.5, 0.5) == 0.25   # gap == epsilon: strict
    assert influence.bounded_confidence(0.25, 0.75, 0.5 + 2 ** -30, 0.5) == pytest.approx(0.5)
    rng = np.random.default_rng(1)
    own, other = rng.uniform(size=2000), rng.uniform(size=2000)
    eps, mu = 0.3, 0.4
    moved = np.array([influence.bounded_confidence(a, b, eps, mu) for a, b in zip(own, other)])
    inside = np.abs(other - own) < eps
    assert np.array_equal(moved != own, inside & (other != own))
    np.testing.assert_allclose(moved[inside], own[inside] + mu * (other - own)[inside])


def test_kernel_influence_respects_epsilon_and_links():
    def town_split():
        t = Town(locales=4, size=64)
        t.demand[:, 0] = np.where(np.arange(t.n) % 2 == 0, 0.2, 0.8)  # locale mean 0.5
        return t

    far = town_split()
    far.day(still(influence={"epsilon": 0.25, "mu": 0.5}))
    np.testing.assert_array_equal(np.unique(far.demand[:, 0]), np.float32([0.2, 0.8]))
    near = town_split()
    near.day(still(influence={"epsilon": 0.35, "mu": 0.5}))
    np.testing.assert_allclose(np.unique(near.demand[:, 0]), [0.35, 0.65], atol=1e-6)
    # links between locales: the region's mean (0.9) replaces the locale's, and only the near half moves
    linked = town_split()
    linked.region_mean[0, 0] = 0.9
    linked.day(still(influence={"epsilon": 0.25, "mu": 0.5, "interlocale_weight": 1.0}))
    np.testing.assert_allclose(np.unique(linked.demand[:, 0]), [0.2, 0.85], atol=1e-6)


# ==========================================================================================
# Demands and legitimacy
# ==========================================================================================
def test_demand_target_and_partial_adjustment():
    assert demands.target(0.3, 0.5, 1.0) == pytest.approx(0.8)
    assert demands.target(0.3, 0.5, 0.5) == pytest.approx(0.55)   # the gain scales the driver
    assert demands.target(0.6, 0.9, 2.0) == 1.0                    # capped
    assert demands.target(0.2, -0.5, 1.0) == 0.0                   # relief below March: floored
    assert demands.adapt(0.2, 1.0, 0.25) == pytest.approx(0.4)
    assert demands.adapt(0.2, 1.0, 0.0) == 0.2


def test_kernel_demands_follow_drivers():
    p = still(demands={"adaptation_rate": 0.1, "driver_gain": 1.0})
    low, high = Town(), Town()
    for t in (low, high):
        t.start_at(0.4)
    low.drivers[0] = (0.1, 0.1, 0.1)
    high.drivers[0] = (0.6, 0.6, 0.6)
    low.day(p), high.day(p)
    for k in range(3):  # peace, land, bread each follow their own driver
        assert high.demand[:, k].mean() > low.demand[:, k].mean() > 0.4
    # peace follows the war burden: 0.4 + 0.1 * ((0.4 + 1.0 * 0.6) - 0.4)
    np.testing.assert_allclose(high.demand[:, 0], 0.46, atol=1e-6)
    half = Town()
    half.start_at(0.4)
    half.drivers[0] = (0.6, 0.6, 0.6)
    half.day(still(demands={"adaptation_rate": 0.1, "driver_gain": 0.5}))
    np.testing.assert_allclose(half.demand[:, 0], 0.4 + 0.1 * 0.5 * 0.6, atol=1e-6)



def test_kernel_demands_answer_the_change_since_march():
    """March demands already answer March conditions: hardship that persists moves nobody,
    worsening lifts the demand, relief lowers it below its March level, and so does the power
    demand with legitimacy lost or won since March."""
    p = still(demands={"adaptation_rate": 0.1, "driver_gain": 1.0, "power_gain": 1.0})
    same, worse, better = Town(), Town(), Town()
    for t in (same, worse, better):
        t.start_at(0.4)
        t.march[0] = (0.4, 0.4, 0.4)
        t.legitimacy0 = 0.4                   # everyone's legitimacy is still at the March level
    worse.drivers[0] = (0.7, 0.7, 0.7)
    better.drivers[0] = (0.1, 0.1, 0.1)
    same.drivers[0] = (0.4, 0.4, 0.4)
    for t in (same, worse, better):
        t.day(p)
    np.testing.assert_allclose(same.demand, 0.4, atol=1e-6)
    np.testing.assert_allclose(worse.demand[:, 0], 0.4 + 0.1 * 0.3, atol=1e-6)   # war rose by 0.3
    np.testing.assert_allclose(better.demand[:, 0], 0.4 - 0.1 * 0.3, atol=1e-6)  # relief: below March
    fallen = Town()
    fallen.start_at(0.4)
    fallen.march[0] = fallen.drivers[0]
    fallen.legitimacy0 = 0.9                  # legitimacy fell from 0.9 to 0.4 since March
    fallen.day(p)
    np.testing.assert_allclose(fallen.demand[:, 3], 0.4 + 0.1 * 0.5, atol=1e-6)
    np.testing.assert_allclose(fallen.demand[:, :3], 0.4, atol=1e-6)

def test_kernel_people_keep_their_own_march_disposition():
    """Each demand returns to the person's own March position moved by the driver, not to the
    group's: the cautious and the radical of one locale stay apart under the same hardship."""
    p = still(demands={"adaptation_rate": 0.1, "driver_gain": 1.0})
    t = Town()
    t.start_at(0.2)
    t.march_demand[::2] = 204                      # every other person started at 0.8
    t.demand[:] = 0.5                              # today everyone stands at the group's mean
    t.march[0] = (0.4, 0.4, 0.4)
    t.drivers[0] = (0.5, 0.5, 0.5)                 # every driver rose by 0.1 since March
    for day in range(1, 200):
        t.day(p, day=day)
    np.testing.assert_allclose(t.demand[::2, :3], 0.9, atol=1e-3)
    np.testing.assert_allclose(t.demand[1::2, :3], 0.3, atol=1e-3)


def test_unmet_demands_erode_legitimacy():
    assert legitimacy.unmet(0.5, 0.5, 0.5, 0.5, 0.5, 0.5) == 0.0
    assert legitimacy.unmet(0.5, 0.5, 0.5, 0.9, 0.9, 0.9) == 0.0     # over-delivery is not unmet
    # salience: the same shortfall (0.3) weighs more on an intense demand (0.9) than on a mild one (0.4)
    d = (0.9, 0.4, 0.1)
    on_intense = legitimacy.unmet(*d, 0.6, 0.4, 0.1)
    on_mild = legitimacy.unmet(*d, 0.9, 0.1, 0.1)
    assert on_intense == pytest.approx(0.9 * 0.3 / 1.4) and on_mild == pytest.approx(0.4 * 0.3 / 1.4)
    # update(current, shortfall's rise since March, March legitimacy, anchor, weight, rate)
    assert legitimacy.update(0.5, 0.0, 0.7, 0.9, 1.5, 0.1) == pytest.approx(0.52)   # back to March
    assert legitimacy.update(0.5, 0.2, 0.7, 0.9, 1.5, 0.1) == pytest.approx(0.5 + 0.1 * (0.4 - 0.5))
    assert legitimacy.update(0.5, -0.2, 0.7, 0.9, 1.5, 1.0) == pytest.approx(0.9)   # more met: up to the anchor
    assert legitimacy.update(0.5, 1.0, 0.7, 0.9, 1.5, 1.0) == 0.0                   # goal floored at 0


def test_kernel_legitimacy_tracks_policy():
    p = still(legitimacy={"adaptation_rate": 0.2, "anchor": 0.9, "unmet_weight": 1.5})
    met, unmet = Town(), Town()
    met.policy[:] = 0.5          # meets every demand (0.5)
    unmet.policy[:] = 0.0
    refused = Town()
    refused.policy[:] = (0.5, 0.5, 0.5, 0.0)  # meets peace, land and bread, refuses soviet power
    met.day(p), unmet.day(p), refused.day(p)
    np.testing.assert_allclose(met.legit, 0.4 + 0.2 * (0.9 - 0.4), atol=1e-6)
    assert (unmet.legit < 0.4).all()
    # the power demand follows lost legitimacy (demands); it is not judged again here
    np.testing.assert_array_equal(refused.legit, met.legit)
    # a shortfall that merely persists since March moves nobody from the March legitimacy
    steady = Town()
    steady.legit[:] = steady.legitimacy0 = 0.6
    steady.start_at(0.6)
    steady.march_policy[:] = steady.policy      # the March policy left as much unmet as today's
    steady.day(p)
    np.testing.assert_allclose(steady.legit, 0.6, atol=1e-6)
    harsher = Town()
    harsher.policy[:] = 0.0
    harsher.day(still(legitimacy={"adaptation_rate": 0.2, "anchor": 0.9, "unmet_weight": 3.0}))
    assert (harsher.legit < unmet.legit).all()


# ==========================================================================================
# Support: random utility over platforms (McFadden 1974; Downs 1957)
# ==========================================================================================
def _u(d, platforms, p, **kw):
    args = dict(log_reach=0.0, locale_share=0.0, is_current=False, attachment=0.0, fit=12.0,
                overshoot=1.0, w_reach=1.0, w_conf=2.0, w_attach=1.5)
    args.update(kw)
    return support.utility(np.asarray(d, float), np.asarray(platforms, float), p, **args)


def test_utility_orders_platforms_by_fit_to_demands():
    d = [0.9, 0.5, 0.5, 0.5]
    plat = [[0.9, 0.5, 0.5, 0.5], [0.6, 0.5, 0.5, 0.5], [0.1, 0.5, 0.5, 0.5]]
    us = [_u(d, plat, p) for p in range(3)]
    assert us[0] > us[1] > us[2]
    assert us[0] == pytest.approx(0.0)
    # salience: the same gap costs more on a demand the person holds strongly
    # (the squared gap is weighted by the demand itself: 0.9 against 0.3, three times the cost)
    strong = _u([0.9, 0.3, 0.3, 0.3], [[0.6, 0.3, 0.3, 0.3]], 0, w_reach=0.0, w_conf=0.0)
    weak = _u([0.9, 0.3, 0.3, 0.3], [[0.9, 0.0, 0.3, 0.3]], 0, w_reach=0.0, w_conf=0.0)
    assert weak < 0 and strong == pytest.approx(3 * weak)
    # reach, conformity and attachment add utility; attachment only for the current party
    assert _u(d, plat, 1, log_reach=0.5) > _u(d, plat, 1)
    assert _u(d, plat, 1, locale_share=0.6) > _u(d, plat, 1)
    assert _u(d, plat, 1, is_current=True, attachment=0.8) > _u(d, plat, 1, is_current=False, attachment=0.8)
    assert _u(d, plat, 1, is_current=False, attachment=0.8) == _u(d, plat, 1)
    bonus = _u(d, plat, 1, is_current=True, attachment=0.8) - _u(d, plat, 1)
    assert bonus == pytest.approx(1.5 * 0.8)                 # weight times attachment strength


def test_utility_overshoot_weight():
    d = [0.5, 0.5, 0.5, 0.5]
    plat = [[0.9, 0.5, 0.5, 0.5], [0.1, 0.5, 0.5, 0.5]]  # too radical by 0.4, too timid by 0.4
    assert _u(d, plat, 0, overshoot=1.0) == pytest.approx(_u(d, plat, 1, overshoot=1.0))
    assert _u(d, plat, 0, overshoot=0.3) > _u(d, plat, 1, overshoot=0.3)
    assert _u(d, plat, 0, overshoot=0.3) == pytest.approx(0.3 * _u(d, plat, 1, overshoot=0.3))
    # an overshoot weighs by opposition (1 - d): a platform 0.5 beyond the demand weighs 0.9
    # for one who wants little (0.1) and 0.55 for one who wants more (0.45)
    little = _u([0.1, 0.5, 0.5, 0.5], [[0.6, 0.5, 0.5, 0.5]], 0, w_reach=0.0, w_conf=0.0)
    much = _u([0.45, 0.5, 0.5, 0.5], [[0.95, 0.5, 0.5, 0.5]], 0, w_reach=0.0, w_conf=0.0)
    assert little == pytest.approx(-12.0 * 0.9 * 0.25 / 1.6)
    assert much == pytest.approx(-12.0 * 0.55 * 0.25 / 1.95)
    # a shortfall weighs by the demand itself
    short = _u([0.6, 0.5, 0.5, 0.5], [[0.1, 0.5, 0.5, 0.5]], 0, w_reach=0.0, w_conf=0.0)
    assert short == pytest.approx(-12.0 * 0.6 * 0.25 / 2.1)


def test_turnout_falls_with_the_distance_to_ones_own_party():
    plat = np.array([[0.2, 0.5, 0.5, 0.5]])
    near = support.platform_distance(0.2, 0.5, 0.5, 0.5, plat, 0, 0.3)
    far = support.platform_distance(0.8, 0.5, 0.5, 0.5, plat, 0, 0.3)
    assert near == 0.0 and far == pytest.approx(0.8 * 0.36 / 2.3)   # the shortfall weighted by the demand
    assert support.turnout(near, 5.0) == 1.0                         # a supporter it fits always votes
    assert support.turnout(far, 5.0) == pytest.approx(np.exp(-5.0 * far))
    assert support.turnout(far, 0.0) == 1.0                          # weight 0: every supporter votes
    # the utility's platform term is the same distance on the logit scale
    assert support.platform_fit(0.8, 0.5, 0.5, 0.5, plat, 0, 12.0, 0.3) == pytest.approx(-12.0 * far)


def test_kernel_counts_the_votes_on_a_polling_day_only():
    t = Town(parties=2)
    t.platforms = np.array([[0.5, 0.5, 0.5, 0.5], [0.9, 0.5, 0.5, 0.5]])
    t.party[: t.n // 2] = 1                                   # half hold to a party far from their demands
    p = still(support={"alienation_weight": 4.0})
    assert (t.day(p)["votes"] == -1.0).all()                  # no election: the buffer (-1 here) is left alone
    t.polling = True
    out = t.day(p)
    far = support.platform_distance(0.5, 0.5, 0.5, 0.5, t.platforms, 1, p.support.overshoot_weight)
    assert far > 0
    supporters = out["party"].sum(axis=0)
    assert out["votes"].sum(axis=0) + 1.0 * t.L == pytest.approx([supporters[0], supporters[1] * np.exp(-4.0 * far)])
    out = t.day(still(support={"alienation_weight": 0.0}))
    assert out["votes"].sum(axis=0) + 1.0 * t.L == pytest.approx(out["party"].sum(axis=0))


def _leaning(d, platforms, fit=15.0):
    return support.faction_leaning(support.faction_gain(*d, np.asarray(platforms, float), 1, 0, fit, 0.3))


def test_faction_leaning_is_the_logit_of_platform_fit():
    sr, left = [0.45, 0.7, 0.4, 0.35], [0.85, 0.95, 0.6, 0.85]
    plat = np.array([sr, left])
    same = _leaning([0.6, 0.9, 0.3, 0.6], [sr, sr])
    assert same == pytest.approx(0.5)                        # one platform: a coin toss
    radical = np.array([0.9, 0.95, 0.5, 0.9])
    gain = _u(radical, plat, 1, fit=15.0, overshoot=0.3, w_reach=0.0, w_conf=0.0) - \
        _u(radical, plat, 0, fit=15.0, overshoot=0.3, w_reach=0.0, w_conf=0.0)
    p = _leaning(radical, plat)
    assert gain > 0 and p == pytest.approx(1 / (1 + np.exp(-gain)))
    assert support.faction_leaning(-gain) == pytest.approx(1 - p)   # the two branches agree
    moderate = np.array([0.4, 0.6, 0.4, 0.3])
    assert _leaning(moderate, plat) < 0.5 < p
    # a sharper choice (higher platform_fit) sorts the same people more firmly
    assert _leaning(radical, plat, fit=30.0) > p


def test_a_faction_follows_its_own_organisation_not_its_partys():
    """The kernel counts the parent's supporters who follow the faction twice: on platform fit
    alone (``closer``, what the faction reads as its following) and with the two
    organisations' reach (``leaning``, who sits with it): a faction with a fraction of its
    party's reach keeps fewer, by the logit of faction_standing x reach_weight x the log ratio."""
    t = Town(parties=2)
    t.platforms[:] = [[0.45, 0.7, 0.4, 0.35], [0.85, 0.95, 0.6, 0.85]]   # the party, the faction
    t.demand[:] = (0.7, 0.9, 0.5, 0.7)
    t.log_reach[:] = np.log([[0.8], [0.2]])
    sp = {"reach_weight": 1.5, "reconsider_rate": 0.0}

    def counts(standing):
        t.party[:] = 0
        out = t.day(still(support={**sp, "faction_standing": standing}), faction=(1, 0))
        return out["closer"].sum(), out["leaning"].sum()

    closer, leaning = counts(0.0)
    assert leaning == pytest.approx(closer) and 0 < closer < t.n   # without its organisation: the platform alone
    fit = support.faction_gain(0.7, 0.9, 0.5, 0.7, t.platforms, 1, 0, still().support.platform_fit,
                               still().support.overshoot_weight)
    assert closer == pytest.approx(t.n * support.faction_leaning(fit), rel=1e-4)
    closer1, leaning1 = counts(1.0)
    assert closer1 == pytest.approx(closer)                         # the following the faction reads is unchanged
    assert leaning1 == pytest.approx(t.n * support.faction_leaning(fit + 1.5 * np.log(0.2 / 0.8)), rel=1e-4)
    assert counts(0.5)[1] > leaning1                                # less weight, less held back
    t.log_reach[:] = np.log(0.5)
    assert counts(1.0)[1] == pytest.approx(closer)                  # equal organisations: the platform alone again
    t.log_reach[:] = np.log([[0.8], [0.2]])
    t.party[:] = 1
    out = t.day(still(support={**sp, "faction_standing": 1.0}), faction=(1, 0))
    assert out["closer"].sum() == out["leaning"].sum() == 0.0          # only the party's supporters are counted


def test_a_split_divides_the_partys_organisation_where_its_people_are_closer_to_the_faction():
    reach = np.array([[0.8, 0.6, 0.5], [0.3, 0.9, 0.1]])   # [P,R]: the party, the faction
    members = np.array([100_000.0, 0.0])
    closer, supporters = np.array([60.0, 0.0, 50.0]), np.array([100.0, 40.0, 50.0])
    kept_reach, kept_members = membership.taken_over(reach, members, 1, 0, closer, supporters, 0.0)
    assert np.array_equal(kept_reach, reach) and np.array_equal(kept_members, members)
    r, m = membership.taken_over(reach, members, 1, 0, closer, supporters, 0.5)
    assert r[0] == pytest.approx([0.8 * 0.7, 0.6, 0.5 * 0.5])           # the party keeps what the faction does not take
    assert r[1] == pytest.approx([0.3 + 0.8 * 0.3, 0.9, 0.1 + 0.25])   # added to the faction's own
    assert m == pytest.approx([100_000 * (1 - 0.5 * 110 / 190), 100_000 * 0.5 * 110 / 190])
    assert m.sum() == pytest.approx(members.sum())                    # members move, none are made
    assert reach[1, 0] == 0.3                                         # the inputs are left alone
    full, _ = membership.taken_over(np.array([[0.9], [0.8]]), members, 1, 0, np.array([10.0]), np.array([10.0]), 1.0)
    assert full[:, 0] == pytest.approx([0.0, 1.0])                    # reach stays at most 1


def _choice_town(platforms, **support_params):
    t = Town(locales=8, size=64, parties=2)
    t.demand[:] = (0.9, 0.5, 0.5, 0.5)
    t.platforms[:] = platforms
    t.party[:] = 0
    sp = {"reconsider_rate": 1.0, "platform_fit": 30.0, "reach_weight": 0.0, "conformity_weight": 0.0,
          "attachment_weight": 0.0, "overshoot_weight": 1.0}
    sp.update(support_params)
    return t, still(support=sp)


def test_kernel_support_follows_platforms():
    near, far = (0.9, 0.5, 0.5, 0.5), (0.1, 0.5, 0.5, 0.5)
    t, p = _choice_town([far, near])
    counts = t.day(p)["party"].sum(axis=0)
    assert counts[1] > 0.9 * t.n                           # the platform that meets the demand wins
    t, p = _choice_town([near, far])
    assert t.day(p)["party"].sum(axis=0)[0] > 0.9 * t.n    # and swapping platforms swaps support
    # a party moving its platform towards the demands gains, step by step
    shares = []
    for peace in (0.1, 0.4, 0.7, 0.9):
        t, p = _choice_town([(0.5, 0.5, 0.5, 0.5), (peace, 0.5, 0.5, 0.5)])
        shares.append(t.day(p)["party"].sum(axis=0)[1])
    assert all(a < b for a, b in zip(shares, shares[1:])), shares


def test_kernel_support_respects_reconsider_rate_and_availability():
    near, far = (0.9, 0.5, 0.5, 0.5), (0.1, 0.5, 0.5, 0.5)
    t, p = _choice_town([far, near], reconsider_rate=0.0)
    assert t.day(p)["party"].sum(axis=0)[1] == 0           # nobody reconsiders
    t, p = _choice_town([far, near], reconsider_rate=0.25)
    moved = t.day(p)["party"].sum(axis=0)[1]
    assert 0.15 * t.n < moved < 0.35 * t.n                  # about a quarter reconsider
    t, p = _choice_town([far, near])
    t.available[1] = False
    assert t.day(p)["party"].sum(axis=0)[1] == 0            # an unavailable party wins nobody


def test_kernel_attachment_starts_at_the_reset_and_grows_by_the_gain():
    near, far = (0.9, 0.5, 0.5, 0.5), (0.1, 0.5, 0.5, 0.5)
    t, p = _choice_town([far, near], attachment_reset=0.25, attachment_gain=0.2)
    t.party[::2] = 1                                    # half already support the party they will choose
    stayers = t.party == 1
    t.day(p)
    changed = (t.party == 1) & ~stayers
    assert changed.sum() > 0.45 * t.n and np.all(t.attachment[changed] == np.float32(0.25))  # a new loyalty starts weak
    assert stayers.sum() == t.n // 2 and np.all(t.party[stayers] == 1)
    assert np.all(t.attachment[stayers] == np.float32(0.5 + 0.2))                           # staying strengthens it
    t.day(p, day=2)
    assert np.all(t.attachment[changed & (t.party == 1)] == np.float32(np.float32(0.25) + 0.2))
    t.day(p, day=3)
    t.day(p, day=4)
    assert t.attachment.max() <= 1.0                                                   # capped at 1


def test_incumbency_rewards_or_punishes_the_parties_in_government():
    assert support.incumbency(0.8, True, 4.0) == pytest.approx(1.2)
    assert support.incumbency(0.2, True, 4.0) == pytest.approx(-1.2)
    assert support.incumbency(0.2, False, 4.0) == 0.0
    same = (0.9, 0.5, 0.5, 0.5)

    def share_of_government_party(legit, weight):
        t, p = _choice_town([same, same], incumbency_weight=weight)
        t.governing[0] = True
        t.legit[:] = legit
        return t.day(p)["party"].sum(axis=0)[0] / t.n

    # equal platforms: without the term the two parties split the people about evenly
    assert 0.4 < share_of_government_party(0.2, 0.0) < 0.6
    # a government people hold illegitimate drags its parties down, a legitimate one lifts them
    # (legitimacy itself moves a little during the day, so the levels are kept well apart)
    assert share_of_government_party(0.1, 6.0) < 0.2
    assert share_of_government_party(0.9, 6.0) > 0.8


# ==========================================================================================
# Determinism of the fused kernel
# ==========================================================================================
def test_kernel_result_independent_of_chunk_and_threads():
    def run(chunk, threads):
        t = Town(locales=16, size=48, parties=3)
        t.repression[:] = 0.2
        t.platforms[:] = [(0.2, 0.3, 0.4, 0.1), (0.6, 0.6, 0.5, 0.6), (0.9, 0.8, 0.7, 0.9)]
        t.demand[:] = np.random.default_rng(3).uniform(size=(t.n, 4)).astype(np.float32)
        p = params(support={"reconsider_rate": 0.5}, influence={"interlocale_weight": 0.2})
        before = numba.get_num_threads()
        numba.set_num_threads(threads)
        try:
            outs = [t.day(p, day=d, chunk=chunk) for d in (1, 2, 3)]
        finally:
            numba.set_num_threads(before)
        return t, outs

    ref_t, ref = run(1, 1)
    for chunk, threads in ((3, numba.config.NUMBA_NUM_THREADS), (16, 1), (5, numba.config.NUMBA_NUM_THREADS)):
        t, outs = run(chunk, threads)
        for name in ("demand", "legit", "party", "attachment", "active"):
            np.testing.assert_array_equal(getattr(t, name), getattr(ref_t, name), err_msg=name)
        for a, b in zip(outs, ref):
            for k in a:
                np.testing.assert_array_equal(a[k], b[k], err_msg=k)


# ==========================================================================================
# Lenses and decisions
# ==========================================================================================
def test_logistic_and_true_log_odds():
    assert decisions.logistic(0.0) == 0.5
    assert decisions.logistic(800.0) == 1.0 and decisions.logistic(-800.0) == 0.0  # no overflow
    assert decisions.logistic(1.3) == pytest.approx(1 - decisions.logistic(-1.3))
    p = decisions.Params()
    assert decisions.true_log_odds(100.0, 100.0, None, p) == 0.0
    assert decisions.true_log_odds(200.0, 100.0, None, p) == pytest.approx(p.force_elasticity * math.log(2))
    assert decisions.true_log_odds(100.0, 100.0, 1.0, p) == pytest.approx(p.soviet_weight)
    assert decisions.true_log_odds(100.0, 100.0, 0.0, p) == pytest.approx(-p.soviet_weight)
    assert decisions.true_log_odds(100.0, 100.0, 0.5, p) == pytest.approx(0.0)


def test_lens_that_discounts_radical_signals_lowers_perceived_success():
    radical_signal = 2.0  # true log-odds in favour of acting
    full = decisions.perceive(radical_signal, 0.0, 1.0, 0.3, 0.0)
    discounted = decisions.perceive(radical_signal, 0.0, 0.4, 0.3, 0.0)
    assert full == pytest.approx(2.0) and discounted == pytest.approx(0.8)
    assert decisions.logistic(discounted) < decisions.logistic(full)
    # a maturity-type lens (pessimistic bias, low weight) against an April-Theses-type lens
    for x in (-1.0, 0.0, 1.0, 3.0):
        for z in (-1.0, 0.0, 1.0):
            assert decisions.perceive(x, -2.5, 0.4, 0.3, z) < decisions.perceive(x, 0.5, 1.0, 0.3, z)
    assert decisions.perceive(1.0, 0.0, 1.0, 0.5, 2.0) == pytest.approx(2.0)  # noise times the draw


# ==========================================================================================
# Soviets, membership, war
# ==========================================================================================
def test_soviet_reelection_converges_with_the_set_lag():
    comp = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3]])
    const = np.array([[100.0, 100.0, 800.0], [0.0, 0.0, 0.0]])  # region 2 has no constituents
    target = np.array([0.1, 0.1, 0.8])
    for lag in (1.0, 10.0, 45.0):
        c = comp.copy()
        for _ in range(30):
            c = soviets.reelect(c, const, np.full(2, lag))
        gap0 = np.abs(comp[0] - target)
        np.testing.assert_allclose(np.abs(c[0] - target), gap0 * (1 - 1 / lag) ** 30, atol=1e-12)
        np.testing.assert_allclose(c.sum(axis=1), 1.0)
        np.testing.assert_array_equal(c[1], comp[1])      # no constituents: no re-election
    one = soviets.reelect(comp, const, np.ones(2))
    np.testing.assert_allclose(one[0], target)
    slow, fast = soviets.reelect(comp, const, np.full(2, 45.0)), soviets.reelect(comp, const, np.full(2, 10.0))
    mixed = soviets.reelect(comp, const, np.array([10.0, 45.0]))  # each region at its own lag
    np.testing.assert_array_equal(mixed[0], fast[0])
    assert np.abs(slow[0] - target).sum() > np.abs(fast[0] - target).sum()


def test_congress_weights_regions_by_delegates():
    comp = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    np.testing.assert_allclose(soviets.congress(comp, np.array([3.0, 1.0, 0.0])), [0.75, 0.25])
    np.testing.assert_allclose(soviets.congress(comp, np.array([1.0, 1.0, 0.0])), [0.5, 0.5])
    np.testing.assert_allclose(soviets.congress(comp, np.array([30.0, 10.0, 0.0])),
                               soviets.congress(comp, np.array([3.0, 1.0, 0.0])))  # scale free
    np.testing.assert_allclose(soviets.congress(comp, np.array([0.0, 0.0, 7.0])), [0.5, 0.5])


def test_membership_grows_by_diffusion_up_to_the_potential_and_ebbs_above_it():
    rates = np.array([0.05, 0.05, 0.05, 0.05])
    # one day by hand: potential 0.04 * 1e6 = 40,000; (0.002 + 0.05 * 10,000/40,000) * 30,000 join
    m = membership.recruit(np.array([10000.0, 0.0, 50000.0, 0.0]), np.array([1e6, 1e6, 1e6, 0.0]),
                           rates, 0.04, 0.002, 0.01)
    np.testing.assert_allclose(m, [10000 + 0.0145 * 30000, 0.002 * 40000, 50000 - 0.01 * 10000, 0.0])
    # a year of days: an S-curve (diffusion through members) that never passes the potential
    path = [np.array([1000.0])]
    for _ in range(365):
        path.append(membership.recruit(path[-1], np.array([1e6]), np.array([0.05]), 0.04, 0.0005, 0.01))
    path = np.concatenate(path)
    growth = np.diff(path)
    assert (growth > 0).all() and path[-1] <= 40000 and path[-1] > 0.99 * 40000
    assert 0 < growth.argmax() < 300                       # accelerates first, then saturates
    # a party whose support collapses loses members at the attrition rate, not at once
    falling = membership.recruit(np.array([40000.0]), np.array([5e5]), np.array([0.05]), 0.04, 0.002, 0.01)
    np.testing.assert_allclose(falling, [40000 - 0.01 * 20000])


def test_soldiers_carry_reach_into_the_rural_regions_only():
    """A party gains reach in a rural region in proportion to its share at the fronts that
    region lies behind and to how many soldiers there are per villager; the towns and the
    fronts themselves (contact 0) keep theirs, and the reach never passes 1."""
    reach = np.array([[0.8, 0.1, 0.2], [0.2, 0.5, 0.99]])
    contact = np.array([0.0, 0.1, 0.4])  # region 2 is a front's rear, four times as dense in soldiers
    at_front = np.array([[0.5, 0.5], [0.3, 0.7], [0.9, 0.1]])  # [R,P]: region 2 lies behind another front
    out = membership.carried(reach, at_front, contact, 1.0)
    np.testing.assert_allclose(out[:, 0], reach[:, 0])
    np.testing.assert_allclose(out[:, 1], [0.13, 0.57])
    np.testing.assert_allclose(out[:, 2], [0.2 + 0.36, 1.0])
    np.testing.assert_array_equal(membership.carried(reach, at_front, contact, 0.0), reach)
    same_share = membership.carried(reach, np.full((3, 2), 0.5), contact, 1.0) - reach
    assert same_share[0, 2] == pytest.approx(4 * same_share[0, 1])  # the same share carries four times as far


def test_a_call_makes_the_callers_following_the_expected_turnout():
    """The expected people active is the larger of yesterday's and the following's share of the
    locale, in whole people: a call never lowers what a locale expects."""
    yesterday = np.array([0, 30, 5], np.int32)
    size = np.array([64, 64, 10])
    out = mobilisation.called(yesterday, np.array([0.25, 0.25, 0.44]), size)
    np.testing.assert_array_equal(out, [16, 30, 5])
    assert out.dtype == yesterday.dtype
    np.testing.assert_array_equal(mobilisation.called(yesterday, np.zeros(3), size), yesterday)


def test_a_call_for_soviet_power_is_followed_beyond_the_callers_party():
    """A party's call reaches its supporters; a call for soviet power reaches as well the other
    parties' supporters who back that transfer of power, never the caller's twice."""
    supporters = np.array([40.0, 50.0, 10.0])   # the caller (0) and two other parties
    radical = np.array([30.0, 20.0, 5.0])       # of whom these back power to the soviets
    assert mobilisation.following(supporters, radical, 0, False) == pytest.approx(0.4)
    assert mobilisation.following(supporters, radical, 0, True) == pytest.approx(0.65)
    assert mobilisation.following(supporters, radical, 1, True) == pytest.approx(0.85)
    assert mobilisation.following(supporters, np.zeros(3), 0, True) == pytest.approx(0.4)
    assert mobilisation.following(np.zeros(3), np.zeros(3), 0, True) == 0.0


def test_membership_reach():
    base = np.array([[0.5, 0.0, 1.0]])
    r_small = membership.reach(base, np.array([1e3]), 3e5)
    r_big = membership.reach(base, np.array([1e6]), 3e5)
    assert (r_big[0, 0] > r_small[0, 0] > base[0, 0])      # reach grows with membership
    assert r_big[0, 1] == 0.0 and r_big[0, 2] == 1.0        # only where the party stands; capped
    assert ((r_big >= 0) & (r_big <= 1)).all()
    np.testing.assert_array_equal(membership.reach(base, np.array([0.0]), 3e5), base)


def test_offensive_burden_profile():
    assert war.offensive_burden(5, 10, 20, 0.3, 30.0) == 0.0
    assert war.offensive_burden(10, 10, 20, 0.3, 30.0) == 0.3
    assert war.offensive_burden(20, 10, 20, 0.3, 30.0) == 0.3
    assert war.offensive_burden(35, 10, 20, 0.3, 30.0) == pytest.approx(0.15)
    assert war.offensive_burden(50, 10, 20, 0.3, 30.0) == 0.0
    assert war.offensive_burden(21, 10, 20, 0.3, 0.0) == 0.0


# ==========================================================================================
# Whole runs against the same-seed baseline
# ==========================================================================================
_RUNS: dict = {}


def run(*sets: str, until: dt.date | None = None, agents: int = AGENTS, seed: int = SEED, **kw):
    key = (sets, until, agents, seed, tuple(sorted(kw.items())))
    if key not in _RUNS:
        _RUNS[key] = simulate(load_scenario("russia1917", sets=list(sets)), seed, agents=agents, until=until, **kw)
    return _RUNS[key]


SPRING = dt.date(1917, 5, 15)


def test_same_seed_same_result_any_chunking():
    a = run(until=SPRING)
    b = simulate(load_scenario("russia1917"), SEED, agents=AGENTS, until=SPRING, chunk=5)
    for name in ("support", "active", "onsets", "membership", "soviets", "legitimacy"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert [(d.actor, d.p_perceived, d.acted) for d in a.decisions] == \
        [(d.actor, d.p_perceived, d.acted) for d in b.decisions]
    c = run(until=SPRING, seed=SEED + 1)
    assert not np.array_equal(a.support, c.support)


def test_more_hardship_more_mobilisation_end_to_end():
    totals = [run(f"parameters.mobilisation.hardship_scale={s}", until=SPRING).active.sum()
              for s in (0.2, 0.6, 1.5)]
    assert all(a < b for a, b in zip(totals, totals[1:])), totals
    assert run("parameters.mobilisation.hardship_scale=0.0", until=SPRING).active.sum() == 0


def test_alienated_supporters_stay_at_home_in_popular_elections_only():
    """Until the Moscow duma of June (8 July N.S.): with no alienation every supporter votes, so
    the turnout is 1 and the shares are the supporters'; with it the turnout falls below 1 and
    the shares move; the congress of June, elected in the soviets, has no turnout."""
    until = dt.date(1917, 7, 8)

    def elections(weight):
        r = run(f"parameters.support.alienation_weight={weight}", until=until, agents=4000)
        return {o.id: o for o in r.observables}, r

    everyone, r0 = elections(0.0)
    some, _ = elections(8.0)
    duma = "municipal:moscow:1917-07-08"
    assert everyone[duma].turnout == pytest.approx(1.0)
    d = r0.day_index(until)
    moscow = r0.regions.index("moscow")
    supporters = r0.support[d][moscow].sum(axis=0)
    assert [everyone[duma].simulated[p] for p in r0.parties] == pytest.approx(list(supporters / supporters.sum()))
    assert 0.0 < some[duma].turnout < 1.0 and some[duma].simulated != everyone[duma].simulated
    assert everyone["soviet_congress:all_russia:1917-06-16"].turnout is None


def test_a_group_that_seldom_joins_shrinks_its_parties_membership():
    """Peasant supporters count towards a party's potential membership at ``joins``: the SRs,
    a village party, lose far more of their members than the Bolsheviks, a town party."""
    full = run("groups.peasant.joins=1.0", until=SPRING)
    few = run("groups.peasant.joins=0.2", until=SPRING)
    sr, bol = full.parties.index("srs"), full.parties.index("bolsheviks")
    kept = [few.membership[-1, p] / full.membership[-1, p] for p in (sr, bol)]
    assert kept[0] < 0.7 and kept[0] < kept[1], kept


def _first_act(result, actor):
    return next((d.date for d in result.decisions if d.actor == actor and d.acted), None)


def _check_decision_rule(result):
    assert result.decisions
    for d in result.decisions:
        blocked = d.reason.startswith("cannot act")
        waiting = d.reason.startswith("waits for the congress")  # it would act, but holds back for the congress
        assert not waiting or (not blocked and d.p_perceived >= d.threshold), d
        assert d.acted == (not blocked and not waiting and d.p_perceived >= d.threshold), d
        assert (d.outcome == "wait") == (not d.acted)


def test_decisions_follow_the_certainty_threshold_rule():
    _check_decision_rule(run())


def test_higher_certainty_threshold_acts_later_or_never():
    # without the wait for the congress (lenin-prevails), so that the threshold alone decides:
    # with the congress's name the calibrated odds on its eve can clear any threshold
    alone = "parameters.congress.horizon_days=0"
    thresholds = (0.0, 0.3, 0.6, 0.9, 0.99)
    runs = [run(alone, f"parties.bolsheviks.certainty_threshold={t}") for t in thresholds]
    for r, t in zip(runs, thresholds):
        assert {d.threshold for d in r.decisions if d.actor == "bolsheviks"} == {t}
        _check_decision_rule(r)
    firsts = [_first_act(r, "bolsheviks") for r in runs]
    never = dt.date.max
    order = [f or never for f in firsts]
    assert order == sorted(order), firsts
    # at threshold 0 the party acts on the first day it is allowed to
    r0 = run(alone, "parties.bolsheviks.certainty_threshold=0.0")
    first_open = next(d.date for d in r0.decisions if d.actor == "bolsheviks"
                      and not d.reason.startswith(("cannot act", "waits for the congress")))
    assert firsts[0] == first_open
    assert order[-1] > order[0]


def test_april_theses_lens_waits_for_a_majority_in_the_capitals_soviet():
    """Thesis 4: no rising while the bloc is a minority in the capital's soviet.

    A low certainty threshold makes the party ready to act early, while it is still a
    minority, so the rule has days to bind on whatever the calibrated dynamics."""
    eager = "parties.bolsheviks.certainty_threshold=0.2"
    with_rule = run(eager)
    without = run(eager, "lenses.april_theses.majority_first=false")
    minority = [d for d in with_rule.decisions if d.actor == "bolsheviks" and "minority" in d.reason]
    assert minority and not any(d.acted for d in minority)
    assert not any("minority" in d.reason for d in without.decisions)
    never = dt.date.max
    assert (_first_act(with_rule, "bolsheviks") or never) >= (_first_act(without, "bolsheviks") or never)
    # the rule binds: under the same lens with the rule off the party would have acted on a day
    # the rule kept it waiting
    held = {d.date for d in minority if d.p_perceived >= d.threshold}
    assert held


def test_left_srs_split_only_once_the_soviets_rule():
    r = run()
    soviet_rule = next((p.date for p in r.power_log if p.holder.startswith("soviet_government")), None)
    left = [d for d in r.decisions if d.actor == "left_srs"]
    before = [d for d in left if soviet_rule is None or d.date < soviet_rule]
    assert before and all(d.reason == "cannot act: the party holds together until the soviets take power"
                          for d in before if d.date > dt.date(1917, 3, 15))
    split = _first_act(r, "left_srs")
    assert split is None or (soviet_rule is not None and split >= soviet_rule)
    anytime = run("parties.left_srs.split_after=\"any_time\"")
    assert not any("holds together" in d.reason for d in anytime.decisions)


def test_discounting_lens_lowers_perceived_success_end_to_end():
    """Same seed, same noise draws: only the lens changes what the Mensheviks perceive."""
    base = run("lenses.maturity.signal_weight=0.8", until=dt.date(1917, 9, 1))
    low = run("lenses.maturity.signal_weight=0.2", until=dt.date(1917, 9, 1))
    pairs = [(a, b) for a, b in zip(base.decisions, low.decisions) if a.actor == "mensheviks"]
    same_world = [(a, b) for a, b in pairs if a.p_true == b.p_true]
    assert len(same_world) > 30
    favourable = [(a, b) for a, b in same_world if a.p_true > 0.5]
    adverse = [(a, b) for a, b in same_world if a.p_true < 0.5]
    assert favourable or adverse
    # a lower weight on the signal pulls perception towards the lens's bias: lower when the
    # signal favours acting, higher when it counsels waiting
    assert all(b.p_perceived < a.p_perceived for a, b in favourable)
    assert all(b.p_perceived > a.p_perceived for a, b in adverse)
    if favourable:
        assert np.mean([b.p_perceived for _, b in favourable]) < np.mean([a.p_perceived for a, _ in favourable])
    # and a more pessimistic bias lowers perceived success on every day
    darker = run("lenses.maturity.bias=-3.5", "lenses.maturity.signal_weight=0.8", until=dt.date(1917, 9, 1))
    pairs = [(a, b) for a, b in zip(base.decisions, darker.decisions)
             if a.actor == "mensheviks" and a.p_true == b.p_true]
    assert len(pairs) > 30 and all(b.p_perceived < a.p_perceived for a, b in pairs)


def test_support_follows_a_changed_platform():
    """Kadets promising peace gain among the groups that demand it most (statement 2)."""
    s = load_scenario("russia1917")
    by_peace = sorted(s.groups, key=lambda g: s.groups[g].demands.peace, reverse=True)
    high = by_peace[:3]
    base = run(until=SPRING, agents=20_000)
    peace = run("parties.kadets.platform.peace=0.95", until=SPRING, agents=20_000)

    def kadet_share(r, groups):
        gi = [r.groups.index(g) for g in groups]
        sup = r.support[-1][:, gi, :].sum(axis=(0, 1))
        return sup[r.parties.index("kadets")] / sup.sum()

    assert kadet_share(peace, high) > 1.5 * kadet_share(base, high) + 0.002   # a clear relative gain
    # and the gain is larger where the peace demand is higher than where it is lowest
    low = by_peace[-1:]
    assert (kadet_share(peace, high) - kadet_share(base, high)
            > kadet_share(peace, low) - kadet_share(base, low))


def test_soviets_reelect_from_constituents_with_the_set_lag():
    s = load_scenario("russia1917")
    constituent = np.array([g.soviet_constituency for g in s.groups.values()])
    for lag in (1.0, 20.0):
        r = run(f"parameters.soviets.reelection_days={lag}", f"parameters.soviets.army_reelection_days={lag}",
                until=SPRING)
        sup = r.support[:, :, constituent, :].sum(axis=2)          # [D,R,P]
        shares = sup / sup.sum(axis=2, keepdims=True)
        np.testing.assert_allclose(r.soviets[1:], r.soviets[:-1] + (shares[1:] - r.soviets[:-1]) / lag,
                                   atol=1e-12)
        if lag == 1.0:
            np.testing.assert_allclose(r.soviets, shares, atol=1e-12)
    slow = run("parameters.soviets.reelection_days=200", "parameters.soviets.army_reelection_days=200", until=SPRING)
    fast = run("parameters.soviets.reelection_days=5", "parameters.soviets.army_reelection_days=5", until=SPRING)

    def gap(r):
        sup = r.support[-1][:, constituent, :].sum(axis=1)
        return np.abs(r.soviets[-1] - sup / sup.sum(axis=1, keepdims=True)).sum()

    assert gap(fast) < gap(slow)


def test_army_committees_renew_at_their_own_pace():
    """Regions of the front setting re-elect with ``army_reelection_days``, the rest with
    ``reelection_days``: the exact recurrence, region by region."""
    s = load_scenario("russia1917")
    constituent = np.array([g.soviet_constituency for g in s.groups.values()])
    r = run("parameters.soviets.reelection_days=10", "parameters.soviets.army_reelection_days=150", until=SPRING)
    front = np.array([s.regions[x].setting == "front" for x in r.regions])
    assert front.any() and (~front).any()
    sup = r.support[:, :, constituent, :].sum(axis=2)
    shares = np.divide(sup, sup.sum(axis=2, keepdims=True), out=r.soviets.copy(), where=sup.sum(axis=2, keepdims=True) > 0)
    lag = np.where(front, 150.0, 10.0)[None, :, None]
    np.testing.assert_allclose(r.soviets[1:], r.soviets[:-1] + (shares[1:] - r.soviets[:-1]) / lag, atol=1e-12)


def test_congress_observable_is_delegate_weighted():
    """Each regional soviet weighs by its constituents; the army's organisations (regions of
    the front setting) by ``army_delegation`` delegates per man of the rear's."""
    s = load_scenario("russia1917")
    delegates = np.array([sum(reg.population.get(g, 0.0) for g in s.groups if s.groups[g].soviet_constituency)
                          for reg in s.regions.values()])
    front = np.array([reg.setting == "front" for reg in s.regions.values()])
    for weight in (1.0, 0.2):
        r = run(f"parameters.soviets.army_delegation={weight}", until=dt.date(1917, 6, 20))
        obs = next(o for o in r.observables if o.family == "soviet_congress")
        d = r.day_index(obs.date)
        expected = soviets.congress(r.soviets[d], delegates * np.where(front, weight, 1.0))
        np.testing.assert_allclose([obs.simulated[p] for p in r.parties], expected, atol=1e-12)
        unweighted = r.soviets[d].mean(axis=0)
        assert not np.allclose(expected, unweighted, atol=1e-3)  # the weighting matters here
    # a lighter army moves the congress away from the fronts' soviets, towards the rear's
    army = (r.soviets[d][front] * delegates[front, None]).sum(axis=0) / delegates[front].sum()
    heavy = soviets.congress(r.soviets[d], delegates)
    assert np.abs(expected - army).sum() > np.abs(heavy - army).sum()


# -- the constants of power and war, declared as parameters ------------------------------------
def test_settle_puts_the_declared_policies_in_power():
    from antaeus.mechanisms import power

    p = power.Params(military_bread=0.35, transfer_land=0.9)
    plat = np.array([[0.9, 0.9, 0.8, 1.0], [0.5, 0.4, 0.5, 0.3], [0.4, 0.5, 0.6, 0.2]])
    coup = power.settle("army_command", "coup", True, 100, p, 60.0, ["b", "m", "s"], plat, [], [1, 2])
    assert coup.route == "coup" and coup.policy == (0.0, 0.0, 0.35, 0.0) and coup.repression_factor == 2.0
    moved = power.settle("m", "soviet_power", True, 100, p, 60.0, ["b", "m", "s"], plat, [], [1, 2])
    assert moved.route == "soviet_transfer" and moved.ruling == ("m", "s")
    assert moved.policy == pytest.approx((0.6, 0.9, 0.55, 1.0))  # the floor where it binds, the mean above it
    rising = power.settle("b", "insurrection", True, 100, p, 60.0, ["b", "m", "s"], plat, [0], [1, 2])
    assert rising.ruling == ("b",) and rising.policy == pytest.approx(tuple(plat[0]))
    failed = power.settle("b", "insurrection", False, 100, p, 60.0, ["b", "m", "s"], plat, [], [1, 2])
    assert failed.route is None and failed.cooldown_until == 160 and failed.reach_kept == pytest.approx(0.6)


def test_the_insurgent_bloc_takes_parties_from_the_declared_power_plank():
    from antaeus.engine.actors import Actors
    from antaeus.engine.world import World

    for cut, joins in ((0.8, True), (0.99, False)):
        s = load_scenario("russia1917", sets=[f"parameters.power.ally_power_cut={cut}"])
        w = World.initial(s)
        left = w.index("left_srs")
        w.available[left], w.platforms[left, 3] = True, 0.9
        assert (left in Actors(s, w, 0, np.ones(len(w.regions))).allies(w, w.index("bolsheviks"))) is joins


def test_a_separate_peace_and_a_failed_offensive_act_by_their_declared_sizes():
    from antaeus.engine import events
    from antaeus.engine.population import layout, populate
    from antaeus.engine.world import World

    s = load_scenario("russia1917", overlays=["separate-peace"], sets=["parameters.war.peace_reserve_gain=2.5"])
    lay = layout(s, 400)
    people, w = populate(s, lay, 1), World.initial(s)
    events.apply(s.events["separate_peace"], s, w, people, lay, lambda *a: None)
    assert w.loyal_reserve_factor == 2.5
    people.legitimacy[:] = 0.8
    w.offensive = (10, 20, 0.3)
    events.collapse_of_offensive(w, 20, people, lay, 0.4)
    assert np.all(people.legitimacy == np.float32(0.8))                           # not yet: it runs to day 20
    events.collapse_of_offensive(w, 21, people, lay, 0.4)
    assert np.allclose(people.legitimacy, 0.8 - 0.4 * 0.3)                         # the day after, it has failed
