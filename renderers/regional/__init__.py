"""The regional renderer (`--renderer regional`): detail fusion on SD-1.5 / SDXL, poses via ControlNet."""

from .renderer import RegionalOptions, RegionalRenderer

__all__ = ["RegionalOptions", "RegionalRenderer"]
