"""Loading a scenario: built-in name or TOML file, then overlays, a patch file and --set values.

Every mistake becomes one :class:`ScenarioError` naming the file, the line where it can be
found, the field and a fix. Nothing downstream reads a file: it gets the frozen Scenario.
"""
from __future__ import annotations

import copy
import csv
import difflib
import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import tomli_w
from pydantic import ValidationError

from ..core.errors import ScenarioError
from .domains import FieldError
from .schema import Scenario
from .tomlfile import MAX_DEPTH, MAX_SET_CHARS, bracket_depth, read_file, read_toml

BUILTIN = resources.files("antaeus.scenario") / "builtin"


@dataclass(frozen=True)
class Overlay:
    name: str
    description: str
    changes: str
    patch: dict


def builtin_scenarios() -> dict[str, str]:
    """Built-in scenario names and their titles."""
    out = {}
    for f in sorted(BUILTIN.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".toml"):
            data = tomllib.loads(f.read_text())
            out[f.name[:-5]] = data.get("scenario", {}).get("title", "")
    return out


def builtin_overlays() -> dict[str, Overlay]:
    out = {}
    for f in sorted((BUILTIN / "overlays").iterdir(), key=lambda f: f.name):
        if f.name.endswith(".toml"):
            data = tomllib.loads(f.read_text())
            meta = data.get("overlay", {})
            out[f.name[:-5]] = Overlay(f.name[:-5], meta.get("description", ""), meta.get("changes", ""),
                                       data.get("patch", {}))
    return out


def find_line(text: str, path: list[str]) -> int | None:
    """Line of a dotted path in TOML text: the key's line, else its nearest table header."""
    table: list[str] = []
    best, best_len = None, 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        header = re.fullmatch(r"\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            table = [k.strip().strip('"') for k in header.group(1).split(".")]
            here = table
        else:
            key = re.match(r'([A-Za-z0-9_\-."]+)\s*=', line)
            if not key:
                continue
            here = table + [k.strip().strip('"') for k in key.group(1).split(".")]
        common = 0
        for a, b in zip(here, path):
            if a != b:
                break
            common += 1
        if common == len(here) and common > best_len:
            best, best_len = n, common
    return best


def set_at(data: dict, keys, value) -> None:
    """Set the value that ``keys`` lead to in nested tables, making missing tables on the way."""
    *tables, last = keys
    for key in tables:
        data = data.setdefault(key, {})
    data[last] = value


def deep_merge(base: dict, patch: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def posterior_folder():
    """Where the calibrated defaults of the built-in scenarios are committed."""
    return BUILTIN / "posteriors"


def model_version(name: str) -> str:
    """A digest of what a calibration of a built-in scenario is valid for: the scenario's TOML
    and the source of the ground floor (random streams, calendar), the engine and the
    mechanisms. Any change to them changes the digest."""
    digest = hashlib.sha256((BUILTIN / f"{name}.toml").read_bytes())
    for package in ("antaeus.core", "antaeus.engine", "antaeus.mechanisms"):
        folder = resources.files(package)
        for f in sorted((f for f in folder.iterdir() if f.name.endswith(".py")), key=lambda f: f.name):
            digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()[:12]


def posterior_file(name: str):
    """The committed calibration of a built-in scenario (median and provenance), if any."""
    f = posterior_folder() / f"{name}.toml"
    return f if f.is_file() else None


def apply_posterior(data: dict, name: str, origin: dict) -> dict:
    """Set a built-in scenario's calibrated parameters to their posterior medians."""
    f = posterior_file(name)
    if f is None:
        return data
    text = f.read_text()
    post = read_toml(text, f"posterior of '{name}'")
    out = copy.deepcopy(data)
    for path, value in post["median"].items():
        set_at(out, path.split("."), value)
        origin[path] = (f"posterior of '{name}'", text)
    prov = post["provenance"]
    out["scenario"]["calibrated"] = True
    worth = ""  # how many particles the median rests on, and the tail index of their weights (docs/calibration.md)
    if "effective_particles" in prov:
        worth = f", {prov['effective_particles']:g} effective particles of {prov.get('particles', '?')}"
        if "pareto_k" in prov:
            worth += f", Pareto k {prov['pareto_k']:g}"
    out["scenario"]["calibration_note"] = (
        f"posterior median of ABC-SMC, budget {prov['budget']}, seed {prov['seed']}, data {prov['data_version']}, "
        f"{prov['date']}{worth}; reproduce with: {prov['command']}")
    fitted, now = prov.get("model_version"), model_version(name)
    if fitted != now:
        out["scenario"]["calibration_note"] += (
            f"; WARNING: fitted to another version of the model ({fitted or 'not recorded'}, now {now}): "
            f"recalibrate before relying on it")
    return out


def _leaves(data: Any, keys: tuple = ()) -> dict[str, tuple]:
    """Every leaf of nested tables: its dotted path and the keys that lead to it (a key may
    hold dots itself, as the calibration's parameter paths do)."""
    if isinstance(data, dict) and data:
        out = {}
        for k, v in data.items():
            out.update(_leaves(v, keys + (str(k),)))
        return out
    return {".".join(keys): keys}


def _leaf_paths(data: Any) -> list[str]:
    return list(_leaves(data))


def user_paths(overlays: Iterable[str] = (), sets: Iterable[str] = (),
               patch: str | Path | None = None) -> tuple[str, ...]:
    """The dotted paths that overlays, a patch file and ``--set`` values give a value: a
    posterior draw leaves them as the user set them. Call it after :func:`load_scenario`
    has accepted the same arguments (an unknown overlay or a bad patch is reported there)."""
    known = builtin_overlays()
    paths = [leaf for ov in overlays for leaf in _leaf_paths(known[ov].patch)]
    if patch is not None:
        paths += _leaf_paths(read_file(patch)[1])
    paths += [item.split("=", 1)[0].strip() for item in sets]
    return tuple(sorted(set(paths)))


def _parse_value(raw: str, key: str):
    """A --set value as TOML reads it (a number, a date, a list), else the text itself."""
    if len(raw) > MAX_SET_CHARS or bracket_depth(raw)[0] > MAX_DEPTH:
        raise ScenarioError("the value is too long or too deeply nested", source="--set", field=key,
                            hint="give one number, date, name or short list")
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _origin(dotted: str, origin: dict[str, tuple[str, str | None]], default: tuple[str, str | None]):
    """Where a field's value came from: the field itself, else the latest value set inside it."""
    if dotted in origin:
        return origin[dotted]
    inside = [k for k in origin if k.startswith(dotted + ".")] if dotted else []
    return origin[inside[-1]] if inside else default


BOUNDS = ("greater_than_equal", "less_than_equal", "greater_than", "less_than")


def _problem(first: dict) -> tuple[str, str, str]:
    """The dotted field, the problem and a fix of pydantic's first error."""
    field = ".".join(str(x) for x in first["loc"] if x != "[key]")
    kind, value = first["type"], first.get("input")
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        return cause.field, cause.problem, cause.hint
    if kind == "extra_forbidden":
        return field, "unknown field", "remove it or correct its spelling (see 'antaeus show' for the fields)"
    if kind in BOUNDS:
        return (field, f"value {value!r} is out of bounds ({first['msg'].lower()})",
                "choose a value inside the declared bounds (docs/odd.md lists them)")
    if kind == "finite_number":
        return field, f"value {value!r} is not a finite number", "give a finite number (not nan or inf)"
    if kind == "string_pattern_mismatch":
        return (field, f"the name {value!r} is not allowed",
                "use 1 to 64 lowercase letters, digits, '_' or '-' (docs/scenarios.md)")
    if kind == "missing":
        return field, "required field is missing", "add it (see the built-in scenario for an example)"
    if kind.startswith("date"):
        return field, first["msg"].lower(), "write dates as YYYY-MM-DD (Gregorian)"
    if kind == "value_error" and cause is not None:
        problem, _, fix = str(cause).partition("; ")
        return field, problem, fix or "see docs/scenarios.md for what the field may hold"
    return field, first["msg"], "correct the value"


def _validate(data: dict, origin: dict[str, tuple[str, str | None]], default: tuple[str, str | None]) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        dotted, problem, hint = _problem(err.errors()[0])
        source, text = _origin(dotted, origin, default)
        line = find_line(text, dotted.split(".")) if text and dotted else None
        raise ScenarioError(problem, source=source, line=line, field=dotted or None, hint=hint) from None


def load_scenario(scenario: str | Path = "russia1917", *, overlays: list[str] | None = None,
                  sets: list[str] | None = None, patch: str | Path | None = None,
                  calibrated: bool = True) -> Scenario:
    """Resolve a scenario: a built-in name or a TOML path, then its committed calibration (a
    built-in scenario's posterior median; ``calibrated=False`` keeps the declared guesses),
    overlays, a patch file, then ``--set dotted.path=value`` strings, in that order."""
    name = str(scenario)
    if name in builtin_scenarios():
        source = f"built-in scenario '{name}'"
        text = (BUILTIN / f"{name}.toml").read_text()
        data = read_toml(text, source)
    elif name.endswith(".toml") or Path(name).exists():
        source = name
        text, data = read_file(name)
    else:
        close = difflib.get_close_matches(name, builtin_scenarios(), n=1)
        raise ScenarioError(f"unknown scenario '{name}'", source="scenario",
                            hint=(f"did you mean '{close[0]}'? " if close else "")
                            + "give a built-in name (see 'antaeus scenarios') or a path to a .toml file")
    default = (source, text)
    origin: dict[str, tuple[str, str | None]] = {}
    if name in builtin_scenarios() and calibrated:
        data = apply_posterior(data, name, origin)
    known = builtin_overlays()
    for ov in overlays or []:
        if ov not in known:
            close = difflib.get_close_matches(ov, known, n=1)
            raise ScenarioError(f"unknown overlay '{ov}'", source="--overlay",
                                hint=(f"did you mean '{close[0]}'? " if close else "") + "see 'antaeus scenarios' for the overlays")
        data = deep_merge(data, known[ov].patch)
        text_ov = (BUILTIN / "overlays" / f"{ov}.toml").read_text()
        for leaf in _leaf_paths(known[ov].patch):
            origin[leaf] = (f"overlay '{ov}'", text_ov)
    if patch is not None:
        ptext, pdata = read_file(patch)
        data = deep_merge(data, pdata)
        for leaf in _leaf_paths(pdata):
            origin[leaf] = (str(patch), ptext)
    resolved = _validate(data, origin, default)
    if not sets:
        return resolved
    full = resolved.model_dump(mode="python", exclude_none=False)
    paths = _leaves(full)
    for item in sets:
        if "=" not in item:
            raise ScenarioError(f"'{item}' is not of the form dotted.path=value", source="--set",
                                hint="write for example --set parties.srs.certainty_threshold=0.5")
        key, raw = (x.strip() for x in item.split("=", 1))
        if key not in paths:
            close = difflib.get_close_matches(key, paths, n=1, cutoff=0.6)
            raise ScenarioError(f"unknown path '{key}'", source="--set", field=key,
                                hint=(f"did you mean '{close[0]}'?" if close else "see 'antaeus show' for the paths"))
        set_at(full, paths[key], _parse_value(raw, key))
        origin[key] = ("--set", None)
    return _validate(full, origin, default)


def scenario_toml(scenario: Scenario) -> str:
    """The resolved scenario as TOML that loads back to an equal Scenario.

    TOML has no null, so unset optional fields are left out; they load back as unset.
    """
    return tomli_w.dumps(_drop_none(scenario.model_dump(mode="python")))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_drop_none(v) for v in value]
    return value


def with_parameters(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with some free parameters replaced (validated, so bounds still hold)."""
    data = scenario.model_dump(mode="python")
    for path, value in values.items():
        set_at(data, path.split("."), float(value))
    return Scenario.model_validate(data)


def committed_particles(scenario_name: str) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """The exported particles of a built-in scenario: (paths, particles [n,k], weights [n])."""
    f = posterior_folder() / f"{scenario_name}.csv"
    if not f.is_file():
        return None
    rows = list(csv.reader(f.read_text().splitlines()))
    header, body = rows[0], np.array(rows[1:], float)
    return header[:-1], body[:, :-1], body[:, -1] / body[:, -1].sum()
