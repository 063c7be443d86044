"""Desertion: a soldier goes home when his village shares out the land.

What the front soldiers do together is not desertion. Their collective action (the activity
``refusal``, decided by the mobilisation rule of 7.6 like every group's) is the regiment's:
a committee overrules its officers, a company will not go over the top, men fraternise across
the wire. By the summer of 1917 it touched most of the army (Wildman 1987, The End of the
Russian Imperial Army, vol. 2), and the men who did it stayed in their trenches. Desertion
is one man leaving his unit, and the record counts men who left (docs/data.md item 20).

The land called the peasant soldier home. When word came that the village was dividing the
landlord's fields, a soldier who stayed at the front risked being passed over in the
division, and men left to claim their share (Wildman 1987, vol. 2; Figes 1996, A People's
Tragedy, ch. 10; Gill 1979, Peasants and Government in the Russian Revolution). Going home for
the land was the household's business, not a political act: a soldier left whether or not his
company had defied its officers. So on each day every front soldier leaves with the chance
that his own village has lately begun to take the land: the share of the empire's village
communes that began a land seizure, as a running mean over ``news_days`` (:func:`news`:
letters and men back from leave carried the news to the trenches within weeks). The army was
raised from every province, so the chance is the empire's, not the front region's; and it
was raised mostly, not only, from the villages, so a soldier without a village counts as if
he had one (the count is high by the share of workers and townsmen in the ranks).

The count is an expectation (:func:`deserters`): the soldiers times that chance, by day and
region. The men are counted, not removed: a deserter stays in the model's regiment, where he
still votes and weighs in the front's strength, and does not join his village (the
departure's feedback is not modelled; docs/odd.md, section 11), and the pool he was drawn
from is not made smaller by his going (under a tenth of the front by August: a small overcount).
Flight under fire in an offensive and leave overstayed for Easter or the sowing are other
roads out of the army that this rule does not have.
"""
from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "desertion"
#: The activity of the front soldiers, whose collective action is the regiment's refusal; they
#: are the men who can desert (:func:`deserters`).
REFUSAL = "refusal"
CITATION = ("Wildman (1987) The End of the Russian Imperial Army vol. 2: collective refusal in the "
            "regiments, desertion for the land; Figes (1996) A People's Tragedy ch. 10; Gill (1979) "
            "Peasants and Government in the Russian Revolution")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    news_days: float = param(30.0, 1.0, 120.0, "days", "span of the running mean of the villages' beginnings that reaches a soldier as news from home",
                             "GUESS after Wildman (1987) vol. 2: letters and men back from leave brought the village's news to the "
                             "trenches within weeks; not calibrated (the deserters are out of sample)")


def news(beginning: np.ndarray, days: float) -> np.ndarray:
    """[D] the running mean over ``days`` of ``beginning`` [D], the share of the villages that
    began to act on each day, starting from none before the first day."""
    out = np.empty(len(beginning))
    level = 0.0
    for d, b in enumerate(np.asarray(beginning, dtype=float)):
        level += (b - level) / days
        out[d] = level
    return out


def deserters(onsets: np.ndarray, people: np.ndarray, soldiers: np.ndarray, villages: np.ndarray,
              p: Params) -> np.ndarray:
    """[D,R] the soldiers expected to leave for home on each day in each region.

    ``onsets`` [D,R,G] are the people newly in action each day; ``people`` [R,G] the people of
    each cell; ``soldiers`` and ``villages`` [G] bool mark the groups who can desert and the
    groups whose locales are villages that take the land. With no villages (or no people in
    them) no one is called home."""
    onsets, people = np.asarray(onsets, dtype=float), np.asarray(people, dtype=float)
    in_villages = float(people[:, villages].sum())
    if in_villages <= 0.0:
        return np.zeros(onsets.shape[:2])
    beginning = onsets[:, :, villages].sum(axis=(1, 2)) / in_villages
    return news(beginning, p.news_days)[:, None] * people[:, soldiers].sum(axis=1)[None, :]
