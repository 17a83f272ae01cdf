"""FineControlNet: per-instance ControlNet-OpenPose + UNet branches, composited in latent space."""

from .renderer import FineControlNetOptions, FineControlNetRenderer

__all__ = ["FineControlNetOptions", "FineControlNetRenderer"]
