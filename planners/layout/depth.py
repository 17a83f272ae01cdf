"""Who is in front where boxes overlap: from the stated relations, else the lower bottom in front.

The rank is written into `Instance.depth` (0 = nearest) for every instance whose box overlaps
another, so that renderers blending overlapping regions (`scenes.depth.front_to_back`) agree with
the planner: a cup on a table is drawn over the table, a held plate over the hand that holds it,
the man in front of the car over the car, whatever their bottoms say.
"""

from __future__ import annotations

from collections.abc import Sequence

from planners.layout.critic import Fact
from planners.layout.geometry import Box, overlaps

# Relations that put their subject in front of their object where the two overlap.
_SUBJECT_IN_FRONT = ("in_front_of", "on", "in", "held_by", "at")


def _stated(facts: Sequence[Fact]) -> dict[frozenset[int], tuple[int, int]]:
    """(front, back) of each pair a relation orders; the first relation said about a pair wins."""
    order: dict[frozenset[int], tuple[int, int]] = {}
    for f in facts:
        if f.object is None:
            continue
        if f.kind in _SUBJECT_IN_FRONT:
            pair = (f.subject, f.object)
        elif f.kind == "behind":
            pair = (f.object, f.subject)
        else:
            continue
        order.setdefault(frozenset(pair), pair)
    return order


def depth_ranks(boxes: Sequence[Box], facts: Sequence[Fact] = ()) -> list[int | None]:
    """A rank per box (0 = nearest) for boxes that overlap another; None for the rest.

    Overlapping pairs are ordered by a stated relation, else the lower bottom is in front (ties: the
    one mentioned first); the ranks are a topological order of those pairs, a relation that would
    close a cycle giving way to the ground-plane rule.
    """
    n = len(boxes)
    stated = _stated(facts)
    behind: dict[int, set[int]] = {i: set() for i in range(n)}  # i -> the ones i must be in front of
    touching = set()
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if overlaps(boxes[i], boxes[j])]
    # Stated pairs first, so that a cycle is broken at a guessed edge rather than a stated one.
    pairs.sort(key=lambda p: frozenset(p) not in stated)
    for i, j in pairs:
        touching.update((i, j))
        front, back = stated.get(frozenset((i, j)), _by_ground(boxes, i, j))
        if _reaches(behind, back, front):
            front, back = back, front
        behind[front].add(back)
    order = _topological(sorted(touching), behind, boxes)
    ranks: list[int | None] = [None] * n
    for rank, index in enumerate(order):
        ranks[index] = rank
    return ranks


def _by_ground(boxes: Sequence[Box], i: int, j: int) -> tuple[int, int]:
    return (i, j) if boxes[i][3] >= boxes[j][3] else (j, i)


def _reaches(graph: dict[int, set[int]], start: int, goal: int) -> bool:
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _topological(nodes: list[int], behind: dict[int, set[int]], boxes: Sequence[Box]) -> list[int]:
    """Front first; among the ready ones, the lowest bottom, then the first mentioned."""
    indegree = {n: 0 for n in nodes}
    for n in nodes:
        for m in behind[n]:
            indegree[m] += 1
    out: list[int] = []
    ready = [n for n in nodes if indegree[n] == 0]
    while ready:
        ready.sort(key=lambda n: (-boxes[n][3], n))
        node = ready.pop(0)
        out.append(node)
        for m in behind[node]:
            indegree[m] -= 1
            if indegree[m] == 0:
                ready.append(m)
    return out
