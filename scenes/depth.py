"""Which instance is in front where boxes overlap: one rule for planners, critics and renderers."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Instance


def front_to_back(instances: Sequence[Instance]) -> list[int]:
    """Instance indices from nearest to farthest.

    An explicit `depth` wins (0 is nearest); instances without one follow by the ground-plane rule
    (a lower box bottom stands nearer the camera), ties broken by input order.
    """

    def key(index: int) -> tuple[float, float, int]:
        instance = instances[index]
        bottom = instance.box[3] if instance.box is not None else 0.0
        explicit = float(instance.depth) if instance.depth is not None else float("inf")
        return (explicit, -bottom, index)

    return sorted(range(len(instances)), key=key)


def depth_ranks(instances: Sequence[Instance]) -> list[int]:
    """Each instance's rank in `front_to_back` order (0 = in front of all others)."""
    ranks = [0] * len(instances)
    for rank, index in enumerate(front_to_back(instances)):
        ranks[index] = rank
    return ranks
