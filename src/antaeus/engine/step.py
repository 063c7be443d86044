"""One day for every person: demands, influence, legitimacy, party choice and mobilisation.

The mechanisms' per-person rules (``antaeus.mechanisms``) are fused here into one pass per
locale so the locale's agents stay in cache. Locales are processed in chunks over threads;
each locale is handled by one thread in a fixed order and every random draw is keyed by the
agent's index, so the result is the same for any thread count or chunk size.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, prange

from ..mechanisms import demands, influence, legitimacy, mobilisation, support
from ..core import rng

#: A March demand as a fraction, by its value in 255ths: a look-up instead of four divisions a
#: person a day (the same doubles as ``q / 255.0``).
FROM_255THS = np.arange(256) / 255.0

# Positions of the scalar parameters in the ``theta`` vector handed to the kernel.
THETA = (
    ("demands", "adaptation_rate"), ("demands", "driver_gain"), ("demands", "power_gain"),
    ("influence", "epsilon"), ("influence", "mu"), ("influence", "interlocale_weight"),
    ("legitimacy", "adaptation_rate"), ("legitimacy", "anchor"), ("legitimacy", "unmet_weight"),
    ("support", "platform_fit"), ("support", "reach_weight"), ("support", "conformity_weight"),
    ("support", "attachment_weight"), ("support", "reconsider_rate"),
    ("mobilisation", "arrest_constant"), ("mobilisation", "cascade_weight"), ("mobilisation", "hardship_scale"),
    ("decisions", "power_demand_cut"), ("decisions", "loyalty_cut"), ("mobilisation", "cop_ratio"),
    ("support", "overshoot_weight"), ("support", "incumbency_weight"),
    ("mobilisation", "fatigue_weight"), ("mobilisation", "fatigue_days"), ("mobilisation", "rejoin_share"),
    ("mobilisation", "field_work_cost"), ("support", "attachment_gain"), ("support", "attachment_reset"),
    ("support", "alienation_weight"), ("mobilisation", "village_majority"), ("mobilisation", "village_taken"),
    ("mobilisation", "village_memory_days"), ("mobilisation", "village_occasion"),
    ("mobilisation", "village_contagion"), ("support", "faction_standing"),
)


def theta(parameters) -> np.ndarray:
    return np.array([getattr(getattr(parameters, m), f) for m, f in THETA], np.float64)


#: The kernel's inputs and outputs as named bundles (Numba takes named tuples of arrays and
#: scalars as arguments): the locales, the people, today's conditions, and the per-locale counts.
Locales = namedtuple("Locales", "start region group village")
People = namedtuple("People", "hardship risk threshold demand legitimacy party attachment active fatigue march_demand")
Today = namedtuple("Today", "drivers march march_legitimacy march_policy exposure policy platforms "
                            "available governing log_reach region_mean repression busy prev_active splitter split_parent "
                            "regime_shift polling example")
Counts = namedtuple("Counts", "party radical sums active onsets loyal leaning closer votes")


def people_of(agents) -> People:
    """The kernel's view of :class:`antaeus.engine.population.Agents` (the same arrays)."""
    return People(agents.hardship, agents.risk_aversion, agents.threshold, agents.demand, agents.legitimacy,
                  agents.party, agents.attachment, agents.active, agents.fatigue, agents.march_demand)


def new_counts(locales: int, parties: int) -> Counts:
    return Counts(np.zeros((locales, parties), np.int32), np.zeros((locales, parties), np.int32),
                  np.zeros((locales, 5), np.float64), np.zeros(locales, np.int32), np.zeros(locales, np.int32),
                  np.zeros(locales, np.int32), np.zeros(locales, np.float64), np.zeros(locales, np.float64),
                  np.zeros((locales, parties), np.float64))


@njit(cache=True, error_model="numpy")
def _opinions(demand, march_demand, kept, legit, kept_legit, turns, a0, size, mean, drive_peace, drive_land,
              drive_bread, power_exposure, march_legitimacy, policy, march_policy, th, seed, day):
    """Demands, legitimacy and who reconsiders their party today, for the people ``a0 .. a0+size``
    of one locale. Writes the new demands and legitimacy into the people's arrays (float32) and,
    unrounded, into ``kept`` [4, size] and ``kept_legit`` [size] for the party choice and the
    counts; ``turns`` [size]: reconsiders today. No branch depends on a person, so the loop
    vectorises."""
    rate, gain, pgain, eps, mu = th[0], th[1], th[2], th[3], th[4]
    l_rate, l_anchor, l_weight, reconsider = th[6], th[7], th[8], th[13]
    m0, m1, m2, m3, m4 = mean[0], mean[1], mean[2], mean[3], mean[4]
    pol0, pol1, pol2 = policy[0], policy[1], policy[2]
    mp0, mp1, mp2 = march_policy[0], march_policy[1], march_policy[2]
    for j in range(size):
        i = a0 + j
        L = np.float64(legit[i])
        q0 = FROM_255THS[march_demand[0, i]]
        q1 = FROM_255THS[march_demand[1, i]]
        q2 = FROM_255THS[march_demand[2, i]]
        q3 = FROM_255THS[march_demand[3, i]]
        # demands follow their drivers since March, then bounded-confidence influence
        x0 = influence.bounded_confidence(demands.adapt(demand[0, i], demands.target(q0, drive_peace, gain), rate),
                                          m0, eps, mu)
        x1 = influence.bounded_confidence(demands.adapt(demand[1, i], demands.target(q1, drive_land, gain), rate),
                                          m1, eps, mu)
        x2 = influence.bounded_confidence(demands.adapt(demand[2, i], demands.target(q2, drive_bread, gain), rate),
                                          m2, eps, mu)
        power_goal = demands.target(q3, (march_legitimacy - L) * power_exposure, pgain)
        x3 = influence.bounded_confidence(demands.adapt(demand[3, i], power_goal, rate), m3, eps, mu)
        demand[0, i], demand[1, i], demand[2, i], demand[3, i] = x0, x1, x2, x3
        kept[0, j], kept[1, j], kept[2, j], kept[3, j] = x0, x1, x2, x3
        # legitimacy of the government in power: its shortfall against the one March already answers
        short = legitimacy.unmet(x0, x1, x2, pol0, pol1, pol2) - legitimacy.unmet(q0, q1, q2, mp0, mp1, mp2)
        L = legitimacy.update(L, short, march_legitimacy, l_anchor, l_weight, l_rate)
        L = influence.bounded_confidence(L, m4, eps, mu)
        legit[i] = L
        kept_legit[j] = L
        turns[j] = rng.uniform(seed, rng.STREAM_SUPPORT, day, i, 0) < reconsider


@njit(inline="always", cache=True)
def _seen(kept, regime_shift):
    """The legitimacy a person's mobilisation reads: the one they grant the government, moved by
    ``regime_shift`` while an old regime rules, clipped to 0..1."""
    return min(max(kept + regime_shift, 0.0), 1.0)


@njit(cache=True, error_model="numpy")
def _mobilise(kept_legit, hardship, fatigue, active, risk, threshold, a0, size, felt, p_arrest, cascade, busy,
              regime_shift, th):
    """Epstein's rule with a Granovetter cascade term and fatigue for one locale's people:
    ``cascade`` lowers the threshold by the weighted share active yesterday, ``busy`` (the field
    season) raises it, ``regime_shift`` moves the legitimacy each grants the government to that
    of the regime in power (non-zero only while an old regime rules). Returns the people active,
    those who started today, and the loyal quiet."""
    loyal_cut, f_weight, f_days, rejoin = th[18], th[22], th[23], th[24]
    n_active, n_onsets, n_loyal = 0, 0, 0
    for j in range(size):
        i = a0 + j
        L = _seen(kept_legit[j], regime_shift)
        griev = mobilisation.grievance(hardship[i] * felt, L)
        was = active[i] == 1
        tired = mobilisation.fatigue_cost(fatigue[i], was, f_weight, rejoin)
        act = mobilisation.is_active(griev, risk[i], p_arrest, threshold[i] - cascade + tired + busy)
        fatigue[i] = mobilisation.tire(fatigue[i], act, f_days)
        n_active += act
        n_onsets += act and not was
        n_loyal += (not act) and L > loyal_cut
        active[i] = act
    return n_active, n_onsets, n_loyal


@njit(cache=True, error_model="numpy")
def _village(kept_legit, hardship, fatigue, active, risk, threshold, a0, size, felt, p_arrest, busy, regime_shift,
             chance, th):
    """A village acts as one: each of its people gives their own verdict by Epstein's rule with
    fatigue, felt hardship less what the village has taken, and no cascade term; the village
    is ready when the assembly's majority is for it (mobilisation.skhod), and the whole village
    acts when it is ready and already in action or finds its occasion today (``chance``,
    mobilisation.rises). Returns the people active, those who started today, and the loyal quiet."""
    loyal_cut, f_weight, rejoin = th[18], th[22], th[24]
    majority, taken, memory = th[29], th[30], th[31]
    ayes, loyal = 0, 0
    for j in range(size):
        i = a0 + j
        L = _seen(kept_legit[j], regime_shift)
        griev = mobilisation.grievance(hardship[i] * mobilisation.what_is_left(felt, fatigue[i], taken), L)
        tired = mobilisation.fatigue_cost(fatigue[i], active[i] == 1, f_weight, rejoin)
        ayes += mobilisation.is_active(griev, risk[i], p_arrest, threshold[i] + tired + busy)
        loyal += L > loyal_cut
    act = mobilisation.rises(mobilisation.skhod(ayes, size, majority), active[a0] == 1, chance)
    n_active, n_onsets = 0, 0
    for j in range(size):
        i = a0 + j
        n_active += act
        n_onsets += act and active[i] == 0
        fatigue[i] = mobilisation.tire(fatigue[i], act, memory)
        active[i] = act
    return n_active, n_onsets, (0 if act else loyal)


@njit(cache=True, error_model="numpy")
def _faction_gains(kept, gains, size, platforms, faction, parent, fit, overshoot):
    """The faction's gain in platform fit over its parent for each of a locale's people (``kept``:
    their demands today); vectorises."""
    for j in range(size):
        gains[j] = support.faction_gain(kept[0, j], kept[1, j], kept[2, j], kept[3, j], platforms, faction, parent,
                                        fit, overshoot)


@njit(parallel=True, cache=True, error_model="numpy")
def advance(seed, day, chunk, th, locales, people, today, out):
    """Advance every person by one day; write per-locale counts into ``out`` (:data:`Counts`).

    ``locales``: agent offsets [L+1], each locale's region and group, and its village conditions
    (``village`` [L]: the factor on a village's felt hardship, 0 where the locale is not a village,
    mobilisation.village_conditions). ``people``: the per-agent
    arrays of :class:`~antaeus.engine.population.Agents` (``fatigue`` is each person's running mean
    of their own days in action, updated here; ``march_demand`` [4,N] uint8, each person's March
    demands in 255ths). ``today``: drivers [R,3] bread, war, land; march [R,3] the same on the first
    day (the conditions the March demands already answer); march_legitimacy the government's
    starting legitimacy; march_policy [4] the March government's policy (what it left unmet in a
    person's March demands, the March legitimacy already answers); exposure [G,4] (bread, war,
    land, power); policy [4]; platforms [P,4]; available [P] bool; governing [P] bool (in the
    government); log_reach [P,R]; region_mean [R,5] (four demands and legitimacy, yesterday);
    repression [R]; busy [R,G] today's cost of action from the field calendar (field_work_cost
    times the season's load, for the groups bound to it); prev_active [L] (people active
    yesterday); splitter, split_parent: the party that can split and its parent (-1: none);
    regime_shift [R]: the old regime's legitimacy less the government's starting one in the regions
    where the old regime is being fought while it rules (mobilisation measures grievances against
    it), else 0; polling: a popular
    election is held today, so each person's chance of voting for their party is added into
    ``out.votes`` (support.turnout), which is left alone on other days; example [R]: the share of
    each region's villages in action yesterday (mobilisation.example), which raises a ready
    village's chance of its occasion (mobilisation.occasion_rate).
    """
    locale_start, locale_region, locale_group, village = locales.start, locales.region, locales.group, locales.village
    hardship, risk, threshold, demand = people.hardship, people.risk, people.threshold, people.demand
    legit, party, attachment, active = people.legitimacy, people.party, people.attachment, people.active
    fatigue, march_demand = people.fatigue, people.march_demand
    drivers, march, march_legitimacy, march_policy = today.drivers, today.march, today.march_legitimacy, today.march_policy
    exposure, policy, platforms, available = today.exposure, today.policy, today.platforms, today.available
    governing, log_reach, region_mean, repression = today.governing, today.log_reach, today.region_mean, today.repression
    busy, prev_active, splitter, split_parent = today.busy, today.prev_active, today.splitter, today.split_parent
    regime_shift, polling, example = today.regime_shift, today.polling, today.example
    out_party, out_radical, out_sums, out_active = out.party, out.radical, out.sums, out.active
    out_votes = out.votes
    out_onsets, out_loyal, out_leaning, out_closer = out.onsets, out.loyal, out.leaning, out.closer
    w_link = th[5]
    fit, w_reach, w_conf, w_attach = th[9], th[10], th[11], th[12]
    k_arrest, cascade, h_scale = th[14], th[15], th[16]
    power_cut, cop_ratio, overshoot, w_gov = th[17], th[19], th[20], th[21]
    a_gain, a_reset, alienation = th[26], th[27], th[28]
    occasion_rate, contagion, w_faction = th[32], th[33], th[34] * th[10]
    n_locales = locale_region.size
    n_parties = platforms.shape[0]
    n_chunks = (n_locales + chunk - 1) // chunk
    widest = 0
    for l in range(n_locales):
        widest = max(widest, locale_start[l + 1] - locale_start[l])
    for c in prange(n_chunks):
        mean = np.empty(5)
        counts = np.empty(n_parties)
        share = np.empty(n_parties)
        kept = np.empty((4, widest))  # the locale's people's demands today, unrounded
        kept_legit = np.empty(widest)
        turns = np.empty(widest, np.bool_)
        gains = np.empty(widest)
        d = np.empty(4)
        for l in range(c * chunk, min((c + 1) * chunk, n_locales)):
            # unsigned offsets: Numba then indexes the agent arrays without checking for negative
            # indices, and the loops over a locale's people vectorise
            a0, a1 = np.uint64(locale_start[l]), np.uint64(locale_start[l + 1])
            size = a1 - a0
            r, g = locale_region[l], locale_group[l]
            # the locale's surrounding opinion and party shares (yesterday's state)
            mean[:] = 0.0
            counts[:] = 0.0
            for i in range(a0, a1):
                for k in range(4):
                    mean[k] += demand[k, i]
                mean[4] += legit[i]
                counts[party[i]] += 1.0
            for k in range(5):
                mean[k] = (1.0 - w_link) * mean[k] / size + w_link * region_mean[r, k]
            for p in range(n_parties):
                share[p] = counts[p] / size
            share_active = prev_active[l] / size
            p_arrest = mobilisation.arrest_probability(k_arrest, repression[r] * cop_ratio * size, prev_active[l])
            felt = h_scale * (exposure[g, 0] * drivers[r, 0] + exposure[g, 1] * drivers[r, 1]
                              + exposure[g, 2] * drivers[r, 2])
            felt = min(felt, 1.0)
            # demands answer the change since March: the March demands already answer March
            drive_peace = (drivers[r, 1] - march[r, 1]) * exposure[g, 1]
            drive_land = (drivers[r, 2] - march[r, 2]) * exposure[g, 2]
            drive_bread = (drivers[r, 0] - march[r, 0]) * exposure[g, 0]
            _opinions(demand, march_demand, kept, legit, kept_legit, turns, a0, size, mean, drive_peace, drive_land,
                      drive_bread, exposure[g, 3], march_legitimacy, policy, march_policy, th, seed, day)
            if village[l] > 0.0:
                chance = mobilisation.occasion(seed, day, l,
                                               mobilisation.occasion_rate(occasion_rate, contagion, example[r]))
                n_active, n_onsets, n_loyal = _village(kept_legit, hardship, fatigue, active, risk, threshold, a0,
                                                       size, felt * village[l], p_arrest, busy[r, g], regime_shift[r],
                                                       chance, th)
            else:
                n_active, n_onsets, n_loyal = _mobilise(kept_legit, hardship, fatigue, active, risk, threshold, a0,
                                                        size, felt, p_arrest, cascade * share_active, busy[r, g],
                                                        regime_shift[r], th)
            # party choice (a fraction reconsider each day) and the locale's counts, in the people's order
            n_leaning = n_closer = 0.0
            for j in range(size):
                i = a0 + j
                for k in range(4):
                    d[k] = kept[k, j]
                L = kept_legit[j]
                if turns[j]:
                    current = party[i]
                    best, best_u = current, -1e300
                    for p in range(n_parties):
                        if not available[p]:
                            continue
                        u = support.utility(d, platforms, p, log_reach[p, r], share[p],
                                            p == current, attachment[i], fit, overshoot, w_reach, w_conf, w_attach)
                        u += support.incumbency(L, governing[p], w_gov)
                        u += support.gumbel(seed, day, i, 1 + p)
                        if u > best_u:
                            best, best_u = p, u
                    if best == current:
                        attachment[i] = min(1.0, attachment[i] + a_gain)
                    else:
                        party[i] = best
                        attachment[i] = a_reset
                p = party[i]
                out_party[l, p] += 1
                if polling:
                    out_votes[l, p] += support.turnout(
                        support.platform_distance(d[0], d[1], d[2], d[3], platforms, p, overshoot), alienation)
                if d[3] > power_cut:
                    out_radical[l, p] += 1
                for k in range(4):
                    out_sums[l, k] += d[k]
                out_sums[l, 4] += L
            if splitter >= 0:
                # the faction: the logit chance of the splitter over the parent, on platform fit alone
                # (closer: the following its platform has) and with the two organisations' reach (leaning)
                _faction_gains(kept, gains, size, platforms, splitter, split_parent, fit, overshoot)
                standing = w_faction * (log_reach[splitter, r] - log_reach[split_parent, r])
                for j in range(size):
                    if party[a0 + j] == split_parent:
                        n_closer += support.faction_leaning(gains[j])
                        n_leaning += support.faction_leaning(gains[j] + standing)
            out_active[l] = n_active
            out_onsets[l] = n_onsets
            out_loyal[l] = n_loyal
            out_leaning[l] = n_leaning
            out_closer[l] = n_closer
