"""The pose library: named human poses as OpenPose COCO-18 keypoints, and fitting them into a box.

Keypoints are written in a figure frame where a standing adult is one unit tall (top of the head
at y=0, soles at y=1) and faces the viewer, so the person's right side is on the image's left.
Fitting scales a pose uniformly into an instance's box, centred horizontally and standing on the
box's bottom edge.
"""

from __future__ import annotations

from collections.abc import Sequence

# OpenPose COCO-18 order.
KEYPOINT_NAMES: tuple[str, ...] = (
    "nose", "neck",
    "right_shoulder", "right_elbow", "right_wrist",
    "left_shoulder", "left_elbow", "left_wrist",
    "right_hip", "right_knee", "right_ankle",
    "left_hip", "left_knee", "left_ankle",
    "right_eye", "left_eye", "right_ear", "left_ear",
)  # fmt: skip
NUM_KEYPOINTS = len(KEYPOINT_NAMES)

Point = tuple[float, float]

# The head, shared by upright front-facing poses: nose, neck, eyes, ears.
_HEAD = {
    "nose": (0.50, 0.085), "neck": (0.50, 0.175),
    "right_eye": (0.48, 0.07), "left_eye": (0.52, 0.07),
    "right_ear": (0.455, 0.08), "left_ear": (0.545, 0.08),
}  # fmt: skip
_SHOULDERS = {"right_shoulder": (0.40, 0.19), "left_shoulder": (0.60, 0.19)}
_HIPS = {"right_hip": (0.45, 0.52), "left_hip": (0.55, 0.52)}
_LEGS_STANDING = {
    "right_knee": (0.45, 0.74), "right_ankle": (0.45, 0.96),
    "left_knee": (0.55, 0.74), "left_ankle": (0.55, 0.96),
}  # fmt: skip
_ARMS_DOWN = {
    "right_elbow": (0.37, 0.35), "right_wrist": (0.36, 0.50),
    "left_elbow": (0.63, 0.35), "left_wrist": (0.64, 0.50),
}  # fmt: skip


def _upright(**joints: Point) -> dict[str, Point]:
    return {**_HEAD, **_SHOULDERS, **_HIPS, **_LEGS_STANDING, **_ARMS_DOWN, **joints}


_POSES: dict[str, tuple[str, dict[str, Point]]] = {
    "standing": ("standing upright, facing the viewer, arms at the sides", _upright()),
    "walking": ("mid-stride walk, arms swinging", _upright(
        right_elbow=(0.40, 0.35), right_wrist=(0.44, 0.49), left_elbow=(0.61, 0.35), left_wrist=(0.60, 0.50),
        right_knee=(0.41, 0.74), right_ankle=(0.36, 0.95), left_knee=(0.57, 0.73), left_ankle=(0.62, 0.96))),
    "running": ("running, knees high and elbows bent", _upright(
        right_elbow=(0.35, 0.30), right_wrist=(0.40, 0.22), left_elbow=(0.66, 0.36), left_wrist=(0.70, 0.45),
        right_hip=(0.46, 0.50), left_hip=(0.56, 0.50),
        right_knee=(0.38, 0.64), right_ankle=(0.30, 0.86), left_knee=(0.62, 0.66), left_ankle=(0.58, 0.92))),
    # Turned a little, so that the thighs show as thighs: seen straight on they would vanish into
    # the knees and the figure would read as standing with bent legs.
    "sitting": ("sitting on a chair, turned a little, thighs level toward the image's right, hands in the lap", {
        **_HEAD, **_SHOULDERS,
        "right_hip": (0.46, 0.53), "left_hip": (0.55, 0.51),
        "right_elbow": (0.38, 0.36), "right_wrist": (0.50, 0.50),
        "left_elbow": (0.62, 0.35), "left_wrist": (0.64, 0.48),
        "right_knee": (0.66, 0.57), "right_ankle": (0.64, 0.80),
        "left_knee": (0.73, 0.54), "left_ankle": (0.71, 0.77)}),
    "waving": ("standing, right hand raised and waving", _upright(
        right_elbow=(0.30, 0.16), right_wrist=(0.31, 0.02))),
    "pointing": ("standing, left arm stretched out sideways, pointing", _upright(
        left_elbow=(0.73, 0.20), left_wrist=(0.86, 0.20))),
    "arms-crossed": ("standing, arms folded across the chest", _upright(
        right_elbow=(0.39, 0.33), right_wrist=(0.57, 0.30), left_elbow=(0.61, 0.33), left_wrist=(0.43, 0.30))),
    "hands-on-hips": ("standing, hands on the hips, elbows out", _upright(
        right_elbow=(0.31, 0.36), right_wrist=(0.43, 0.49), left_elbow=(0.69, 0.36), left_wrist=(0.57, 0.49))),
    "arms-raised": ("standing, both arms raised above the head", _upright(
        right_elbow=(0.35, 0.10), right_wrist=(0.33, -0.02), left_elbow=(0.65, 0.10), left_wrist=(0.67, -0.02))),
    "jumping": ("jumping, arms up and knees bent", _upright(
        right_elbow=(0.32, 0.12), right_wrist=(0.27, 0.02), left_elbow=(0.68, 0.12), left_wrist=(0.73, 0.02),
        right_knee=(0.40, 0.68), right_ankle=(0.44, 0.84), left_knee=(0.60, 0.68), left_ankle=(0.56, 0.84))),
    "kneeling": ("kneeling on both knees, upright torso", {
        **{k: (x, y + 0.22) for k, (x, y) in {**_HEAD, **_SHOULDERS, **_ARMS_DOWN}.items()},
        "right_hip": (0.45, 0.74), "left_hip": (0.55, 0.74),
        "right_knee": (0.44, 0.96), "left_knee": (0.56, 0.96),
        "right_ankle": (0.40, 0.97), "left_ankle": (0.60, 0.97)}),
    "squatting": ("squatting low, arms forward", {
        **{k: (x, y + 0.30) for k, (x, y) in {**_HEAD, **_SHOULDERS}.items()},
        "right_elbow": (0.36, 0.60), "right_wrist": (0.42, 0.70),
        "left_elbow": (0.64, 0.60), "left_wrist": (0.58, 0.70),
        "right_hip": (0.44, 0.76), "left_hip": (0.56, 0.76),
        "right_knee": (0.36, 0.72), "left_knee": (0.64, 0.72),
        "right_ankle": (0.42, 0.97), "left_ankle": (0.58, 0.97)}),
    "lying": ("lying on the back, head to the left", {
        "nose": (0.09, 0.72), "neck": (0.17, 0.78),
        "right_eye": (0.08, 0.70), "left_eye": (0.08, 0.70),
        "right_ear": (0.10, 0.75), "left_ear": (0.10, 0.75),
        "right_shoulder": (0.18, 0.82), "left_shoulder": (0.18, 0.74),
        "right_elbow": (0.32, 0.86), "right_wrist": (0.46, 0.86),
        "left_elbow": (0.32, 0.72), "left_wrist": (0.46, 0.72),
        "right_hip": (0.52, 0.81), "left_hip": (0.52, 0.75),
        "right_knee": (0.73, 0.82), "right_ankle": (0.94, 0.82),
        "left_knee": (0.73, 0.75), "left_ankle": (0.94, 0.75)}),
    "dancing": ("dancing, one arm up, one leg kicked out", _upright(
        right_elbow=(0.33, 0.14), right_wrist=(0.36, 0.02), left_elbow=(0.70, 0.28), left_wrist=(0.78, 0.36),
        left_knee=(0.63, 0.72), left_ankle=(0.72, 0.90))),
    "back-view": ("standing, seen from behind (face hidden)", {
        **{k: v for k, v in _upright().items() if k not in ("nose", "right_eye", "left_eye")},
        # Seen from behind, the person's right side is on the image's right.
        "right_shoulder": (0.60, 0.19), "left_shoulder": (0.40, 0.19),
        "right_elbow": (0.63, 0.35), "right_wrist": (0.64, 0.50),
        "left_elbow": (0.37, 0.35), "left_wrist": (0.36, 0.50),
        "right_hip": (0.55, 0.52), "left_hip": (0.45, 0.52),
        "right_knee": (0.55, 0.74), "right_ankle": (0.55, 0.96),
        "left_knee": (0.45, 0.74), "left_ankle": (0.45, 0.96),
        "right_ear": (0.545, 0.08), "left_ear": (0.455, 0.08)}),
}  # fmt: skip

POSE_NAMES: tuple[str, ...] = tuple(_POSES)

# Extra room around the keypoints that the body itself occupies (head above the nose, soles
# below the ankles, hands beyond the wrists), as fractions of the figure's height.
_PAD_TOP, _PAD_BOTTOM, _PAD_SIDE = 0.09, 0.03, 0.05


def describe(name: str) -> str:
    return _POSES[name][0]


def figure_keypoints(name: str) -> list[Point | None]:
    """The pose's keypoints in its figure frame, in COCO-18 order; None where a joint is hidden."""
    joints = _POSES[name][1]
    return [joints.get(joint) for joint in KEYPOINT_NAMES]


def figure_extent(points: Sequence[Point | None]) -> tuple[float, float, float, float]:
    """The box the body occupies in the figure frame: the keypoints plus head, sole and hand room."""
    visible = [p for p in points if p is not None]
    xs, ys = [p[0] for p in visible], [p[1] for p in visible]
    return min(xs) - _PAD_SIDE, min(ys) - _PAD_TOP, max(xs) + _PAD_SIDE, max(ys) + _PAD_BOTTOM


def aspect_ratio(name: str) -> float:
    """Width over height of the body's extent for a pose (what a layout should give it)."""
    x0, y0, x1, y1 = figure_extent(figure_keypoints(name))
    return (x1 - x0) / (y1 - y0)


def fit_to_box(
    points: Sequence[Point | None],
    box: tuple[float, float, float, float],
    *,
    canvas_aspect: float = 1.0,
) -> list[tuple[float, float, float]]:
    """Place figure keypoints into `box` (canvas fractions) keeping the figure's proportions.

    `canvas_aspect` is width / height of the canvas: a fraction of a wide canvas is more pixels
    across than the same fraction down, and the figure must not be stretched. Returns
    [x, y, confidence] rows in canvas fractions, confidence 0 (and x = y = 0) for hidden joints.
    """
    fx0, fy0, fx1, fy1 = figure_extent(points)
    bx0, by0, bx1, by1 = box
    # Work in units of canvas height so that the scale is isotropic in pixels.
    box_w, box_h = (bx1 - bx0) * canvas_aspect, by1 - by0
    scale = min(box_w / (fx1 - fx0), box_h / (fy1 - fy0))
    fig_w = (fx1 - fx0) * scale
    left = bx0 * canvas_aspect + (box_w - fig_w) / 2
    top = by1 - (fy1 - fy0) * scale  # stand on the box's bottom edge
    placed: list[tuple[float, float, float]] = []
    for point in points:
        if point is None:
            placed.append((0.0, 0.0, 0.0))
            continue
        x = (left + (point[0] - fx0) * scale) / canvas_aspect
        y = top + (point[1] - fy0) * scale
        placed.append((min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0), 1.0))
    return placed


def pose_in_box(name: str, box: tuple[float, float, float, float], *, canvas_aspect: float = 1.0):
    """The named pose fitted into `box`: 18 [x, y, confidence] rows in canvas fractions."""
    return fit_to_box(figure_keypoints(name), box, canvas_aspect=canvas_aspect)


def keypoints_extent(keypoints: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    """The box (canvas fractions) a person with these [x, y, c] keypoints occupies, body room included.

    Used to give an explicit-keypoint instance a box when the scene leaves it out.
    """
    visible = [(x, y) for x, y, c in keypoints if c > 0]
    xs, ys = [p[0] for p in visible], [p[1] for p in visible]
    height = max(max(ys) - min(ys), 0.05)
    x0 = min(xs) - _PAD_SIDE * height
    x1 = max(xs) + _PAD_SIDE * height
    y0 = min(ys) - _PAD_TOP * height
    y1 = max(ys) + _PAD_BOTTOM * height
    return max(x0, 0.0), max(y0, 0.0), min(x1, 1.0), min(y1, 1.0)
