"""Planners: a prompt (or an incomplete scene) in, a validated scene out."""
