"""All mechanisms' parameters in one model: ``parameters.<mechanism>.<name>`` in a scenario."""
from pydantic import BaseModel, ConfigDict, Field

from . import assembly as _assembly
from . import congress as _congress
from . import cooperation as _cooperation
from . import coup as _coup
from . import decisions as _decisions
from . import demands as _demands
from . import desertion as _desertion
from . import influence as _influence
from . import legitimacy as _legitimacy
from . import membership as _membership
from . import mobilisation as _mobilisation
from . import power as _power
from . import rising as _rising
from . import soviets as _soviets
from . import support as _support
from . import war as _war


class MechanismParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    demands: _demands.Params = Field(default_factory=_demands.Params)
    influence: _influence.Params = Field(default_factory=_influence.Params)
    legitimacy: _legitimacy.Params = Field(default_factory=_legitimacy.Params)
    support: _support.Params = Field(default_factory=_support.Params)
    mobilisation: _mobilisation.Params = Field(default_factory=_mobilisation.Params)
    soviets: _soviets.Params = Field(default_factory=_soviets.Params)
    decisions: _decisions.Params = Field(default_factory=_decisions.Params)
    membership: _membership.Params = Field(default_factory=_membership.Params)
    war: _war.Params = Field(default_factory=_war.Params)
    power: _power.Params = Field(default_factory=_power.Params)
    rising: _rising.Params = Field(default_factory=_rising.Params)
    coup: _coup.Params = Field(default_factory=_coup.Params)
    congress: _congress.Params = Field(default_factory=_congress.Params)
    cooperation: _cooperation.Params = Field(default_factory=_cooperation.Params)
    assembly: _assembly.Params = Field(default_factory=_assembly.Params)
    desertion: _desertion.Params = Field(default_factory=_desertion.Params)
