"""Composing a picture: boxes for the things of a scene, usable by every planner.

The steps, one module each:

- `priors`: how big things are and what shape (size priors per class, open-vocabulary by category);
- `staging`: what holds a thing up (the ground, the sky, a wall, a seat, a hand);
- `attachment`: things glued to things (on, in, under, held, in front of, behind);
- `arrangement`: groups of things on one ground plane with depth (rows, semicircles, crowds);
- `solver`: the whole solve, trying candidate arrangements and keeping the one the critic likes best;
- `depth`: who is in front where boxes overlap;
- `critic`: what is implausible about any layout, the rules planner's and an LLM's alike.
"""

from planners.layout.attachment import ATTACHING
from planners.layout.packing import X_ZONES, Y_ZONES
from planners.layout.plans import apply_reading, finish_plan, review_scene, scene_relations, with_depth
from planners.layout.solver import (
    RELATIONS,
    Layout,
    LayoutItem,
    LayoutRelation,
    finish_fraction,
    relation_holds,
    seated,
    solve,
)

__all__ = ["apply_reading", "ATTACHING", "RELATIONS", "X_ZONES", "Y_ZONES", "Layout", "LayoutItem", "LayoutRelation",
           "finish_fraction", "finish_plan", "relation_holds", "review_scene", "scene_relations", "seated",
           "solve", "with_depth"]
