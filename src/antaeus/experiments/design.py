"""The design of an ensemble: its design points, each a set of changes to one scenario.

The point ``factual`` (the scenario as it is) comes first, always. Each ``--overlay NAME``
adds a point named after the overlay, each ``--set path=value`` a point named after the
change, each ``--patch FILE`` a point named after the file, and a design file adds the points
it names (docs/explore.md, "Design files"; a point's patch file is read from the design
file's folder)::

    [[point]]
    name = "moderates-act-early"
    overlays = ["moderates-act"]
    patch = "winter-sowing.toml"
    set = ["parties.srs.certainty_threshold=0.2"]
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..scenario import InputError, Scenario, load_scenario
from ..scenario.loader import user_paths
from ..scenario.domains import NAME_PATTERN
from ..scenario.tomlfile import read_toml

FACTUAL = "factual"
NAME = re.compile(NAME_PATTERN)
#: a design file larger than this is not a design (checked before it is parsed)
MAX_DESIGN_BYTES = 1_000_000
MAX_POINTS = 200


@dataclass(frozen=True)
class DesignPoint:
    name: str
    overlays: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    patch: str | None = None  # a TOML file merged over the scenario after the overlays

    def keeps(self) -> tuple[str, ...]:
        """The dotted paths this point sets itself: a posterior draw leaves them as they are."""
        return user_paths(self.overlays, self.sets, self.patch)


def design_points(overlays: Iterable[str] = (), sets: Iterable[str] = (),
                  design: str | Path | None = None, patches: Iterable[str | Path] = ()) -> list[DesignPoint]:
    """The factual, then a point per overlay, per --set value, per patch file and per point of
    the design file."""
    points = [DesignPoint(FACTUAL)]
    points += [DesignPoint(ov, overlays=(ov,)) for ov in overlays]
    points += [DesignPoint(s.strip(), sets=(s,)) for s in sets]
    for patch in patches:
        name = Path(patch).stem
        if not NAME.fullmatch(name) or name == FACTUAL:
            raise InputError(f"the patch file's name '{name}' cannot name a design point", source=str(patch),
                             hint="name the file with 1-64 characters a-z, 0-9, _ or - (not 'factual'), "
                                  "or give it a point of its own in a --design file")
        points.append(DesignPoint(name, patch=str(patch)))
    if design is not None:
        points += read_design(design)
    seen: set[str] = set()
    for p in points:
        if p.name in seen:
            raise InputError(f"the design point '{p.name}' is given twice", source="--overlay/--set/--patch/--design",
                             hint="name each point once (the factual is always the first point)")
        seen.add(p.name)
    if len(points) > MAX_POINTS:
        raise InputError(f"{len(points)} design points, more than {MAX_POINTS}", source="--design",
                         hint=f"split the design into ensembles of at most {MAX_POINTS} points")
    return points


def read_design(path: str | Path) -> list[DesignPoint]:
    """The points of a design TOML file (checked: names, keys and types)."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("no such design file", source=source, hint="give the path of a design TOML file")
    if path.stat().st_size > MAX_DESIGN_BYTES:
        raise InputError(f"the design file is larger than {MAX_DESIGN_BYTES:,} bytes", source=source,
                         hint="a design lists points with their overlays and --set values; keep it small")
    text = path.read_text(encoding="utf-8", errors="replace")
    data = read_toml(text, source)
    extra = set(data) - {"point"}
    if extra or not isinstance(data.get("point"), list) or not data["point"]:
        raise InputError("a design file holds [[point]] tables and nothing else", source=source,
                         field=", ".join(sorted(extra)) or "point",
                         hint='write [[point]] tables, each with name = "...", and overlays = [...] or set = [...]')
    out = []
    for i, entry in enumerate(data["point"]):
        where = f"point[{i}]"
        if not isinstance(entry, dict):
            raise InputError("is not a table", source=source, field=where, hint="write each point as a [[point]] table")
        unknown = set(entry) - {"name", "overlays", "set", "patch"}
        if unknown:
            raise InputError(f"unknown key(s) {', '.join(sorted(unknown))}", source=source, field=where,
                             hint="a point has name, overlays, patch and set")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME.fullmatch(name) or name == FACTUAL:
            raise InputError(f"bad point name {name!r}", source=source, field=f"{where}.name",
                             hint="give a name of 1-64 characters a-z, 0-9, _ or - (not 'factual', which is always there)")
        overlays, sets = entry.get("overlays", []), entry.get("set", [])
        for key, value in (("overlays", overlays), ("set", sets)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError("must be a list of strings", source=source, field=f"{where}.{key}",
                                 hint='write for example set = ["parties.srs.certainty_threshold=0.3"]')
        patch = entry.get("patch")
        if patch is not None and not isinstance(patch, str):
            raise InputError("must be the path of a TOML file", source=source, field=f"{where}.patch",
                             hint='write for example patch = "winter-sowing.toml" (read from the design file\'s folder)')
        if not overlays and not sets and patch is None:
            raise InputError("changes nothing", source=source, field=where,
                             hint="give the point overlays = [...], patch = \"...\" or set = [...] "
                                  "(the factual is always run)")
        out.append(DesignPoint(name, tuple(overlays), tuple(sets), None if patch is None else str(path.parent / patch)))
    return out


def resolve(scenario: str | Path, points: list[DesignPoint], calibrated: bool) -> list[Scenario]:
    """The resolved scenario of every point; an unknown overlay or path raises here, before any work."""
    return [load_scenario(scenario, overlays=list(p.overlays), sets=list(p.sets), patch=p.patch,
                          calibrated=calibrated) for p in points]


def check_branchable(scenarios: list[Scenario], points: list[DesignPoint]) -> None:
    """With --from every point continues the factual's state, so it must keep the factual's
    window, population, parties, regions and groups; a point that changes them is refused."""
    factual = scenarios[0]

    def frame(s: Scenario):
        return (s.scenario.start, s.scenario.end, list(s.parties), list(s.groups), s.agents_per_locale,
                {g: spec.agents_per_locale for g, spec in s.groups.items()},
                {r: dict(spec.population) for r, spec in s.regions.items()})

    for point, s in zip(points[1:], scenarios[1:]):
        if frame(s) != frame(factual):
            raise InputError(f"the point '{point.name}' changes the window, population, parties, regions or "
                             "groups, so it cannot continue the factual's state", source="--from",
                             hint="leave --from out for this point, or change only what acts from that date on")


def scenario_hash(toml_text: str) -> str:
    return hashlib.sha256(toml_text.encode()).hexdigest()[:16]

