"""Parameters of Epstein's civil-violence model, its rule variants, and the presets.

Every rule variant that changes the dynamics (mechanisms.md §1.3-1.4) is an explicit field:

* ``arrest_ratio``: ``literal`` P = 1 - exp(-k C/A) (the paper), ``floor`` ⌊C/A⌋ (NetLogo),
  ``round`` round(C/A), half to even as Python's ``round`` (current Mesa);
* ``vision_shape``: ``euclidean`` dx² + dy² <= v² (the paper's v = 1.7 and NetLogo's
  ``in-radius``), ``von_neumann`` |dx| + |dy| <= v (current Mesa), ``moore`` max <= v (old Mesa);
* ``self_count``: ``once`` A = 1 + other actives in vision, ``double`` A = 1 + actives in
  vision counting the agent itself (NetLogo counts an active agent twice);
* jail: ``jail`` ``keep`` (the jailed keep their cell, Mesa) or ``vacate`` (they leave the
  lattice; on release they return to their cell, or the nearest free choice within vision);
  ``jail_term`` ``inclusive`` U{0..J} (Mesa's ``randint``) or ``exclusive`` U{0..J-1}
  (NetLogo's ``random``); ``jail_countdown`` ``turn`` (decremented on the agent's own turn,
  Mesa) or ``tick`` (at the end of each tick, NetLogo); ``max_jail_term`` None is infinite.

Other implementation choices are fields too (``move_first``, ``cop_moves_to_arrest``,
``placement``) and ``update`` chooses the faithful random-sequential schedule or antaeus'
synchronous vectorised update.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Path = tuple[tuple[int, float], ...]


class Params(BaseModel):
    """One configuration of Model I (rebellion) or Model II (ethnic violence)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: Literal["I", "II"] = "I"
    width: int = Field(40, ge=5, le=4096)
    height: int = Field(40, ge=5, le=4096)
    citizen_density: float = Field(0.7, ge=0.0, le=1.0)
    cop_density: float = Field(0.04, ge=0.0, le=1.0)
    vision: float = Field(7.0, gt=0.0, description="citizens' vision v")
    cop_vision: float = Field(7.0, gt=0.0, description="cops' vision v*")
    legitimacy: float = Field(0.82, ge=0.0, le=1.0)
    max_jail_term: int | None = Field(30, ge=0, description="J_max in ticks; None = infinite")
    threshold: float = 0.1
    k: float = Field(2.3, gt=0.0)
    movement: bool = True                       # citizens move (cops always do)
    arrest_ratio: Literal["literal", "floor", "round"] = "literal"
    vision_shape: Literal["euclidean", "von_neumann", "moore"] = "euclidean"
    self_count: Literal["once", "double"] = "once"
    jail: Literal["keep", "vacate"] = "vacate"
    jail_term: Literal["inclusive", "exclusive"] = "inclusive"
    jail_countdown: Literal["turn", "tick"] = "tick"
    move_first: bool = True                     # rule M before A/C (paper, NetLogo); Mesa acts first
    cop_moves_to_arrest: bool = False           # NetLogo: the cop steps onto the arrest site
    placement: Literal["exact", "cellwise"] = "exact"
    update: Literal["sequential", "vectorised"] = "sequential"
    batches: int = Field(128, ge=1, description="vectorised: random batches per tick, each "
                         "updated at once (1 = fully synchronous)")
    # Model II
    clone_probability: float = Field(0.05, ge=0.0, le=1.0)
    max_age: int = Field(200, ge=1)
    stop_at_extinction: bool = False             # Model II: stop once a group has died out
    # Schedules: knots (tick, value), linear in between, constant outside; empty = constant.
    legitimacy_path: Path = ()
    cop_path: Path = ()                          # cop density
    outburst_threshold: int = Field(50, ge=0)

    @model_validator(mode="after")
    def _check(self) -> "Params":
        if self.citizen_density + self.cop_density > 1.0 + 1e-12:
            raise ValueError("citizen_density + cop_density must be at most 1")
        for name in ("vision", "cop_vision"):
            if 2 * int(getattr(self, name)) + 1 > min(self.width, self.height):
                raise ValueError(f"{name} must be less than half the smaller side of the torus")
        for path in (self.legitimacy_path, self.cop_path):
            ticks = [t for t, _ in path]
            if ticks != sorted(ticks) or len(set(ticks)) != len(ticks):
                raise ValueError("schedule knots must have increasing ticks")
        return self


_PAPER = dict(width=40, height=40, citizen_density=0.7, k=2.3, threshold=0.1,
              arrest_ratio="literal", vision_shape="euclidean", self_count="once", jail="vacate",
              jail_term="inclusive", jail_countdown="tick", move_first=True, placement="exact")

#: Table 2 of Epstein (2002) and the two reference implementations (mechanisms.md §1.1, §1.4).
PRESETS: dict[str, dict] = {
    "run1": dict(_PAPER, vision=1.7, cop_vision=1.7, legitimacy=0.89, max_jail_term=15,
                 movement=False, cop_density=0.04),
    "run2": dict(_PAPER, vision=7, cop_vision=7, legitimacy=0.82, max_jail_term=30,
                 cop_density=0.04),
    # runs 3 and 4: legitimacy 0.9 -> 0.2 by 0.01 a tick from t = 77 ("salami"), or 0.9 -> 0.7
    # in one jump at t = 77
    "run3": dict(_PAPER, vision=7, cop_vision=7, legitimacy=0.9, max_jail_term=None,
                 cop_density=0.074, legitimacy_path=((77, 0.9), (147, 0.2))),
    "run4": dict(_PAPER, vision=7, cop_vision=7, legitimacy=0.9, max_jail_term=None,
                 cop_density=0.074, legitimacy_path=((76, 0.9), (77, 0.7))),
    # run 5: cops walked down from 0.074 to 0 over t = 50..550 (the SugarScape replication's ramp)
    "run5": dict(_PAPER, vision=7, cop_vision=7, legitimacy=0.8, max_jail_term=None,
                 cop_density=0.074, cop_path=((50, 0.074), (550, 0.0))),
    "run6": dict(_PAPER, model="II", vision=1.7, cop_vision=1.7, legitimacy=0.9,
                 max_jail_term=15, cop_density=0.0),
    "run7": dict(_PAPER, model="II", vision=1.7, cop_vision=1.7, legitimacy=0.8,
                 max_jail_term=15, cop_density=0.0),
    "run8": dict(_PAPER, model="II", vision=1.7, cop_vision=1.7, legitimacy=0.8,
                 max_jail_term=15, cop_density=0.04),
    # NetLogo Rebellion (Wilensky 2004) defaults and quirks (a)-(e)
    "netlogo": dict(width=40, height=40, citizen_density=0.7, cop_density=0.04, vision=7,
                    cop_vision=7, legitimacy=0.82, max_jail_term=30, k=2.3, threshold=0.1,
                    movement=True, arrest_ratio="floor", vision_shape="euclidean",
                    self_count="double", jail="vacate", jail_term="exclusive",
                    jail_countdown="tick", move_first=True, cop_moves_to_arrest=True,
                    placement="exact"),
    # Mesa 3.x mesa/examples/advanced/epstein_civil_violence defaults
    "mesa": dict(width=40, height=40, citizen_density=0.7, cop_density=0.074, vision=7,
                 cop_vision=7, legitimacy=0.8, max_jail_term=1000, k=2.3, threshold=0.1,
                 movement=True, arrest_ratio="round", vision_shape="von_neumann",
                 self_count="once", jail="keep", jail_term="inclusive", jail_countdown="turn",
                 move_first=False, cop_moves_to_arrest=False, placement="cellwise"),
}


def preset(name: str, **overrides) -> Params:
    """The named preset (``run1`` .. ``run8``, ``netlogo``, ``mesa``) with fields overridden."""
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    return Params(**{**PRESETS[name], **overrides})


def resolve(preset_or_params: str | Params | dict) -> Params:
    """A preset name, a Params, or a dict (optionally with ``preset``: name, plus overrides)."""
    if isinstance(preset_or_params, Params):
        return preset_or_params
    if isinstance(preset_or_params, str):
        return preset(preset_or_params)
    if isinstance(preset_or_params, dict):
        fields = dict(preset_or_params)
        name = fields.pop("preset", None)
        return preset(name, **fields) if name else Params(**fields)
    raise TypeError(f"expected a preset name, Params or dict, not {type(preset_or_params).__name__}")


def schedule(path: Path, default: float, steps: int) -> list[float]:
    """Values of a knot schedule at ticks 1..steps (linear between knots, constant outside)."""
    if not path:
        return [default] * steps
    out = []
    for t in range(1, steps + 1):
        if t <= path[0][0]:
            out.append(path[0][1])
        elif t >= path[-1][0]:
            out.append(path[-1][1])
        else:
            for (t0, v0), (t1, v1) in zip(path, path[1:]):
                if t0 <= t <= t1:
                    out.append(v0 + (v1 - v0) * (t - t0) / (t1 - t0))
                    break
    return out
