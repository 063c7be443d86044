"""The course of the year (issue 16): a rising from below and its repression, the coup's
contest and aftermath, and the insurrection's timing by a congress of soviets."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from antaeus.engine.actors import RISING, Actors, Forces
from antaeus.engine.simulate import Run
from antaeus.engine.world import World
from antaeus.mechanisms import assembly, congress, coup, decisions, power, rising
from antaeus.scenario import load_scenario


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("russia1917")


def _run_at(scenario, date: dt.date, seed: int = 3, agents: int = 1500) -> Run:
    run = Run.start(scenario, seed, agents)
    return run.advance(run.day_of(date))


def _forces(w: World, radical: float, loyal: float, support: float = 0.0) -> Forces:
    """Forces spread evenly: ``radical`` and ``support`` people of each party in each cell."""
    R, G, P = len(w.regions), len(w.groups), len(w.parties)
    pop = np.full((R, G), 10_000.0)
    return Forces(np.full((R, G, P), radical), np.full((R, G), loyal), np.full((R, G, P), support),
                  np.zeros((R, G)), np.zeros((R, G)), np.zeros((R, G)), pop)


# -- a rising from below ------------------------------------------------------------------------
def test_the_crowd_counts_armed_people_out_for_soviet_power():
    armed = np.array([1.0, 0.0])
    # half the soldiers out, all of them radical; the unarmed group does not count
    assert rising.crowd(np.array([50.0, 90.0]), np.array([100.0, 90.0]), np.array([100.0, 100.0]), armed) == 0.5
    # action and radicalism taken as independent within a group
    assert rising.crowd(np.array([50.0, 0.0]), np.array([50.0, 0.0]), np.array([100.0, 1.0]), armed) == 0.25
    assert rising.crowd(np.zeros(2), np.zeros(2), np.zeros(2), armed) == 0.0


def test_a_failed_rising_represses_the_party_and_strengthens_the_government(scenario):
    run = _run_at(scenario, dt.date(1917, 7, 10))
    w = run.state.world
    b = w.index("bolsheviks")
    reach, members, repression = w.base_reach[b].copy(), w.members[b], w.repression.copy()
    d = run.state.day
    run._settle("bolsheviks", "rising", False, 0.3, False, run.dates[d], d)
    rp = scenario.parameters.rising
    assert w.cooldown["bolsheviks"] == d + round(rp.leaders_out_days)
    assert w.press_closed["bolsheviks"] == d + round(rp.press_closed_days)
    assert np.allclose(w.base_reach[b], reach * (1 - rp.reach_loss))
    assert w.members[b] == pytest.approx(members * (1 - rp.member_loss))
    assert np.allclose(w.repression, repression * (1 + rp.repression_gain))
    assert w.crowd_quiet_until == d + round(rp.lesson_days)
    assert rising.repression(100, rising.Params(lesson_days=110.0)).crowd_quiet_until == 210
    assert w.holder == "provisional_government"
    # the closed press enrols no one: tomorrow the party's members can only fall
    before = w.members[b]
    run.advance(d + 2)
    assert w.members[b] <= before


def test_a_rising_that_wins_is_an_insurrection_of_the_bloc(scenario):
    run = _run_at(scenario, dt.date(1917, 7, 10))
    d = run.state.day
    run._settle("bolsheviks", "rising", True, 0.7, False, run.dates[d], d)
    last = run.state.records.power_log[-1]
    assert last.route == "insurrection" and last.holder.startswith("soviet_government:bolsheviks")


def test_risings_from_below_are_recorded_with_the_crowd_against_its_cut():
    # a crowd that rises readily, without the lesson of July
    low = load_scenario("russia1917", sets=["parameters.rising.crowd_cut=0.02", "parameters.rising.lesson_days=0"])
    run = Run.start(low, 5, 2000)
    result = run.advance(run.days).result()
    risings = [d for d in result.decisions if d.actor == RISING]
    assert risings
    for d in risings:
        assert d.action == "rising" and d.acted and d.p_perceived >= d.threshold
        assert d.outcome in ("success", "failure") and 0.0 <= d.p_true <= 1.0
        assert d.date > dt.date(1917, 3, 15)  # there is a government to rise against
    # without the lesson, only the leaders' days out hold the crowd back after a failure
    gaps = [(b.date - a.date).days for a, b in zip(risings, risings[1:]) if a.outcome == "failure"]
    out_days = low.parameters.rising.leaders_out_days
    assert gaps and all(g >= out_days for g in gaps)
    # with the lesson of July the crowd stays quiet longer after a failure
    lesson = 110
    learned = load_scenario("russia1917", sets=["parameters.rising.crowd_cut=0.02",
                                                f"parameters.rising.lesson_days={lesson}"])
    quiet = [d for d in Run.start(learned, 5, 2000).advance(run.days).result().decisions if d.actor == RISING]
    assert quiet and all((b.date - a.date).days >= lesson for a, b in zip(quiet, quiet[1:]) if a.outcome == "failure")
    assert min(gaps) < lesson  # without the lesson it rose again sooner: the lesson is what holds it back
    # no rising at all when the cut cannot be reached
    never = load_scenario("russia1917", sets=["parameters.rising.crowd_cut=1.0"])
    assert not [d for d in Run.start(never, 5, 2000).advance(run.days).result().decisions if d.actor == RISING]


# -- the coup -----------------------------------------------------------------------------------
def test_the_railwaymen_and_the_soviet_camp_stand_against_a_coup():
    p = coup.Params(rail_obstruction=0.5, soviet_defence=0.3)
    assert coup.attack(1000.0, 200.0, 0.0, p) == 1200.0
    assert coup.attack(1000.0, 200.0, 1.0, p) == 600.0
    assert coup.defence(100.0, 1100.0, p) == pytest.approx(100.0 + 0.3 * 1000.0)
    assert coup.defence(100.0, 50.0, p) == 100.0  # the camp never subtracts


def test_the_soviets_legality_counts_against_a_coup(scenario):
    w = World.initial(scenario)
    actors = Actors(scenario, w, 0, np.ones(len(w.regions)))
    w.soviets[:] = 0.0
    w.soviets[:, w.index("srs")] = 1.0  # a soviet of the soviet parties alone
    socialist = actors.coup_odds(w, _forces(w, radical=10.0, loyal=100.0, support=20.0))
    w.soviets[:] = 0.0
    w.soviets[:, w.index("kadets")] = 1.0  # a soviet of none of the soviet parties
    assert actors.coup_odds(w, _forces(w, radical=10.0, loyal=100.0, support=20.0)) - socialist == pytest.approx(
        2 * scenario.parameters.decisions.soviet_weight)


def test_a_defeated_coup_frees_and_arms_the_radicals_and_turns_the_soviets(scenario):
    run = _run_at(scenario, dt.date(1917, 9, 9))
    w = run.state.world
    b = w.index("bolsheviks")
    w.cooldown["bolsheviks"], w.press_closed["bolsheviks"] = 10_000, 10_000
    reach, repression, soviets = w.base_reach[b].copy(), w.repression.copy(), w.soviets.copy()
    d = run.state.day
    run._settle("army_command", "coup", False, 0.2, False, run.dates[d], d)
    cp = scenario.parameters.coup
    assert "bolsheviks" not in w.cooldown and "bolsheviks" not in w.press_closed
    assert np.allclose(w.base_reach[b], np.minimum(reach * (1 + cp.release_reach), 1.0))
    assert np.allclose(w.repression, repression * (1 - cp.arming))
    support = run.state.support_now[:, run.c.constituent, :].sum(axis=1)
    target = support / support.sum(axis=1, keepdims=True)
    assert np.abs(w.soviets - target).sum() == pytest.approx((1 - cp.soviet_turn) * np.abs(soviets - target).sum())
    assert w.cooldown["army_command"] > d


# -- the congress of soviets --------------------------------------------------------------------
def test_a_congress_lends_its_name_only_on_its_eve():
    p = congress.Params(window_days=5, horizon_days=40, party_call=0.5, legitimacy_weight=0.0)
    assert congress.days_to(100, (90, 120, 200)) == 20 and congress.days_to(250, (90, 120)) is None
    assert congress.on_eve(5, p) and congress.on_eve(0, p) and not congress.on_eve(6, p) and not congress.on_eve(None, p)
    assert congress.rising_force(1000.0, 3000.0, False, p) == 500.0
    assert congress.rising_force(1000.0, 3000.0, True, p) == 3000.0
    assert congress.worth_waiting(30, 0.1, 0.5, p) and not congress.worth_waiting(30, 0.5, 0.1, p)
    assert not congress.worth_waiting(41, 0.1, 0.5, p)  # its date is not known yet
    assert not congress.worth_waiting(3, 0.1, 0.5, p)  # already on its eve: act


def test_the_congress_s_name_is_worth_odds_up_to_the_legitimacy_weight():
    p = congress.Params(window_days=5, horizon_days=40, legitimacy_weight=2.0)
    assert congress.worth_waiting(30, 3.0, 1.5, p)  # better odds now, but by less than the congress's name is worth
    assert not congress.worth_waiting(30, 3.0, 0.5, p)  # better now by more than 2 log-odds: act
    assert not congress.worth_waiting(41, 3.0, 2.9, p)  # no congress expected yet: nothing to weigh
    lenin = congress.Params(window_days=5, horizon_days=40, legitimacy_weight=0.0)
    assert not congress.worth_waiting(30, 3.0, 1.5, lenin)  # odds alone: act now


def test_on_a_congress_eve_the_bloc_acts_with_the_congress_share_and_everyone_radical(scenario):
    w = World.initial(scenario)
    delegates = np.ones(len(w.regions))
    actors = Actors(scenario, w, 0, delegates)
    b = w.index("bolsheviks")
    w.soviets[:] = 0.0
    w.soviets[:, b] = 0.6
    w.soviets[:, w.index("srs")] = 0.4
    f = _forces(w, radical=10.0, loyal=100.0)
    dp = scenario.parameters.decisions
    eve, call = actors.insurrection_odds(w, f, b, True), actors.insurrection_odds(w, f, b, False)
    everyone = actors._radical(f, range(len(w.parties)))
    bloc = actors._radical(f, actors.allies(w, b))
    defence = actors._defence(f, w)
    assert eve == pytest.approx(decisions.true_log_odds(everyone, defence, 0.6, dp))
    assert call == pytest.approx(decisions.true_log_odds(scenario.parameters.congress.party_call * bloc, defence, 0.6, dp))
    assert eve > call
    congress_day = actors.congresses[-1]
    assert actors.waits_for_congress("bolsheviks", w, f, congress_day - 20, call) is not None
    assert actors.waits_for_congress("bolsheviks", w, f, congress_day - 2, call) is None
    assert actors.waits_for_congress("srs", w, f, congress_day - 20, call) is None


def test_an_insurrection_on_the_congress_eve_is_ratified(scenario):
    run = _run_at(scenario, dt.date(1917, 11, 5))
    people = run.state.people
    before = people.legitimacy.copy()
    d = run.state.day
    run._settle("bolsheviks", "insurrection", True, 0.8, True, run.dates[d], d)
    gain = scenario.parameters.congress.sanction_legitimacy
    assert np.allclose(people.legitimacy, np.clip(before + np.float32(gain), 0, 1))
    assert run.state.records.power_log[-1].note == "in the name of the congress of soviets"


# -- cooperation at the base (Q1) ---------------------------------------------------------------
def test_cooperating_parties_reach_people_through_each_others_organisations():
    from antaeus.mechanisms import cooperation

    reach = np.array([[0.6, 0.1], [0.2, 0.5], [0.3, 0.3]])
    p = cooperation.Params(joint_reach=0.5)
    shared = cooperation.shared_reach(reach, [0, 1], 1.0, p)
    assert np.allclose(shared, [[0.6, 0.3], [0.4, 0.5], [0.3, 0.3]])  # the third party is no partner
    assert np.array_equal(cooperation.shared_reach(reach, [0, 1], 0.0, p), reach)
    assert np.allclose(cooperation.shared_reach(reach, [0, 1], 0.5, p)[1, 0], 0.3)


def test_base_cooperation_changes_support_and_the_soviets(scenario):
    factual = Run.start(scenario, 4, 2000)
    joint = Run.start(load_scenario("russia1917", overlays=["base-cooperation"]), 4, 2000)
    day = factual.day_of(dt.date(1917, 7, 1))
    a, b = factual.advance(day).result(), joint.advance(day).result()
    lenin = factual.day_of(dt.date(1917, 4, 16))
    assert np.array_equal(a.support[:lenin], b.support[:lenin])  # nothing differs before the turn
    # the parties reach people through each other's organisations: support and the soviets move
    # (which way is an outcome, measured over ensembles, not asserted here)
    assert not np.array_equal(a.support[lenin + 30], b.support[lenin + 30])
    assert not np.array_equal(a.soviets[-1], b.soviets[-1])
    without = Run.start(load_scenario("russia1917", overlays=["base-cooperation"],
                                      sets=["parameters.cooperation.joint_reach=0"]), 4, 2000)
    assert not np.array_equal(without.advance(day).result().support[-1], b.support[-1])


def test_the_february_days_rise_against_the_old_regime(scenario):
    """Until the abdication the capital measures its grievances against the tsar's government:
    with the old regime's legitimacy below the coming government's the Petrograd strike grows
    over the first days (the record: about 100,000, 200,000 and 300,000 on 8-10 March); with the
    old regime as legitimate as the Provisional Government it does not. From the abdication the
    shift is gone, and the new government has its weeks of consolidation."""
    from antaeus.engine.simulate import _regime_shift
    from antaeus.scenario.loader import with_parameters

    tsar = with_parameters(scenario, {"old_regime.legitimacy": 0.1})
    same = with_parameters(scenario, {"old_regime.legitimacy": scenario.government.legitimacy})
    eve = dt.date(1917, 3, 14)  # the day before the abdication
    a, b = _run_at(tsar, eve, agents=4000).result(), _run_at(same, eve, agents=4000).result()
    pet, workers = a.regions.index("petrograd"), a.groups.index("industrial_worker")
    strike, calm = a.active[:, pet, workers], b.active[:, pet, workers]
    assert strike[2] > strike[0] > 0 and strike[:4].sum() > 2 * calm[:4].sum(), (strike, calm)
    run = _run_at(tsar, dt.date(1917, 3, 16), agents=1500)
    w = run.state.world
    assert w.holder == "provisional_government" and not _regime_shift(tsar, w, dt.date(1917, 3, 16)).any()
    # the new government consolidates like any other: the crowd still out from February cannot
    # turn on it the day it is formed (a rising from below needs a party that may contest power)
    assert w.last_change == run.day_of(dt.date(1917, 3, 15))
    assert run.actors.contested("bolsheviks", w, w.last_change + 1) == "the new government is consolidating its hold"
    # the old regime is fought where the record puts the February days, from their first day there
    first = World.initial(tsar)
    shift = {day: dict(zip(first.regions, _regime_shift(tsar, first, dt.date(1917, 3, day)))) for day in (8, 13, 14)}
    fought = 0.1 - tsar.government.legitimacy
    assert shift[8]["petrograd"] == pytest.approx(fought) and shift[8]["moscow"] == 0.0
    assert shift[13]["moscow"] == pytest.approx(fought) and shift[13]["baltic_fleet"] == 0.0
    assert shift[14]["baltic_fleet"] == pytest.approx(fought)
    assert {r for r, v in shift[14].items() if v} == {"petrograd", "moscow", "baltic_fleet"}
    everywhere = tsar.model_copy(update={"old_regime": tsar.old_regime.model_copy(update={"fought_in": {}})})
    assert np.allclose(_regime_shift(everywhere, first, dt.date(1917, 3, 8)), fought)


# -- the Constituent Assembly's session (item 2 of issue 16) ------------------------------------
PLATFORMS = np.array([[0.45, 0.7, 0.4, 0.35],    # SR
                      [0.95, 0.9, 0.85, 1.0],    # Bolsheviks
                      [0.1, 0.15, 0.4, 0.0],     # Kadets
                      [0.4, 0.4, 0.45, 0.3],     # Mensheviks
                      [0.5, 0.8, 0.35, 0.35]])   # national lists


def test_the_assembly_government_is_the_largest_party_with_its_nearest_neighbours():
    seats = np.array([0.40, 0.24, 0.05, 0.03, 0.28])
    # the SRs are largest; the national lists' platform lies nearest theirs and carries them past half
    assert assembly.coalition(seats, PLATFORMS) == [0, 4]
    out = assembly.assembly_government(["srs", "bolsheviks", "kadets", "mensheviks", "others"], seats, PLATFORMS)
    assert (out.route, out.holder, out.ruling) == ("assembly", "assembly_government:srs+others", ("srs", "others"))
    assert out.policy == pytest.approx(tuple((PLATFORMS[0] * 0.40 + PLATFORMS[4] * 0.28) / 0.68))
    # a party with a majority of its own governs alone; without one the nearest join until past half
    assert assembly.coalition(np.array([0.1, 0.6, 0.1, 0.1, 0.1]), PLATFORMS) == [1]
    # ties go to the first party; a list without seats never joins, however near its platform
    assert assembly.coalition(np.array([0.3, 0.1, 0.3, 0.3, 0.0]), PLATFORMS) == [0, 3]


def test_a_government_answers_the_assembly_by_its_majority():
    assert assembly.response("soviet_government:bolsheviks+left_srs", True) == assembly.ENDORSED
    assert assembly.response("soviet_government:bolsheviks+left_srs", False) == assembly.DISPERSES
    assert assembly.response("military_government", False) == assembly.DISPERSES
    assert assembly.response("provisional_government", True) == assembly.HANDS_OVER
    # a faction that ran on its parent's lists sits with the parent
    joint = assembly.joint_lists(np.array([0.40, 0.24, 0.05, 0.06]), np.array([-1, -1, -1, 0]))
    assert joint == pytest.approx([0.46, 0.24, 0.05, 0.0])
    p = assembly.Params()
    assert assembly.dispersal_log_odds(1000.0, 1000.0, 0.5, 2.0, p) == pytest.approx(0.0)
    assert assembly.dispersal_log_odds(2000.0, 1000.0, 0.5, 2.0, p) == pytest.approx(2.0 * np.log(2.0))
    assert assembly.dispersal_log_odds(1000.0, 1000.0, 0.25, 2.0, p) == pytest.approx(-0.5 * p.legality_weight)


def _session(scenario, holder, ruling, seats, government_side, assembly_side):
    """The engine's answer to the Assembly with the named government and hand-made forces: the
    government's parties have ``government_side`` supporters in each cell, every other party
    ``assembly_side``."""
    run = _run_at(scenario, dt.date(1917, 11, 26), agents=1500)
    w = run.state.world
    w.holder, w.ruling = holder, tuple(ruling)
    forces = _forces(w, 0.0, 0.0)
    for p in w.parties:
        forces.support[:, :, w.index(p)] = government_side if p in ruling else assembly_side
    applied = []
    d = run.state.day
    decision = run.actors.assembly_session(w, forces, d, run.dates[d], np.array([seats.get(p, 0.0) for p in w.parties]),
                                           lambda actor, out: applied.append(out))
    return decision, applied


def test_the_engine_resolves_the_assembly_with_the_governments_and_the_majoritys_armed_people(scenario):
    seats = {"srs": 0.45, "bolsheviks": 0.24, "left_srs": 0.01, "kadets": 0.05, "mensheviks": 0.03, "others": 0.22}
    soviet = ("soviet_government:bolsheviks+left_srs", ["bolsheviks", "left_srs"])
    # the Provisional Government hands power over whatever the forces
    decision, applied = _session(scenario, "provisional_government", ["kadets", "srs", "mensheviks"], seats, 1.0, 1.0)
    assert (decision.action, decision.outcome) == ("assembly", "hands_over")
    assert len(applied) == 1 and applied[0].route == "assembly" and applied[0].ruling[0] == "srs"
    # a soviet government whose leading party is in the Assembly's majority is endorsed; the Left
    # SRs ran on the SR lists, so their voters' seats sit with the SRs
    decision, applied = _session(scenario, *soviet, {"bolsheviks": 0.55, "srs": 0.45}, 1.0, 1.0)
    assert (decision.action, decision.outcome, applied) == ("assembly", "endorsed", [])
    decision, applied = _session(scenario, *soviet, {"bolsheviks": 0.4, "left_srs": 0.2, "srs": 0.4}, 1e6, 1.0)
    assert decision.action == "dispersal"
    # without one it disperses the Assembly: overwhelming force wins, none loses power to the Assembly
    decision, applied = _session(scenario, *soviet, seats, 1e6, 1.0)
    assert (decision.action, decision.outcome, applied) == ("dispersal", "success", []) and decision.p_true > 0.999
    decision, applied = _session(scenario, *soviet, seats, 1.0, 1e6)
    assert (decision.action, decision.outcome) == ("dispersal", "failure") and decision.p_true < 0.001
    assert len(applied) == 1 and applied[0].holder.startswith("assembly_government:srs")
    # the true odds are the contest's: the government's armed people in the capitals' weighting
    # against those of the Assembly's majority, with its share of the seats as legality
    # (two governing parties of 2 people a cell against the SRs and the national lists of 1 each)
    decision, _ = _session(scenario, *soviet, seats, 2.0, 1.0)
    params = scenario.parameters
    expected = params.decisions.force_elasticity * np.log(4.0 / 2.0) + params.assembly.legality_weight * (2 * 0.24 - 1)
    assert decision.p_true == pytest.approx(decisions.logistic(expected))
    # a Provisional Government with a majority of its own hands power over all the same
    decision, applied = _session(scenario, "provisional_government", ["kadets", "srs", "mensheviks"],
                                 {"srs": 0.5, "kadets": 0.1, "mensheviks": 0.1, "bolsheviks": 0.3}, 1.0, 1.0)
    assert decision.outcome == "hands_over" and applied[0].ruling == ("srs", "mensheviks")


def test_a_run_to_january_meets_the_assembly_and_logs_its_answer(scenario):
    """The scenario carried to the Assembly's dispersal (19 January 1918) with its session on the
    18th: the government of that day answers it, and a hand-over or a failed dispersal is a
    change of power on the day."""
    data = scenario.model_dump(mode="python")
    data["scenario"]["end"] = dt.date(1918, 1, 19)
    data["events"]["assembly_session"] = {"kind": "assembly_session", "date": dt.date(1918, 1, 18),
                                          "label": "The Constituent Assembly meets"}
    january = type(scenario).model_validate(data)
    for seed in (1, 2):
        run = Run.start(january, seed, 2000)
        result = run.advance(run.days).result()
        answers = [d for d in result.decisions
                   if d.date == dt.date(1918, 1, 18) and d.action in ("assembly", "dispersal")]
        assert len(answers) == 1
        answer = answers[0]
        changed = [c for c in result.power_log if c.date == dt.date(1918, 1, 18) and c.route == "assembly"]
        assert answer.outcome in ({"endorsed", "hands_over"} if answer.action == "assembly" else {"success", "failure"})
        assert bool(changed) == (answer.outcome in ("hands_over", "failure"))
        if changed:
            assert result.power_log[-1].holder.startswith("assembly_government:")


def test_an_assembly_session_needs_an_election_before_it(tmp_path):
    from antaeus.scenario import ScenarioError
    from antaeus.scenario.loader import BUILTIN
    text = (BUILTIN / "russia1917.toml").read_text(encoding="utf-8")
    path = tmp_path / "early.toml"
    path.write_text(text + '\n[events.early_session]\nkind = "assembly_session"\ndate = 1917-11-20\n')
    line = text.count("\n") + 4  # the line of the session's date
    with pytest.raises(ScenarioError, match=f"line {line}: field 'events.early_session.date': the Constituent "
                                            "Assembly meets before any election"):
        load_scenario(path)


# -- after October: a faction enters the soviet government ----------------------------------------
def _soviet_world(scenario, consolidated_days: int):
    w = World.initial(scenario)
    w.holder, w.ruling, w.last_change = "soviet_government:bolsheviks", ("bolsheviks",), 100
    w.available[w.index("left_srs")] = True
    return w, Actors(scenario, w, 0, np.ones(len(w.regions))), 100 + consolidated_days


def _village_forces(w: World, faction: float, parent: float) -> Forces:
    f = _forces(w, radical=0.0, loyal=0.0)
    village = [k for k, g in enumerate(w.groups) if g == "peasant"]
    f.support[:, village, w.index("left_srs")] = faction
    f.support[:, village, w.index("srs")] = parent
    towns = [k for k in range(len(w.groups)) if k not in village]
    f.support[:, towns, w.index("srs")] = 10 * parent  # towns don't count
    return f


def test_a_faction_weighs_its_split_by_the_following_its_platform_has(scenario):
    """The split's true log-odds read the share of the parent's supporters whom the faction's
    platform fits better (``closer_cells``), not the smaller share its own organisation holds
    (``leaning_cells``, support.faction_standing)."""
    run = _run_at(scenario, dt.date(1917, 11, 5))
    w = run.state.world
    f = _forces(w, 0.0, 0.0, support=100.0)
    f.closer_cells[:] = 75.0
    f.leaning_cells[:] = 10.0
    m = scenario.parameters.decisions.force_elasticity
    assert run.actors.true_odds("left_srs", w, f, run.state.day) == pytest.approx(m * np.log(0.75 / 0.25))
    f.closer_cells[:] = 25.0
    assert run.actors.true_odds("left_srs", w, f, run.state.day) == pytest.approx(m * np.log(0.25 / 0.75))


def test_a_faction_with_the_villages_enters_a_consolidated_soviet_government(scenario):
    """The Left SRs enter once the government has consolidated, backing soviet power and with
    more village supporters than the SRs; not before, not with fewer, not under another holder."""
    wait = int(scenario.parameters.power.consolidation_days)
    date = dt.date(1917, 12, 22)
    admitted = []
    w, actors, day = _soviet_world(scenario, wait)
    out = actors.coalition_entries(w, _village_forces(w, 60.0, 40.0), day, date, admitted.append)
    assert admitted == ["left_srs"]
    assert [(d.actor, d.action, d.outcome, d.acted) for d in out] == [("left_srs", "coalition", "joins", True)]
    assert out[0].p_perceived == pytest.approx(0.6)
    assert actors.coalition_entries(w, _village_forces(w, 60.0, 40.0), day - 1, date, admitted.append) == []
    assert actors.coalition_entries(w, _village_forces(w, 40.0, 60.0), day, date, admitted.append) == []
    leaning = _village_forces(w, 40.0, 60.0)  # the parent's villagers who lean to the faction count with it
    leaning.leaning_cells[:, w.groups.index("peasant")] = 25.0
    assert [d.p_perceived for d in actors.coalition_entries(w, leaning, day, date, admitted.append)] == [
        pytest.approx(0.65)]
    admitted.pop()
    w.holder = "provisional_government"
    assert actors.coalition_entries(w, _village_forces(w, 60.0, 40.0), day, date, admitted.append) == []
    w, actors, day = _soviet_world(scenario, wait)
    w.platforms[w.index("left_srs"), 3] = scenario.parameters.power.ally_power_cut - 0.1
    assert actors.coalition_entries(w, _village_forces(w, 60.0, 40.0), day, date, admitted.append) == []
    assert admitted == ["left_srs"]


def test_a_faction_that_enters_makes_the_policy_its_own_and_power_does_not_change_hands(scenario):
    run = _run_at(scenario, dt.date(1917, 11, 5))
    d = run.state.day
    run._settle("bolsheviks", "insurrection", True, 0.8, False, run.dates[d], d)
    w = run.state.world
    assert w.ruling[0] == "bolsheviks"  # the party that rose leads
    w.ruling = ("bolsheviks",)
    log = list(run.state.records.power_log)
    run._admit("left_srs")
    assert w.ruling == ("bolsheviks", "left_srs") and run.state.records.power_log == log
    assert np.allclose(w.policy, w.platforms[[w.index("bolsheviks"), w.index("left_srs")]].mean(axis=0))
    params = scenario.parameters.power
    floor = power.government_policy(w.platforms, [w.index("srs")], "soviet_transfer", params)
    assert np.all(floor >= (params.transfer_peace, params.transfer_land, params.transfer_bread, params.transfer_power))


def test_the_peasants_villages_act_as_one_in_a_run_and_no_other_group_does(scenario):
    """In a run of the built-in scenario every peasant locale is all in action or all quiet on
    every day, and some villages act while others do not; the workers' factories act person
    by person. The villages' conditions come from the run's seed alone."""
    run = Run.start(scenario, 3, 3000)
    lay, people = run.lay, run.state.people
    peasant, worker = list(scenario.groups).index("peasant"), list(scenario.groups).index("industrial_worker")
    sizes = np.diff(lay.locale_start)
    seen_split = seen_acting = seen_quiet = 0
    for d in range(0, 240, 8):
        run.advance(d + 1)
        active = np.add.reduceat(people.active.astype(np.int64), lay.locale_start[:-1])
        villages, factories = lay.locale_group == peasant, lay.locale_group == worker
        assert ((active[villages] == 0) | (active[villages] == sizes[villages])).all(), d
        seen_acting += int((active[villages] == sizes[villages]).sum())
        seen_quiet += int((active[villages] == 0).sum())
        seen_split += int(((active[factories] > 0) & (active[factories] < sizes[factories])).sum())
    assert seen_acting > 0 and seen_quiet > 0 and seen_split > 0
    again = Run.start(scenario, 3, 3000)
    np.testing.assert_array_equal(again.locales.village, run.locales.village)
    assert (run.locales.village[lay.locale_group == peasant] > 0).all()
    assert not run.locales.village[lay.locale_group != peasant].any()
    assert not np.array_equal(Run.start(scenario, 4, 3000).locales.village, run.locales.village)
