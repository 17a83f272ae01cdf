"""The `deig` renderer: the published DEIG checkpoint (Instance Detail Extractor + Detail Fusion
Module on an SD-1.x UNet, T5-XL text features), implemented from the spec in our own code."""

from .renderer import DeigOptions, DeigRenderer

__all__ = ["DeigOptions", "DeigRenderer"]
