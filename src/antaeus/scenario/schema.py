"""The scenario schema: one frozen pydantic object that everything downstream reads.

A scenario is data (ARCHITECTURE.md): population, regions, social groups, parties, lenses,
the army command, exogenous drivers, scheduled events, observations and the mechanisms'
parameters. Unknown fields are errors, every free number carries bounds, and names that
refer to other tables (a party's lens, an event's region) are checked here, once.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..mechanisms.parameters import MechanismParameters
from .domains import Composition, FieldError, Name, PartialShares, Population, Share, Weights, check_date, check_span
from .params import free_entries, param

ISSUES = ("peace", "land", "bread", "power")
ACTIVITIES = ("strike", "demonstration", "land_seizure", "refusal", "mutiny")


def voters(setting: str) -> str:
    """The record's kind of constituency for a region's setting in a national election: the
    army's (fronts and fleets) or the civilian ones."""
    return "army" if setting == "front" else "civilian"


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Issues(Frozen):
    """A position or demand on each of the four concrete issues, 0 (none) to 1 (radical, now)."""

    peace: float = param(0.5, 0, 1, "position", "immediate peace (1) versus war to victory (0)")
    land: float = param(0.5, 0, 1, "position", "immediate land to the peasants (1) versus waiting for the Assembly (0)")
    bread: float = param(0.5, 0, 1, "position", "radical supply measures and workers' control (1) versus the market (0)")
    power: float = param(0.5, 0, 1, "position", "all power to the soviets (1) versus the Provisional Government (0)")

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.peace, self.land, self.bread, self.power)


class Exposure(Frozen):
    """How strongly a group feels each exogenous driver."""

    bread: float = param(0.5, 0, 1, "weight", "exposure to bread shortfall and prices")
    war: float = param(0.5, 0, 1, "weight", "exposure to war burden (losses, service)")
    land: float = param(0.5, 0, 1, "weight", "exposure to land hunger")
    power: float = param(0.5, 0, 1, "weight", "how far lost legitimacy turns into a demand for soviet power")


class Group(Frozen):
    """A social group: industrial workers, soldiers, sailors, peasants, urban middle strata."""

    label: str
    locale: str = Field(description="what a locale of this group is: factory, regiment, ship, village, quarter")
    activity: Literal["strike", "demonstration", "land_seizure", "refusal", "mutiny"]
    soviet_constituency: bool = Field(description="elects delegates to the workers' and soldiers' soviets")
    armed: float = param(0.0, 0, 3, "force weight per person", "weight of one member in a contest of force")
    risk_aversion: float = param(0.5, 0, 1, "mean of a uniform draw on [0, 2 x mean], capped at 1", "mean risk aversion R (Epstein 2002 draws R from U(0,1))")
    joins: float = param(1.0, 0, 1, "ratio", "how readily the group's supporters of a party become its members, against a town's or a regiment's (1)")
    field_work: bool = Field(False, description="bound to the field calendar: the season's work (drivers.field_work) raises the cost of action")
    village_ties: float = param(0.0, 0, 1, "share", "share of the group's people who hold land or a household in a "
                                "village and carry the parties there (membership.village_carry)")
    agents_per_locale: int | None = Field(None, ge=2, le=4096, description="agents per locale of this group; the scenario's agents_per_locale when left out")
    exposure: Exposure
    demands: Issues = Field(description="initial mean demands, March 1917")
    initial_support: Weights = Field(description="relative weights of initial party support")
    source: str = ""


class Region(Frozen):
    label: str
    setting: Literal["urban", "rural", "front"]
    population: Population = Field(description="people by social group")
    capital_weight: float = param(0.0, 0, 1, "weight", "share of this region's force that bears on a contest in Petrograd")
    repression: float = param(1.0, 0, 5, "index", "initial repressive capacity (cops per locale, Epstein's C)")
    initial_support: dict[Name, Weights] = Field(
        default_factory=dict, description="a group's initial party support here, replacing the group's own "
                                          "weights (where national or regional lists held the allegiance)")
    fronts: list[Name] = Field(
        default_factory=list, description="the fronts behind which this region lies: their soldiers' parties "
                                          "reach its villages (membership.soldier_carry); empty: every front's")
    source: str = ""


class Lens(Frozen):
    """How an actor reads events (the essay's three presuppositions, plus the command's)."""

    label: str
    bias: float = param(0.0, -4, 4, "log-odds", "prior belief added to the log-odds of success")
    signal_weight: float = param(1.0, 0, 2, "ratio", "weight given to the radical signal (mass mobilisation, force ratio)")
    noise: float = param(0.2, 0, 2, "log-odds s.d.", "day-to-day misreading of the situation")
    majority_first: bool = Field(False, description="no insurrection while the insurgent bloc is a minority "
                                 "in the capital's soviet (the April Theses' 'patiently explain')")
    source: str = ""


class Party(Frozen):
    label: str
    lens: str
    lens_after_turn: str | None = Field(None, description="lens after a 'turn' event (Lenin's return)")
    certainty_threshold: float = param(0.8, 0, 1, "probability", "perceived probability of success needed before acting")
    action: Literal["insurrection", "soviet_power", "split", "none"] = "none"
    platform: Issues
    platform_after_turn: Issues | None = None
    moderate_bloc: bool = Field(False, description="part of the soviet majority bloc with the coalition government")
    base_cooperation: float = param(0.0, 0, 1, "share", "cooperation with other socialists at the base kept after a turn")
    initial_members: float = param(10000, 0, 2e6, "members", "members on the eve of February")
    recruitment_rate: float = param(0.02, 0, 0.5, "per day", "recruitment through members: the Bass imitation rate of the party's organisation (7.8)")
    reach: dict[Name, Share] = free_entries("share", 0.0, 1.0, "organisational reach by region; a region not given takes reach_default")
    reach_default: float = param(0.3, 0, 1, "share", "reach where none is given")
    available: bool = True
    split_from: str | None = None
    split_after: Literal["any_time", "soviet_power"] = Field(
        "any_time", description="when a faction may split: any day, or only once a soviet government holds power "
        "(the parent's leadership walking out of the new order is what breaks the party)")
    source: str = ""


class ArmyCommand(Frozen):
    label: str = "Army command (Stavka)"
    enabled: bool = True
    lens: str = "order"
    certainty_threshold: float = param(0.6, 0, 1, "probability", "perceived success the command needs before a coup")
    active_from: dt.date = Field(description="first day the command may move (Kornilov's appointment)")
    loyal_reserve: float = param(30000, 0, 1e6, "armed people", "cadets, Cossacks and shock units that defend the government whatever happens")
    source: str = ""


class Government(Frozen):
    label: str = "Provisional Government"
    policy: Issues = Field(description="the government's initial positions on the four issues")
    legitimacy: float = param(0.7, 0, 1, "share", "mean initial perceived legitimacy")
    legitimacy_sd: float = param(0.15, 0, 0.5, "s.d.", "spread of perceived legitimacy across people")
    source: str = ""


class OldRegime(Frozen):
    """The regime the run begins under, until an event of kind ``government_formed`` installs
    the government of ``[government]``. Its people measure their grievances against it: the
    legitimacy each grants the coming government is shifted by the difference of the means
    while it rules (docs/odd.md, "The old regime in the February days")."""

    legitimacy: float = param(0.2, 0, 1, "share", "mean perceived legitimacy of the old regime while it still rules")
    fought_in: dict[Name, dt.date] = Field(
        default_factory=dict,
        description="the regions where the old regime is fought in its last days, and the day the fighting "
                    "begins in each; elsewhere people measure their grievances against the coming government. "
                    "Empty: everywhere from the first day")
    source: str = ""


class Soviets(Frozen):
    initial_composition: Composition = Field(description="party shares of delegates when the soviets form")
    source: str = ""


class Series(Frozen):
    """A piecewise-linear exogenous series, given as (date, value) knots."""

    urban: list[tuple[dt.date, float]] = Field(default_factory=list)
    rural: list[tuple[dt.date, float]] = Field(default_factory=list)
    front: list[tuple[dt.date, float]] = Field(default_factory=list)
    source: str = ""

    @field_validator("urban", "rural", "front")
    @classmethod
    def _sorted(cls, knots):
        dates = [d for d, _ in knots]
        if dates != sorted(dates):
            raise ValueError("knots must be in date order")
        for _, v in knots:
            if not 0 <= v <= 1:
                raise ValueError(f"value {v} is outside 0..1")
        return knots


class Drivers(Frozen):
    bread_shortfall: Series
    war_burden: Series
    land_hunger: Series
    field_work: Series = Field(default_factory=Series,
                               description="the share of their time the field calendar claims from the groups bound to it (0: none)")


EVENT_KINDS = Literal[
    "government_formed", "turn", "legitimacy_shock", "coalition", "offensive", "repression",
    "land_reform", "separate_peace", "constituent_assembly", "assembly_session", "soviet_congress",
    "municipal_election", "strike_call",
]


class Event(Frozen):
    kind: EVENT_KINDS
    date: dt.date
    enabled: bool = True
    end: dt.date | None = None
    magnitude: float = param(0.0, -1, 1, "kind-specific", "size of the event's effect")
    party: str | None = None
    aim: Literal["party", "soviet_power"] = Field(
        "party", description="whom a strike call reaches: the calling party's supporters (party), or also everyone who "
                             "backs a transfer of power to the soviets, whatever their party (soviet_power)")
    regions: list[str] | None = None
    electorate: list[str] | None = None
    observed: PartialShares | None = None
    observed_source: str | None = None
    observed_on: dt.date | None = Field(None, description="historical date of the observation; moved events are not compared with it")
    votes_cast: dict[Literal["civilian", "army"], Annotated[float, Field(gt=0.0, le=1e10)]] | None = Field(
        None, description="votes the record counts in the civilian and the army constituencies: a national "
                          "result weighs each kind's shares by them instead of by head count")
    label: str = ""
    source: str = ""


#: the largest fixed weight a target observation may get in the calibration's distance
MAX_TARGET_WEIGHT = 20.0


class Calibration(Frozen):
    """Which free parameters calibration fits, their prior ranges (inside the bounds), and the
    fixed weights of chosen target observations in its distance (docs/calibration.md)."""

    parameters: dict[str, tuple[float, float]] = Field(
        description="dotted path of a free parameter -> uniform prior range [low, high]")
    agents: int = Field(20000, ge=100, le=10_000_000, description="agents per simulation during calibration")
    weights: dict[str, Annotated[float, Field(gt=0.0, le=MAX_TARGET_WEIGHT)]] = Field(
        default_factory=dict, description="target observation id -> fixed weight of its rows in the distance "
                                          "(the others weigh 1)")
    source: str = ""


class Meta(Frozen):
    name: Name
    title: str
    description: str = ""
    start: dt.date
    end: dt.date
    calibrated: bool = False
    calibration_note: str = Field("", description="provenance of the calibrated values, when calibrated")


class Scenario(Frozen):
    scenario: Meta
    agents_per_locale: int = Field(64, ge=2, le=4096, description="agents per locale (factory, regiment, village)")
    groups: dict[Name, Group]
    regions: dict[Name, Region]
    lenses: dict[Name, Lens]
    parties: dict[Name, Party]
    army_command: ArmyCommand
    government: Government
    old_regime: OldRegime | None = None
    soviets: Soviets
    drivers: Drivers
    events: dict[Name, Event]
    parameters: MechanismParameters = Field(default_factory=MechanismParameters)
    calibration: Calibration | None = None

    @model_validator(mode="after")
    def _references(self):
        start, end = self.scenario.start, self.scenario.end
        check_span(start, end)
        for eid, e in self.events.items():
            for what, day in (("date", e.date), ("end", e.end), ("observed_on", e.observed_on)):
                if day is not None:
                    check_date(f"events.{eid}.{what}", day, start, end)
        elections = [e.date for e in self.events.values() if e.kind == "constituent_assembly" and e.enabled]
        for eid, e in self.events.items():
            if e.kind == "assembly_session" and e.enabled and not any(day < e.date for day in elections):
                raise FieldError(f"events.{eid}.date", "the Constituent Assembly meets before any election to it",
                                 "date the session after an enabled event of kind 'constituent_assembly'")
        for name, series in self.drivers:
            for setting in ("urban", "rural", "front"):
                for day, _ in getattr(series, setting):
                    check_date(f"drivers.{name}.{setting}", day, start, end)
        check_date("army_command.active_from", self.army_command.active_from, start, end)
        for rid, day in (self.old_regime.fought_in.items() if self.old_regime else ()):
            check_date(f"old_regime.fought_in.{rid}", day, start, end)
        lenses, parties, regions, groups = set(self.lenses), set(self.parties), set(self.regions), set(self.groups)

        def check(name, known, where):
            if name is not None and name not in known:
                raise FieldError(where, f"unknown name '{name}'", f"use one of: {', '.join(sorted(known))}")

        for pid, p in self.parties.items():
            check(p.lens, lenses, f"parties.{pid}.lens")
            check(p.lens_after_turn, lenses, f"parties.{pid}.lens_after_turn")
            check(p.split_from, parties, f"parties.{pid}.split_from")
            for r in p.reach:
                check(r, regions, f"parties.{pid}.reach")
        check(self.army_command.lens, lenses, "army_command.lens")
        for r in (self.old_regime.fought_in if self.old_regime else ()):
            check(r, regions, "old_regime.fought_in")
        for p in self.soviets.initial_composition:
            check(p, parties, "soviets.initial_composition")
        for gid, g in self.groups.items():
            for p in g.initial_support:
                check(p, parties, f"groups.{gid}.initial_support")
        fronts = {f for f, other in self.regions.items() if other.setting == "front"}
        for rid, r in self.regions.items():
            for g in r.population:
                check(g, groups, f"regions.{rid}.population")
            for f in r.fronts:
                check(f, fronts, f"regions.{rid}.fronts")
            for g, weights in r.initial_support.items():
                check(g, groups, f"regions.{rid}.initial_support")
                for p in weights:
                    check(p, parties, f"regions.{rid}.initial_support.{g}")
        for eid, e in self.events.items():
            check(e.party, parties, f"events.{eid}.party")
            if e.kind != "strike_call" and e.aim != "party":
                raise FieldError(f"events.{eid}.aim", f"only a strike call has an aim, and this event is a {e.kind}",
                                 "remove aim, or make the event a strike_call")
            if e.kind == "strike_call" and (e.party is None or not e.regions):
                raise FieldError(f"events.{eid}", "a strike call needs the party that calls it and the regions "
                                 "it is called in", 'give party = "<party>" and regions = ["<region>", ...]')
            for r in e.regions or ():
                check(r, regions, f"events.{eid}.regions")
            for g in e.electorate or ():
                check(g, groups, f"events.{eid}.electorate")
            for p in e.observed or {}:
                check(p, parties, f"events.{eid}.observed")
            if e.votes_cast is not None:
                present = {voters(r.setting) for r in self.regions.values()}
                for kind in sorted(present - set(e.votes_cast)):
                    raise FieldError(f"events.{eid}.votes_cast", f"no votes for the {kind} constituencies, which "
                                     "this scenario has", f"add {kind} = <votes cast> or drop votes_cast")
        if self.calibration is not None:
            from ..params import free_parameters
            declared = {p.path: p for p in free_parameters(self)}
            for path, (low, high) in self.calibration.parameters.items():
                if path not in declared:
                    raise FieldError(f"calibration.parameters.{path}", "not a free parameter",
                                     "name a declared parameter (see 'antaeus show')")
                info = declared[path]
                if not info.lower <= low < high <= info.upper:
                    raise FieldError(f"calibration.parameters.{path}", f"the prior range [{low}, {high}] is not "
                                     f"increasing inside the bounds [{info.lower}, {info.upper}]",
                                     "give a low below the high, both inside the bounds")
        return self
