"""The historical record of 1917 as tidy rows: ``record.csv`` with its sources in ``sources.toml``.

One row is one figure as one source reports it (a party's seats, a month's share of peasant
actions, a membership count). Rows with the same ``id`` and ``version`` form one
*observation*; where sources disagree an id has several versions, and exactly one of them is
``in_use``: the one calibration and checks read. Keeping the others beside it is what lets a
reader see how much the record itself is in doubt.

Ids are ``family:constituency:date``. The date is the Gregorian (N.S.) day, or for a period
a label: ``YYYY-MM`` or ``YYYY`` naming the month or year in the calendar Russia used then
(Julian, O.S., until February 1918), with ``date`` and ``date_end`` giving the exact Gregorian
days. The file is checked on every load, so a bad edit fails loudly instead of skewing a fit.

``mapping.toml`` says how each observation meets the model; it is read here (:func:`spec_for`
resolves one observation's entry), applied in :mod:`antaeus.data.compare`, and digested with
the targets into the data version a calibration is valid for (:func:`data_version`).
"""
from __future__ import annotations

import calendar
import csv
import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import math
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from antaeus.core.errors import InputError, ScenarioError

COLUMNS = ("id", "version", "in_use", "section", "date", "date_julian", "date_end", "constituency",
           "grouping", "value", "unit", "total", "status", "source", "note")
#: from firmest to weakest (data1917.md, "How to read this file")
STATUSES = ("found", "derived", "unverified")
UNITS = ("seats", "delegates", "deputies", "votes", "share", "members", "percent_of_period", "events",
         "people", "strikes", "incidents")
#: Calibration targets are exactly these sections of data1917.md (issue 3); everything else
#: in the record is out of sample. §5a counts only for the national vote (see is_target).
TARGET_SECTIONS = frozenset({"1", "2", "3a", "3b", "4a", "5a", "6", "8b"})
#: Path targets declared outside those sections (issue 16): the capitals' soviets turning in
#: September and the date of the rising. The July failure, the Kornilov affair's failure, the
#: absence of a successful coup and the magnitudes stay out of sample.
PATH_TARGETS = frozenset({"soviet:petrograd:1917-09-13", "soviet:moscow:1917-09-18", "power:petrograd:1917-11-07"})
#: Magnitudes in a target section that stay out of sample all the same (issue 16: "the
#: magnitudes stay out of sample"): in §8b only the monthly shares of peasant actions are fitted,
#: not the counts of land seizures, which the model has no incidents to compare with; and the
#: voters at the cities' elections (§3, §4) measure turnout, which no fit sees.
MAGNITUDES = frozenset({"land_seizures", "turnout"})
#: Votes in a target section that were not free and stay out of sample: the Petrograd duma of
#: December 1917 was a re-run after the Bolsheviks had dissolved the elected duma, "not a free
#: benchmark" (encspb, data1917 §3b).
NOT_FREE = frozenset({"municipal:petrograd:1917-12-29"})
JULIAN_LAG = dt.timedelta(days=13)  # valid for every date in the record (1900-2100)

_ID = re.compile(r"^([a-z_]+):([a-z_]+):(\d{4}(?:-\d{2}(?:-\d{2})?)?)$")
_SECTION = re.compile(r"^\d+[a-z]?$")


class RecordError(ScenarioError):
    """record.csv or sources.toml breaks a rule; names the file and line."""


@dataclass(frozen=True)
class Row:
    """One reported figure."""

    id: str
    version: str
    in_use: bool
    section: str
    date: dt.date
    date_julian: dt.date
    date_end: dt.date | None
    constituency: str
    grouping: str
    value: float
    unit: str
    total: float | None
    status: str
    source: str
    note: str
    line: int = 0

    @property
    def family(self) -> str:
        return self.id.split(":", 1)[0]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.source.split(";") if s.strip())


@dataclass(frozen=True)
class Observation:
    """One version of one observation: its rows' values by grouping, as the source reports them.

    ``status`` is the weakest status among the rows: a share is only as firm as the least
    firm figure it is built from.
    """

    id: str
    family: str
    constituency: str
    date: dt.date
    date_julian: dt.date
    date_end: dt.date | None
    version: str
    in_use: bool
    section: str
    unit: str
    values: dict[str, float]
    total: float | None
    status: str
    sources: tuple[str, ...]
    target: bool
    rows: tuple[Row, ...]


def is_target(section: str, family: str, constituency: str, observation_id: str = "") -> bool:
    """Whether a figure may be used for calibration (issue 3: §1, §2, §3, §4a, §5a national, §6, §8b;
    issue 16: the declared :data:`PATH_TARGETS`, and no :data:`MAGNITUDES` and no vote that was
    :data:`NOT_FREE`).

    In §5a only the national vote tabulations count: the Left-SR test (three provinces) and
    the January 1918 session (a count of deputies present, not of votes) are out of sample.
    """
    if observation_id in PATH_TARGETS:
        return True
    if section not in TARGET_SECTIONS or family in MAGNITUDES or observation_id in NOT_FREE:
        return False
    if section == "5a":
        return family == "constituent_assembly" and constituency == "national"
    return True


def data_file(name: str) -> Path:
    """A file shipped in this package (record.csv, sources.toml, mapping.toml)."""
    return Path(str(resources.files("antaeus.data").joinpath(name)))


@lru_cache(maxsize=4)
def _sources(path: Path, mtime: int) -> dict[str, dict]:
    """Parsed once per file version (the modification time is part of the cache key)."""
    with open(path, "rb") as f:
        table = tomllib.load(f).get("sources", {})
    for key, entry in table.items():
        missing = {"citation", "url", "via"} - set(entry)
        if missing:
            raise RecordError(f"source '{key}' lacks {', '.join(sorted(missing))}", source=str(path),
                              hint="give citation, url (may be empty) and via for every source")
    return table


def load_sources(path: str | Path | None = None) -> dict[str, dict]:
    """The sources by id: citation, url, via (and optionally also, further urls)."""
    path = Path(path) if path else data_file("sources.toml")
    return dict(_sources(path, path.stat().st_mtime_ns))


def load_record(path: str | Path | None = None, sources: str | Path | None = None) -> list[Row]:
    """Every row of the record, validated; ``path`` defaults to the packaged record.csv."""
    path = Path(path) if path else data_file("record.csv")
    sources = Path(sources) if sources else data_file("sources.toml")
    return list(_record(path, path.stat().st_mtime_ns, sources, sources.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _record(path: Path, mtime: int, sources_path: Path, sources_mtime: int) -> tuple[Row, ...]:
    known = _sources(sources_path, sources_mtime)
    where = str(path)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise RecordError(f"columns are {reader.fieldnames}, expected {list(COLUMNS)}", source=where, line=1)
        rows = [_row(raw, reader.line_num, where, known) for raw in reader]
    _check_groups(rows, where)
    return tuple(rows)


def _row(raw: dict[str, str], line: int, where: str, known: dict) -> Row:
    def fail(problem: str, hint: str) -> RecordError:
        return RecordError(problem, source=where, line=line, hint=hint)

    match = _ID.match(raw["id"])
    if not match:
        raise fail(f"id '{raw['id']}' is not family:constituency:date",
                   "write e.g. municipal:petrograd:1917-09-02 (Gregorian) or unrest:all_russia:1917-09")
    if match.group(2) != raw["constituency"]:
        raise fail(f"constituency '{raw['constituency']}' differs from the id's '{match.group(2)}'",
                   "make the id's middle part the constituency")
    try:
        date = dt.date.fromisoformat(raw["date"])
        julian = dt.date.fromisoformat(raw["date_julian"])
        end = dt.date.fromisoformat(raw["date_end"]) if raw["date_end"] else None
    except ValueError as err:
        raise fail(f"bad date ({err})", "write dates as YYYY-MM-DD") from None
    if julian != date - JULIAN_LAG:
        raise fail(f"date_julian {julian} is not date {date} minus 13 days", "date_julian = date - 13 days")
    if end is not None and end < date:
        raise fail(f"date_end {end} comes before date {date}", "give the period's last Gregorian day")
    if not _label_fits(match.group(3), date, end):
        raise fail(f"the id's date '{match.group(3)}' does not match date {date} / date_end {end or '-'}",
                   "use the Gregorian day, or YYYY-MM / YYYY for a whole month or year of the calendar then in use")
    if raw["status"] not in STATUSES:
        raise fail(f"status '{raw['status']}' is not one of {', '.join(STATUSES)}", "use found, derived or unverified")
    if raw["unit"] not in UNITS:
        raise fail(f"unit '{raw['unit']}' is not one of {', '.join(UNITS)}", "use one of the listed units")
    if raw["in_use"] not in ("true", "false"):
        raise fail(f"in_use '{raw['in_use']}' is not true or false", "write true or false")
    if not _SECTION.match(raw["section"]):
        raise fail(f"section '{raw['section']}' is not a data1917.md section", "write e.g. 1, 3a, 8b")
    if not raw["grouping"] or not raw["version"]:
        raise fail("empty grouping or version", "name both")
    try:
        value = float(raw["value"])
        total = float(raw["total"]) if raw["total"] else None
    except ValueError as err:
        raise fail(f"bad number ({err})", "write plain numbers") from None
    if not math.isfinite(value) or value < 0 or (total is not None and not (math.isfinite(total) and total > 0)):
        raise fail("value must be finite and not negative, total positive", "fix the number")
    row = Row(raw["id"], raw["version"], raw["in_use"] == "true", raw["section"], date, julian, end,
              raw["constituency"], raw["grouping"], value, raw["unit"], total, raw["status"],
              raw["source"], raw["note"], line)
    unknown = [s for s in row.sources if s not in known] or ([] if row.sources else ["(none)"])
    if unknown:
        raise fail(f"source {unknown[0]} is not in sources.toml", "add it to sources.toml or fix the id")
    return row


def _label_fits(label: str, date: dt.date, end: dt.date | None) -> bool:
    """A day label is the Gregorian date; a month or year label must cover exactly that month
    or year, counted in the Gregorian or (shifted by 13 days) the Julian calendar."""
    if len(label) == 10:
        return label == date.isoformat()
    if end is None:
        return False
    for shift in (dt.timedelta(0), JULIAN_LAG):
        s, e = date - shift, end - shift
        if len(label) == 7 and label == f"{s.year}-{s.month:02d}" and s.day == 1 \
                and e == s.replace(day=calendar.monthrange(s.year, s.month)[1]):
            return True
        if len(label) == 4 and label == str(s.year) and (s.month, s.day) == (1, 1) \
                and e == dt.date(s.year, 12, 31):
            return True
    return False


def _check_groups(rows: list[Row], where: str) -> None:
    seen: dict[tuple[str, str, str], Row] = {}
    by_id: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        key = (row.id, row.version, row.grouping)
        if key in seen:
            raise RecordError(f"'{row.grouping}' appears twice in {row.id} version {row.version} "
                              f"(first at line {seen[key].line})", source=where, line=row.line,
                              hint="one row per (id, version, grouping)")
        seen[key] = row
        by_id[row.id].append(row)
    for oid, members in by_id.items():
        first = members[0]
        for row in members:
            if (row.date, row.date_end, row.section) != (first.date, first.date_end, first.section):
                raise RecordError(f"{oid}: every version must share date, date_end and section",
                                  source=where, line=row.line, hint=f"copy them from line {first.line}")
            mate = next(r for r in members if r.version == row.version)
            if (row.in_use, row.unit, row.total) != (mate.in_use, mate.unit, mate.total):
                raise RecordError(f"{oid} version {row.version}: rows disagree on in_use, unit or total",
                                  source=where, line=row.line, hint=f"copy them from line {mate.line}")
        in_use = sorted({r.version for r in members if r.in_use})
        if len(in_use) != 1:
            raise RecordError(f"{oid} has {len(in_use)} versions in use ({', '.join(in_use) or 'none'})",
                              source=where, line=first.line, hint="mark exactly one version in_use = true")


def observations(in_use_only: bool = True, rows: list[Row] | None = None) -> list[Observation]:
    """Rows grouped into observations (one per id and version), in the record's order."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in load_record() if rows is None else rows:
        if row.in_use or not in_use_only:
            groups.setdefault((row.id, row.version), []).append(row)
    return [_observation(tuple(members)) for members in groups.values()]


def _observation(rows: tuple[Row, ...]) -> Observation:
    r = rows[0]
    family = r.family
    sources = tuple(dict.fromkeys(s for row in rows for s in row.sources))
    status = max((row.status for row in rows), key=STATUSES.index)
    return Observation(r.id, family, r.constituency, r.date, r.date_julian, r.date_end, r.version,
                       r.in_use, r.section, r.unit, {row.grouping: row.value for row in rows}, r.total,
                       status, sources, is_target(r.section, family, r.constituency, r.id), rows)


def versions(observation_id: str, rows: list[Row] | None = None) -> list[Observation]:
    """Every version of one observation, the one in use first.

    Raises :class:`InputError` naming the closest id when there is no such observation.
    """
    found = [o for o in observations(in_use_only=False, rows=rows) if o.id == observation_id]
    if not found:
        ids = list(dict.fromkeys(o.id for o in observations(rows=rows)))
        close = difflib.get_close_matches(observation_id, ids, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise InputError(f"no observation '{observation_id}' in the record", source="antaeus data show",
                         hint=hint + "'antaeus data' lists every observation id")
    return sorted(found, key=lambda o: not o.in_use)


def load_mapping(path: str | Path | None = None) -> dict:
    """mapping.toml: how each family and id of the record meets the model (read once and shared:
    copy it before changing it), or another mapping file (read each time)."""
    return _shipped_mapping() if path is None else _read_mapping(Path(path))


@lru_cache(maxsize=1)
def _shipped_mapping() -> dict:
    return _read_mapping(data_file("mapping.toml"))


def _read_mapping(path: Path) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def spec_for(observation: Observation, mapping: dict | None = None) -> dict:
    """The mapping of one observation: family entry, overridden by the id's, then the version's."""
    mapping = load_mapping() if mapping is None else mapping
    if observation.family not in mapping.get("families", {}) and observation.id not in mapping.get("ids", {}):
        raise KeyError(f"mapping.toml has no entry for {observation.id} (family {observation.family})")
    spec = dict(mapping.get("families", {}).get(observation.family, {}))
    by_id = dict(mapping.get("ids", {}).get(observation.id, {}))
    by_version = by_id.pop("versions", {}).get(observation.version, {})
    spec.update(by_id)
    spec.update(by_version)
    return spec


def data_version(record: str | Path | None = None, mapping: str | Path | None = None,
                 sources: str | Path | None = None) -> str:
    """A digest of what a calibration is fitted to: the record's target rows in use (every field,
    in the record's order) and how the mapping compares each of them (its family's entry with
    the id's and the version's overrides). Out-of-sample rows, versions not in use, the sources'
    citations and the mapping of out-of-sample figures stay out of it, so that adding or
    correcting them (issue 16: the record grows out of sample) leaves a calibration valid; a
    changed target, or a change in how one is compared, does not."""
    digest = hashlib.sha256()
    rows = load_record(record, sources)
    for row in rows:
        if row.in_use and is_target(row.section, row.family, row.constituency, row.id):
            fields = dataclasses.astuple(row)[:-1]  # all but the line number
            digest.update(repr(fields).encode() + b"\n")
    specs = _read_mapping(Path(mapping) if mapping else data_file("mapping.toml"))  # as on disk, never a shared copy
    for o in observations(rows=rows):
        if o.target:
            digest.update(json.dumps([o.id, o.version, spec_for(o, specs)], sort_keys=True).encode() + b"\n")
    return digest.hexdigest()[:12]
