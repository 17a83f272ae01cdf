"""The canvas shape a scene asks for, when the user named none: a row of six people is wider than tall.

Shapes are the ones Stable Diffusion models are used to (sides multiples of 64, about 512 px on the
short side); the scene's natural extent (its things side by side on the ground, with the sky
things above them) picks the nearest by ratio.
"""

from __future__ import annotations

import math

from planners.layout.packing import GAP, Block

SHAPES = ((512, 768), (512, 640), (512, 512), (640, 512), (768, 512), (896, 512))
_HEADROOM = 1.15   # room above the tallest thing and below the feet, of its height
_SKY = 1.3         # sky things ride above the ground row: the picture is this much taller


def natural_aspect(blocks: list[Block]) -> float:
    """Width over height of the blocks side by side on one ground line, sky and wall ones above."""
    if not blocks:
        return 1.0
    ground = [b for b in blocks if not b.floats] or blocks
    gap = GAP * sorted(b.height for b in ground)[len(ground) // 2]
    width = sum(b.width for b in ground) + gap * (len(ground) - 1)
    height = max(b.height for b in ground) * _HEADROOM
    if len(ground) < len(blocks):
        height *= _SKY
    return width / height


def shape_for(aspect: float) -> tuple[int, int]:
    """The canvas (width, height) whose ratio is nearest `aspect`."""
    return min(SHAPES, key=lambda s: abs(math.log(s[0] / s[1]) - math.log(max(aspect, 1e-6))))
