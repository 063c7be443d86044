"""A finished (or partly finished) ensemble, read from its store: tables, summaries and plots.

``Exploration.open(store)`` reopens any ensemble store; ``antaeus.explore`` returns one. The
tables are pandas DataFrames with the design point by name; every summary is computed from
the stored runs, so reopening a store gives the same answers as the run that wrote it.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data.compare import grouped, observable_of
from ..data.record import observations, spec_for
from ..files import write_text_atomic
from ..options import json_ready
from ..store.ensemble_store import EnsembleStore
from .intervals import median_interval, prediction_interval
from .outcomes import OUTCOMES, SESSION_ANSWERS, date_quantiles, paired_difference, variance_split, wilson

SUMMARY = "summary.json"
#: the most frequent paths kept per point in the summaries
TOP_PATHS = 10
#: a first soviet government counts as on time within this many days of the record's (issue 16:
#: the window 24 October to 21 November 1917 about the Second Congress's 7 November)
ON_TIME_DAYS = 14


def record_first_soviet() -> dt.date | None:
    """The record's date of the first soviet government (the in-use observation of family
    ``power``; docs/data.md), or None where the record holds none."""
    dates = [o.date for o in observations() if o.family == "power"]
    return min(dates) if dates else None


class Exploration:
    """An ensemble's results. Tables: :attr:`runs`, :attr:`outcomes`, :attr:`paths`,
    :attr:`observables`, :attr:`first_soviet`, :attr:`power`, :attr:`decisions`, :attr:`series`;
    :attr:`plots` lists the figures beside the store."""

    def __init__(self, store: EnsembleStore):
        # one snapshot for every table, so that summaries joining two tables agree while
        # another process still writes to the store
        self.store = store.snapshot()
        self.plots: list[Path] = sorted((store.path / "plots").glob("*.png")) if (store.path / "plots").is_dir() else []

    @classmethod
    def open(cls, path: str | Path) -> "Exploration":
        return cls(EnsembleStore.open(path))

    # ------------------------------------------------------------------ design
    @property
    def identity(self) -> dict[str, Any]:
        return self.store.manifest["identity"]

    @property
    def points(self) -> list[str]:
        return [p["name"] for p in self.identity["points"]]

    @property
    def capital_soviets(self) -> list[str]:
        """The regions whose soviets the figures follow (the greatest capital weights)."""
        kept = self.store.manifest.get("capital_soviets")
        if kept is not None:
            return list(kept)
        names = sorted(x for x in self.series_names() if x.startswith("soviet:"))
        return [n.split(":", 1)[1] for n in names[:2]]

    @property
    def soviet_power(self) -> list[str]:
        """The parties whose majority in the capitals' soviets the summaries follow (kept in the
        manifest: ``ensemble.soviet_power_parties``); empty for a store made before it was kept."""
        return list(self.store.manifest.get("soviet_power") or [])

    def series_names(self) -> list[str]:
        """The weekly series the store keeps (``national_support``, ``soviet:<region>``)."""
        if self.runs.empty:
            return []
        first = self.runs.iloc[0]  # every run keeps the same series: read one run's
        where = {"point": [self.points.index(first["point"])], "replication": [int(first["replication"])]}
        return sorted(self.store.table("series", where)["series"].unique())

    @property
    def posterior(self) -> bool:
        return self.identity["posterior"] is not None

    def _named(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame["point"] = pd.Categorical.from_codes(frame["point"].astype(int), categories=self.points)
        return frame

    @property
    def state(self) -> pd.DataFrame:
        """Every (point, replication) of the design with its run seed, its posterior particle
        (-1 without --posterior) and whether a finished part holds it (``stored``)."""
        m = self.store.manifest
        done = self.store.done()
        particles = m.get("particles") or [-1] * len(m["seeds"])
        rows = [{"point": p, "replication": r, "seed": m["seeds"][r], "particle": particles[r],
                 "stored": (p, r) in done} for p, r in self.store.cells]
        return self._named(pd.DataFrame(rows, columns=["point", "replication", "seed", "particle", "stored"]))

    # ------------------------------------------------------------------ raw tables
    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per run: point, replication, seed, particle (-1 without --posterior),
        outcome, path, first_soviet (date or NaT), changes."""
        return self._named(self.store.table("runs"))

    @cached_property
    def power(self) -> pd.DataFrame:
        """Every change of power of every run: step, date, holder, route, actor, breadth."""
        return self._named(self.store.table("power"))

    @cached_property
    def decisions(self) -> pd.DataFrame:
        """Every attempt (a decision that acted): date, actor, action, p_true, p_perceived, threshold, outcome."""
        return self._named(self.store.table("decisions"))

    @cached_property
    def series(self) -> pd.DataFrame:
        """Weekly series by party: ``national_support`` and ``soviet:<region>`` for every region
        (all of them: with thousands of runs, :meth:`series_of` and :meth:`bands` read less)."""
        return self._named(self.store.table("series"))

    def series_of(self, names: list[str], parties: list[str] | None = None) -> pd.DataFrame:
        """The weekly series ``names`` (of ``parties``, or every party), read from the store."""
        where = {"series": list(names), **({"party": list(parties)} if parties is not None else {})}
        return self._named(self.store.table("series", where))

    def bands(self, names: list[str], quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Per point, series, party and week: the ``quantiles`` over runs (columns ``q0.05`` ...)
        and the mean, computed in the store (a fan chart's band and median)."""
        return self._named(self.store.bands(quantiles, {"series": list(names)}))

    # ------------------------------------------------------------------ summaries
    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """Per point and outcome: runs, count, p with its Wilson 95% interval (lo, hi); beside
        the factual, the paired difference and its Newcombe 95% interval (diff, diff_lo,
        diff_hi); with --posterior, the outcome's variance from the parameters and from chance."""
        runs = self.runs
        factual = runs[runs["point"] == self.points[0]].set_index("replication")
        rows = []
        for point in self.points:
            mine = runs[runs["point"] == point].set_index("replication")
            paired = mine.index.intersection(factual.index)
            for outcome in OUTCOMES:
                hit = (mine["outcome"] == outcome).to_numpy()
                n, k = hit.size, int(hit.sum())
                lo, hi = wilson(k, n)
                row = {"point": point, "outcome": outcome, "runs": n, "count": k,
                       "p": k / n if n else np.nan, "lo": lo, "hi": hi}
                if point != self.points[0]:
                    diff = paired_difference((mine.loc[paired, "outcome"] == outcome).to_numpy(),
                                             (factual.loc[paired, "outcome"] == outcome).to_numpy())
                    row.update(diff=diff[0], diff_lo=diff[1], diff_hi=diff[2], paired=len(paired))
                if self.posterior:
                    row["var_parameters"], row["var_chance"] = variance_split(hit, mine["particle"].to_numpy())
                rows.append(row)
        return pd.DataFrame(rows)

    @cached_property
    def paths(self) -> pd.DataFrame:
        """Per point, the regime paths with their number of runs, most frequent first."""
        counts = self.runs.groupby(["point", "path"], observed=True).size().rename("runs").reset_index()
        counts["share"] = counts["runs"] / counts.groupby("point", observed=True)["runs"].transform("sum")
        return counts.sort_values(["point", "runs", "path"], ascending=[True, False, True]).reset_index(drop=True)

    @cached_property
    def first_soviet(self) -> pd.DataFrame:
        """Per point: the share of runs with a soviet government (Wilson 95% interval) and the
        5%, 50% and 95% quantiles of the date it first took power."""
        record = record_first_soviet()
        rows = []
        for point in self.points:
            dates = self.runs.loc[self.runs["point"] == point, "first_soviet"]
            n = len(dates)
            have = dates.dropna()
            lo, hi = wilson(len(have), n)
            row = {"point": point, "runs": n, "with_soviet_government": len(have),
                   "share": len(have) / n if n else np.nan, "lo": lo, "hi": hi, **date_quantiles(have),
                   "record": record}
            if record is not None:
                days = np.array([(pd.Timestamp(d).date() - record).days for d in have], np.int64)
                on_time = int((np.abs(days) <= ON_TIME_DAYS).sum())
                lo, hi = wilson(on_time, n)
                row.update({"on_time": on_time, "on_time_share": on_time / n if n else np.nan,
                            "on_time_lo": lo, "on_time_hi": hi, "earlier": int((days < -ON_TIME_DAYS).sum())})
            rows.append(row)
        return pd.DataFrame(rows)

    @cached_property
    def capital_majorities(self) -> pd.DataFrame:
        """Per point and capital soviet: in how many runs the soviet-power parties
        (:attr:`soviet_power`) first held a majority of its delegates, and when
        (:meth:`soviet_majority`); empty without the bloc."""
        columns = ["point", "region", "parties", "runs", "with_majority", "q05", "median", "q95"]
        frames = [self.soviet_majority(region, self.soviet_power).assign(region=region, parties="+".join(self.soviet_power))
                  for region in self.capital_soviets] if self.soviet_power else []
        return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

    @cached_property
    def assembly_session(self) -> pd.DataFrame:
        """Per point that reaches the Constituent Assembly's session (an ``assembly_session``
        event, as the built-in scenario's of 18 January 1918) and per answer of the government (docs/odd.md
        7.11.4): runs, sessions, the count and its share of the sessions with a Wilson 95%
        interval. Empty when no point reaches a session."""
        answers = self.decisions[self.decisions["action"].isin(["assembly", "dispersal"])]
        rows = []
        for point in self.points:
            mine = answers[answers["point"] == point]
            sessions = int(mine["replication"].nunique())
            if not sessions:
                continue
            runs = int((self.runs["point"] == point).sum())
            for answer, (action, outcome) in SESSION_ANSWERS.items():
                k = int(((mine["action"] == action) & (mine["outcome"] == outcome)).sum())
                lo, hi = wilson(k, sessions)
                rows.append({"point": point, "answer": answer, "runs": runs, "sessions": sessions, "count": k,
                             "p": k / sessions, "lo": lo, "hi": hi})
        return pd.DataFrame(rows, columns=["point", "answer", "runs", "sessions", "count", "p", "lo", "hi"])

    @cached_property
    def coalition_entries(self) -> pd.DataFrame:
        """Per point and party that entered a soviet government after the change of power (the
        Left SRs, docs/odd.md 7.11.5): the runs, those with an entry, their share with a Wilson
        95% interval, and the 5%, 50% and 95% quantiles of the entry's date. Empty when no party
        entered in any run."""
        entries = self.decisions[(self.decisions["action"] == "coalition") & (self.decisions["outcome"] == "joins")]
        rows = []
        for (point, party), mine in entries.groupby(["point", "actor"], observed=True, sort=False):
            runs = int((self.runs["point"] == point).sum())
            k = int(mine["replication"].nunique())
            lo, hi = wilson(k, runs)
            rows.append({"point": point, "party": party, "runs": runs, "entered": k, "share": k / runs if runs else np.nan,
                         "lo": lo, "hi": hi, **date_quantiles(mine.groupby("replication")["date"].min())})
        return pd.DataFrame(rows, columns=["point", "party", "runs", "entered", "share", "lo", "hi", "q05", "median",
                                           "q95"])

    @cached_property
    def course(self) -> pd.DataFrame:
        """Per point, how contested the path was: the runs; those with a coup tried and with one
        that succeeded; those where power changed hands more than twice after the first
        government (``changes``); the attempts of a rising from below (the July Days) and how
        many failed; each share with its Wilson 95% interval (over the runs, and over the
        attempts for the risings' failures)."""
        coups = self.power[self.power["route"] == "coup"]
        tried = self.decisions[self.decisions["action"] == "coup"]
        risings = self.decisions[self.decisions["action"] == "rising"]
        rows = []
        for point in self.points:
            runs = self.runs[self.runs["point"] == point]
            n = len(runs)
            row = {"point": point, "runs": n}
            counts = {"coup_tried": tried[tried["point"] == point]["replication"].nunique(),
                      "coup_succeeded": coups[coups["point"] == point]["replication"].nunique(),
                      "more_than_two_changes": int((runs["changes"] > 2).sum())}
            for name, k in counts.items():
                lo, hi = wilson(int(k), n)
                row.update({name: int(k), f"{name}_share": k / n if n else np.nan, f"{name}_lo": lo,
                            f"{name}_hi": hi})
            mine = risings[risings["point"] == point]
            failed = int((mine["outcome"] == "failure").sum())
            lo, hi = wilson(failed, len(mine))
            row.update({"rising_runs": int(mine["replication"].nunique()), "risings": len(mine),
                        "risings_failed": failed, "risings_failed_share": failed / len(mine) if len(mine) else np.nan,
                        "risings_failed_lo": lo, "risings_failed_hi": hi})
            rows.append(row)
        return pd.DataFrame(rows)

    def soviet_majority(self, region: str, parties: list[str] | tuple[str, ...], share: float = 0.5) -> pd.DataFrame:
        """Per point: in how many runs ``parties`` together first held more than ``share`` of the
        delegates of ``region``'s soviet, and the 5%, 50% and 95% quantiles of that date (read
        from the weekly series, so to the week)."""
        mine = self.series_of([f"soviet:{region}"], list(parties))
        if mine.empty and len(self.runs):
            raise ValueError(f"no weekly series of the soviet of {region!r}; kept: "
                             f"{[x for x in self.series_names() if x.startswith('soviet:')]}")
        held = mine.groupby(["point", "replication", "date"], observed=True)["value"].sum().reset_index()
        first = held[held["value"] > share].groupby(["point", "replication"], observed=True)["date"].min()
        rows = []
        for point in self.points:
            n = int((self.runs["point"] == point).sum())
            dates = first.loc[point] if point in first.index.get_level_values(0) else pd.Series(dtype=object)
            rows.append({"point": point, "runs": n, "with_majority": len(dates), **date_quantiles(dates)})
        return pd.DataFrame(rows)

    @cached_property
    def observables(self) -> pd.DataFrame:
        """Per point, observable and party: the median share and the 90% prediction interval
        over runs (order statistics, :mod:`antaeus.experiments.intervals`)."""
        raw = self._named(self.store.table("observables"))
        rows = []
        for (point, oid, party), values in raw.groupby(["point", "id", "party"], observed=True)["simulated"]:
            v = values.dropna().to_numpy()
            if v.size == 0:
                continue
            lo, hi = prediction_interval(v, 0.9)
            rows.append({"point": point, "id": oid, "party": party, "runs": v.size,
                         "median": float(np.median(v)), "lo": lo, "hi": hi})
        return pd.DataFrame(rows, columns=["point", "id", "party", "runs", "median", "lo", "hi"])

    @cached_property
    def record(self) -> pd.DataFrame:
        """Per point, each observation of the record (the versions in use, as the files stand
        now) that a stored observable gives, and each of its groupings (``category``: the SRs
        with the Left SRs, say), summed run by run as ``antaeus check history`` sums them
        (data/mapping.toml): ``observed``, and over runs the ``median`` with its 90% prediction
        interval ``lo``, ``hi``. Beside the factual, the paired difference from it: the median
        of the runs' differences (``diff``) with its 95% confidence interval (``diff_lo``,
        ``diff_hi``; order statistics) over the ``paired`` replications both points hold."""
        columns = ["point", "id", "version", "category", "observed", "runs", "median", "lo", "hi",
                   "diff", "diff_lo", "diff_hi", "paired"]
        specs = [(o, spec_for(o)) for o in observations()]
        wanted = [(o, spec, oid) for o, spec in specs if (oid := observable_of(o, spec)) is not None]
        raw = self.store.table("observables", {"id": sorted({oid for _, _, oid in wanted})}) if wanted else None
        if raw is None or raw.empty:
            return pd.DataFrame(columns=columns)
        by_id: dict[str, list] = {}
        for (oid, point, rep), frame in raw.groupby(["id", "point", "replication"], sort=True):
            by_id.setdefault(oid, []).append((int(point), int(rep),
                                              frame.set_index("party")["simulated"].dropna().to_dict()))
        rows = []
        for o, spec, oid in wanted:
            runs = by_id.get(oid, [])
            if not runs:
                continue
            values: dict[tuple[int, str], dict[int, float]] = {}
            observed: dict[str, float | None] = {}
            for point, rep, party_shares in runs:
                for c in grouped(o, spec, party_shares):
                    observed[c.category] = c.observed
                    if c.simulated is not None:
                        values.setdefault((point, c.category), {})[rep] = c.simulated
            for point, category in ((p, c) for p in sorted({p for p, _ in values}) for c in observed):
                by_rep = values.get((point, category))  # the groupings in the mapping's order
                if by_rep is None:
                    continue
                v = np.array(list(by_rep.values()))
                lo, hi = prediction_interval(v, 0.9)
                row = {"point": self.points[point], "id": o.id, "version": o.version, "category": category,
                       "observed": observed[category], "runs": v.size, "median": float(np.median(v)),
                       "lo": lo, "hi": hi}
                factual = values.get((0, category), {})
                paired = sorted(set(by_rep) & set(factual))
                if point and paired:
                    diff = np.array([by_rep[r] - factual[r] for r in paired])
                    row.update(diff=float(np.median(diff)), paired=len(paired))
                    row["diff_lo"], row["diff_hi"] = median_interval(diff, 0.95)
                rows.append(row)
        return pd.DataFrame(rows, columns=columns)

    # ------------------------------------------------------------------ documents
    def to_json_dict(self) -> dict[str, Any]:
        """The document of ``antaeus explore --json`` (docs/json.md, "antaeus explore")."""
        ident = self.identity
        runs_per_point = self.runs.groupby("point", observed=False).size()
        outcomes = []
        for r in self.outcomes.to_dict("records"):
            item = {k: r[k] for k in ("point", "outcome", "runs", "count", "p", "lo", "hi")}
            if "diff" in r and r["point"] != self.points[0]:
                item["vs_factual"] = {"diff": r["diff"], "lo": r["diff_lo"], "hi": r["diff_hi"], "paired": r["paired"]}
            if self.posterior:
                item["variance"] = {"parameters": r["var_parameters"], "chance": r["var_chance"]}
            outcomes.append(item)
        paths = self.paths.groupby("point", observed=True).head(TOP_PATHS)
        return json_ready({
            "scenario": ident["scenario"], "store": str(self.store.path), "seed": ident["seed"],
            "replications": ident["replications"], "agents": ident["agents"], "posterior": self.posterior,
            "from": ident.get("from"),
            "calibrated": ident["calibrated"], "code_version": ident["code_version"],
            "complete": not self.store.missing(),
            "points": [{**{k: p.get(k) for k in ("name", "overlays", "sets", "patch")},
                        "runs": int(runs_per_point.get(p["name"], 0))}
                       for p in ident["points"]],
            "outcomes": outcomes,
            "paths": [{"point": r["point"], "path": r["path"], "runs": r["runs"], "share": r["share"]}
                      for r in paths.to_dict("records")],
            "first_soviet_government": self.first_soviet.to_dict("records"),
            "capital_soviet_majorities": self.capital_majorities.to_dict("records"),
            "assembly_session": self.assembly_session.to_dict("records"),
            "coalition_entries": self.coalition_entries.to_dict("records"),
            "course": self.course.to_dict("records"),
            "observables": self.observables.to_dict("records"),
            "record": self.record.to_dict("records"),
            "plots": [str(p) for p in self.plots],
        })

    def write_summary(self) -> None:
        """Write ``summary.json`` (the ``--json`` document) beside the store, atomically."""
        write_text_atomic(self.store.path / SUMMARY, json.dumps(self.to_json_dict(), indent=1, allow_nan=False) + "\n")

    def __repr__(self) -> str:
        n = len(self.runs)
        return (f"<Exploration of {self.identity['scenario']}: {len(self.points)} points × "
                f"{self.identity['replications']} replications ({n} runs stored) in {self.store.path}>")

    def _repr_html_(self) -> str:
        table = self.outcomes.pivot(index="outcome", columns="point", values="p").reindex(index=list(OUTCOMES))
        return f"<p>{self!r}</p>" + table.to_html(float_format=lambda x: f"{x:.1%}")

