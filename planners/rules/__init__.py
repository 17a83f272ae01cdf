"""The offline rules planner: English scene descriptions to scenes, deterministic and fast."""

from planners.rules.planner import RulesPlanner

__all__ = ["RulesPlanner"]
