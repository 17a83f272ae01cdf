"""The offline rules planner (being built)."""
