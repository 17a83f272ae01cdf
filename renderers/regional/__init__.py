"""The regional renderer (`--renderer regional`): detail fusion on SD-1.5 / SDXL, poses via ControlNet."""

from .options import RegionalOptions
from .renderer import RegionalRenderer

__all__ = ["RegionalOptions", "RegionalRenderer"]
