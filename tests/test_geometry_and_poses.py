"""Box masks at latent resolutions, the pose library, and OpenPose drawing conventions."""

from __future__ import annotations

import numpy as np
import pytest

from scenes import geometry, poses
from scenes.openpose import COLOURS, LIMBS, draw_skeleton, draw_skeletons


@pytest.mark.parametrize(("h", "w"), [(64, 64), (32, 48), (8, 8), (96, 64), (7, 9)])
def test_hard_box_mask_covers_exactly_the_cells_whose_centres_are_inside(h: int, w: int) -> None:
    box = (0.2, 0.3, 0.7, 0.9)
    mask = geometry.box_mask(box, h, w)
    assert mask.shape == (h, w) and set(np.unique(mask)) <= {0.0, 1.0}
    for u in range(h):
        for v in range(w):
            cx, cy = (v + 0.5) / w, (u + 0.5) / h
            assert mask[u, v] == float(box[0] <= cx < box[2] and box[1] <= cy < box[3])


def test_a_box_smaller_than_a_cell_still_claims_one_cell() -> None:
    for feather in (0.0, 2.0):
        mask = geometry.box_mask((0.51, 0.51, 0.52, 0.52), 8, 8, feather=feather)
        assert mask.max() == 1.0 and mask[4, 4] == 1.0


def test_soft_mask_is_one_inside_zero_far_outside_and_half_way_at_edges() -> None:
    mask = geometry.box_mask((0.25, 0.25, 0.75, 0.75), 64, 64, feather=4)
    assert mask[32, 32] == 1.0 and mask[0, 0] == 0.0 and mask[63, 63] == 0.0
    assert 0.3 < mask[32, 16] < 0.7  # the left edge at x = 16 cells
    assert np.all(np.diff(mask[32, :33]) >= 0)  # ramps up monotonically towards the centre


def test_a_box_on_the_canvas_border_does_not_fade_at_the_frame() -> None:
    mask = geometry.box_mask((0.0, 0.0, 1.0, 0.5), 16, 16, feather=3)
    assert mask[0, 0] == 1.0 and mask[0, 15] == 1.0


def test_dilate_blur_and_downsample_helpers() -> None:
    mask = np.zeros((16, 16), np.float32)
    mask[8, 8] = 1.0
    assert geometry.dilate(mask, 5).sum() == 25
    assert geometry.gaussian_blur(mask, 1.0).sum() == pytest.approx(1.0, abs=1e-5)
    assert geometry.gaussian_kernel_1d(1.0).size == 9  # OpenCV's size for sigma 1 on float images
    assert geometry.gaussian_kernel_1d(1.1).size == 11  # cvRound(1.1*4*2 + 1) | 1; 2*round(4σ)+1 said 9
    assert geometry.area_downsample(geometry.dilate(mask, 3), 8).max() == pytest.approx(4 / 64)
    assert geometry.max_downsample(mask, 8)[1, 1] == 1.0
    with pytest.raises(ValueError):
        geometry.dilate(mask, 4)


def test_the_library_holds_the_poses_the_issue_names_and_more() -> None:
    wanted = {"standing", "walking", "running", "sitting", "waving", "pointing", "arms-crossed", "jumping",
              "kneeling", "lying"}
    assert wanted <= set(poses.POSE_NAMES) and len(poses.POSE_NAMES) >= 10
    for name in poses.POSE_NAMES:
        points = poses.figure_keypoints(name)
        assert len(points) == 18
        assert sum(p is not None for p in points) >= 14, name
        assert poses.describe(name)
    assert poses.aspect_ratio("lying") > 2 > 0.5 > poses.aspect_ratio("standing")


@pytest.mark.parametrize("name", poses.POSE_NAMES)
@pytest.mark.parametrize(("box", "aspect"), [((0.1, 0.2, 0.4, 0.9), 1.0), ((0.5, 0.1, 0.6, 0.95), 1.5),
                                             ((0.0, 0.6, 1.0, 1.0), 0.75)])
def test_fitting_keeps_every_joint_in_the_box_and_the_figure_unstretched(name, box, aspect) -> None:
    placed = poses.pose_in_box(name, box, canvas_aspect=aspect)
    visible = [(x, y) for x, y, c in placed if c > 0]
    assert all(box[0] - 1e-9 <= x <= box[2] + 1e-9 and box[1] - 1e-9 <= y <= box[3] + 1e-9 for x, y in visible)
    # Uniform scaling in pixels: the neck-to-hip distance over the shoulder width is the figure's own.
    fig = poses.figure_keypoints(name)
    if fig[2] and fig[5] and fig[1] and fig[8]:
        def ratio(points, sx):
            shoulder = abs(points[2][0] - points[5][0]) * sx
            torso = abs(points[1][1] - points[8][1])
            return torso / shoulder if shoulder else None
        expected = ratio(fig, 1.0)
        got = ratio(placed, aspect)
        if expected and got:
            assert got == pytest.approx(expected, rel=0.02)
    # Standing on the box's bottom edge.
    extent = poses.figure_extent(fig)
    assert max(y for _, y in visible) <= box[3]
    assert extent[3] > extent[1]


def test_skeleton_is_drawn_in_the_openpose_limb_and_joint_colours() -> None:
    keypoints = [list(p) for p in poses.pose_in_box("standing", (0.25, 0.05, 0.75, 0.95))]
    image = np.asarray(draw_skeleton(keypoints, 512, 512))
    # Joints at full intensity in their own colour, at their truncated pixel position.
    for joint in (0, 1, 4, 10, 13):
        x, y = int(keypoints[joint][0] * 512), int(keypoints[joint][1] * 512)
        assert tuple(image[y, x]) == COLOURS[joint]
    # A limb's middle carries the limb colour at 60 % (uint8 truncation).
    a, b = LIMBS[7]  # right hip -> right knee
    mx = int((keypoints[a][0] + keypoints[b][0]) / 2 * 512)
    my = int((keypoints[a][1] + keypoints[b][1]) / 2 * 512)
    assert tuple(image[my, mx]) == tuple(int(c * 0.6) for c in COLOURS[7])
    # Everything else is black.
    assert image[2, 2].tolist() == [0, 0, 0]


def test_missing_joints_are_skipped_and_several_people_share_one_canvas() -> None:
    one = [list(p) for p in poses.pose_in_box("waving", (0.0, 0.0, 0.5, 1.0))]
    two = [list(p) for p in poses.pose_in_box("sitting", (0.5, 0.0, 1.0, 1.0))]
    two[4] = [0.0, 0.0, 0.0]  # right wrist not visible
    both = np.asarray(draw_skeletons([one, two], 256, 256))
    assert both[:, :128].any() and both[:, 128:].any()
    assert both[0, 0].tolist() == [0, 0, 0]
