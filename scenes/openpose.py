"""Drawing OpenPose COCO-18 skeletons the way ControlNet-OpenPose was trained to read them.

The convention (limb list, colour table, 60 % limb intensity, radius-4 joints on black) is the
standard OpenPose body renderer's; see `shared/specs/deig-and-finecontrolnet.md` §6.3. Drawn with
Pillow so that no OpenCV or detector is needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageDraw

# Limb i joins these two keypoints and is drawn in COLOURS[i]; only the first 17 are drawn.
LIMBS: tuple[tuple[int, int], ...] = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10),
    (1, 11), (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
)  # fmt: skip
COLOURS: tuple[tuple[int, int, int], ...] = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
    (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
    (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
)  # fmt: skip
STICK_WIDTH = 4
JOINT_RADIUS = 4
LIMB_INTENSITY = 0.6

Keypoints = Sequence[Sequence[float]]  # 18 rows of [x, y, confidence], canvas fractions


def ellipse_polygon(centre: tuple[int, int], axes: tuple[int, int], angle_deg: int) -> list[tuple[int, int]]:
    """A closed polygon approximating a rotated ellipse with one vertex per degree."""
    cx, cy = centre
    a, b = axes
    alpha, beta = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    points: list[tuple[int, int]] = []
    for degree in range(0, 361):
        x, y = a * math.cos(math.radians(degree)), b * math.sin(math.radians(degree))
        point = (round(cx + x * alpha - y * beta), round(cy + x * beta + y * alpha))
        if not points or points[-1] != point:
            points.append(point)
    return points


def _pixel(point: Sequence[float], width: int, height: int) -> tuple[float, float]:
    return point[0] * width, point[1] * height


def draw_skeletons(people: Sequence[Keypoints], width: int, height: int) -> Image.Image:
    """One RGB control image holding every person's skeleton on black."""
    canvas = Image.new("RGB", (width, height), (0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    for limb_index, (a, b) in enumerate(LIMBS):
        for keypoints in people:
            if keypoints[a][2] <= 0 or keypoints[b][2] <= 0:
                continue
            (x1, y1), (x2, y2) = _pixel(keypoints[a], width, height), _pixel(keypoints[b], width, height)
            length = math.hypot(x1 - x2, y1 - y2)
            angle = int(math.degrees(math.atan2(y1 - y2, x1 - x2)))
            centre = (int((x1 + x2) / 2), int((y1 + y2) / 2))
            polygon = ellipse_polygon(centre, (int(length / 2), STICK_WIDTH), angle)
            if len(polygon) >= 3:
                draw.polygon(polygon, fill=COLOURS[limb_index])
            else:
                draw.point(polygon, fill=COLOURS[limb_index])
    # Limbs end up at 60 % intensity (uint8 truncation), joints at full intensity on top.
    canvas = canvas.point(lambda value: int(value * LIMB_INTENSITY))
    draw = ImageDraw.Draw(canvas)
    for joint in range(18):
        for keypoints in people:
            if keypoints[joint][2] <= 0:
                continue
            x, y = _pixel(keypoints[joint], width, height)
            x, y = int(x), int(y)
            draw.ellipse((x - JOINT_RADIUS, y - JOINT_RADIUS, x + JOINT_RADIUS, y + JOINT_RADIUS),
                         fill=COLOURS[joint])
    return canvas


def draw_skeleton(keypoints: Keypoints, width: int, height: int) -> Image.Image:
    """One person's skeleton alone (FineControlNet gives each person their own control image)."""
    return draw_skeletons([keypoints], width, height)
