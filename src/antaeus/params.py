"""Declaring free parameters once: default, bounds, unit, description and source.

Every free number of the model is a pydantic field made with :func:`param`. The bounds are
enforced on load (so ``--set`` cannot push a value outside them), and the same declaration
feeds ``antaeus show``, ``docs/odd.md`` and, later, calibration and sensitivity analysis.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

GUESS = "documented guess, not calibrated (see docs/odd.md)"


def param(default: float, lo: float, hi: float, unit: str, description: str,
          source: str = GUESS) -> Any:
    """A bounded numeric field with its unit and source attached as schema metadata."""
    return Field(default, ge=lo, le=hi, description=description,
                 json_schema_extra={"unit": unit, "source": source, "free": True})


@dataclass(frozen=True)
class ParameterInfo:
    """One free parameter of a resolved scenario."""

    path: str
    value: float
    lower: float
    upper: float
    unit: str
    description: str
    source: str


def free_entries(unit: str, lo: float, hi: float, description: str) -> Any:
    """A table of bounded numbers keyed by name (a party's reach by region): each entry given
    in a scenario is a free parameter of its own, ``<field>.<key>``, with these bounds and unit."""
    return Field(default_factory=dict, description=description,
                 json_schema_extra={"unit": unit, "free_entries": [lo, hi]})


def _bounds(info) -> tuple[float, float]:
    lo = hi = None
    for m in info.metadata:
        lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
    return lo, hi


def free_parameters(model: BaseModel, prefix: str = "", inherited: str | None = None) -> list[ParameterInfo]:
    """Walk a model (and nested models and dicts of models) and list every free parameter.

    A parameter without a source of its own cites its entity's ``source``; a nested model
    without one (a group's ``demands``) cites the entity that holds it (``inherited``)."""
    out: list[ParameterInfo] = []
    entity_source = getattr(model, "source", None) or inherited
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("free"):
            lo, hi = _bounds(info)
            source = extra.get("source", GUESS)
            if entity_source and source == GUESS:
                source = entity_source
            out.append(ParameterInfo(path, float(value), lo, hi, extra.get("unit", ""),
                                     info.description or "", source))
        elif extra.get("free_entries"):
            lo, hi = extra["free_entries"]
            out.extend(ParameterInfo(f"{path}.{key}", float(item), lo, hi, extra.get("unit", ""),
                                     f"{info.description or ''} [{key}]", entity_source or GUESS)
                       for key, item in value.items())
        elif isinstance(value, BaseModel):
            out.extend(free_parameters(value, path + ".", entity_source))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    out.extend(free_parameters(item, f"{path}.{key}."))
    return out
