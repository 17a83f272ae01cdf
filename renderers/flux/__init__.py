"""FLUX.1 under the regional renderer: per-instance T5 captions in masked joint attention, poses through a
FLUX ControlNet, on stock diffusers (`FluxTransformer2DModel` with our own attention processors)."""
