"""Exact arithmetic at the seams of `deig eval`, against hand-computed expectations.

Each expectation below is worked out by hand in its comment (or from the reference code's formula
written out independently), never by calling the code under test for the expected value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from evaluation import colour, geometry, scoring, stats
from evaluation.benchmarks import Item, Target
from evaluation.evaluators.base import Detection, Evaluators
from evaluation.protocols import geneval, lmd
from evaluation.protocols.base import Sample
from evaluation.protocols.deig_bench import DeigBenchProtocol
from evaluation.protocols.mig import MigProtocol, decide

# -- IoU at MIG's and DEIG's 0.5 threshold ------------------------------------------------------------


def test_iou_of_hand_made_boxes():
    # truth 100x100; a detection 100 wide and h high from the same corner overlaps h*100 of 10000.
    assert geometry.iou((0, 0, 100, 100), (0, 0, 100, 49)) == pytest.approx(0.49)
    assert geometry.iou((0, 0, 100, 100), (0, 0, 100, 51)) == pytest.approx(0.51)
    # disjoint boxes and identical boxes
    assert geometry.iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    assert geometry.iou((5, 5, 15, 25), (5, 5, 15, 25)) == 1.0
    # half overlap side by side: inter 50, union 150
    assert geometry.iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)


def test_mig_decision_quirks():
    # no detection; under the IoU threshold (the IoU still counts in mIoU); colour failure zeroes mIoU
    assert decide(False, 0.0, None) == (0, 0, 0.0)
    assert decide(True, 0.49, 0.9) == (0, 0, 0.49)
    assert decide(True, 0.51, 0.19) == (1, 0, 0.0)
    assert decide(True, 0.51, 0.21) == (1, 1, 0.51)
    assert decide(True, 0.51, None) == (1, 0, 0.0)  # empty mask / colour not checkable


class ScriptedDetector:
    kind = "scripted"

    def __init__(self, boxes):
        self.boxes = boxes
        self.queries = []

    def detect(self, image, queries, *, threshold, text_threshold=0.25):
        self.queries.append(list(queries))
        return [Detection(box, 0.9, 0) for box in self.boxes]


class ScriptedSegmenter:
    def __init__(self, mask):
        self.mask_value = mask

    def mask(self, image, box):
        return self.mask_value


class ScriptedJudge:
    def __init__(self, answer):
        self.reply = answer
        self.questions = []

    def answer(self, image, question):
        self.questions.append(question)
        return self.reply


def _sample(targets, prompt="p"):
    item = Item("x", prompt, "t", 1, (0,), targets=tuple(targets))
    return Sample(item, 0, 0, None, tuple(targets))


def _painted(red_pixels: int) -> tuple[Image.Image, np.ndarray]:
    """A 512x512 grey image; a 100x100 mask at (0,0); `red_pixels` of the mask pure red."""
    pixels = np.full((512, 512, 3), 128, dtype=np.uint8)
    flat = pixels[:100, :100].reshape(-1, 3)
    flat[:red_pixels] = (255, 0, 0)
    pixels[:100, :100] = flat.reshape(100, 100, 3)
    mask = np.zeros((512, 512), dtype=bool)
    mask[:100, :100] = True
    return Image.fromarray(pixels), mask


@pytest.mark.parametrize(("height", "box_ok"), [(49, False), (51, True)])
def test_mig_protocol_iou_threshold_through_the_seams(height, box_ok):
    truth = (0.0, 0.0, 100 / 512, 100 / 512)  # 100x100 pixels on the 512 canvas
    image, mask = _painted(2100)
    evaluators = Evaluators(detector=ScriptedDetector([(0.0, 0.0, 100.0, float(height))]),
                            segmenter=ScriptedSegmenter(mask))
    scored = MigProtocol().score(image, _sample([Target("car", "a red car", truth, {"colour": "red"})]), evaluators)
    record = scored.instances[0]
    assert record["iou"] == pytest.approx(height / 100)
    assert record["box_ok"] is box_ok
    assert record["ok"] is box_ok  # 21 % red passes the colour check when the box does
    assert record["miou"] == pytest.approx(0.51 if box_ok else 0.49)
    assert evaluators.detector.queries == [["car"]]  # MIG queries the class only


@pytest.mark.parametrize(("red", "passes"), [(1900, False), (2100, True)])
def test_mig_colour_fraction_threshold(red, passes):
    image, mask = _painted(red)
    truth = (0.0, 0.0, 100 / 512, 100 / 512)
    evaluators = Evaluators(detector=ScriptedDetector([(0.0, 0.0, 100.0, 100.0)]), segmenter=ScriptedSegmenter(mask))
    record = MigProtocol().score(image, _sample([Target("car", "a red car", truth, {"colour": "red"})]),
                                 evaluators).instances[0]
    assert record["colour_fraction"] == pytest.approx(red / 10000)
    assert record["attr_ok"] is passes
    assert record["miou"] == (1.0 if passes else 0.0)


def test_opencv_hsv_values_by_hand():
    # OpenCV 8-bit: hdiv[255] = round(180*4096/(6*255)) = 482, sdiv[255] = round(255*4096/255) = 4096.
    # (255, 0, 128): v = r, h numerator g-b = -128 -> (-128*482 + 2048) >> 12 = floor(-14.56) = -15 -> +180 = 165
    # s = (255*4096 + 2048) >> 12 = 255.
    hsv = colour.rgb_to_hsv(np.array([[255, 0, 128], [0, 0, 255], [128, 128, 128], [0, 255, 0]], dtype=np.uint8))
    assert hsv.tolist() == [[165, 255, 255],   # red wrapped round the hue circle
                            [120, 255, 255],   # blue: (1020*482 + 2048) >> 12 = 120
                            [0, 0, 128],       # grey: no saturation
                            [60, 255, 255]]    # green: (510*482 + 2048) >> 12 = 60


def test_red_wraps_round_hue_180():
    # 165 lies in MIG's second red range (159-180): a magenta-red patch counts as red, not as blue.
    patch = np.zeros((10, 10, 3), dtype=np.uint8)
    patch[...] = (255, 0, 128)
    mask = np.ones((10, 10), dtype=bool)
    assert colour.colour_fraction(patch, mask, "red") == 1.0
    assert colour.colour_fraction(patch, mask, "blue") == 0.0
    # outside the mask MIG paints grey 127, which is never red
    assert colour.colour_fraction(patch, np.zeros((10, 10), dtype=bool), "red") == 0.0


# -- DEIG-Bench judge ----------------------------------------------------------------------------------


def test_deig_yes_rule_is_case_sensitive():
    assert scoring.deig_yes("yes") and scoring.deig_yes("yes.") and scoring.deig_yes("eyes")
    assert not scoring.deig_yes("Yes") and not scoring.deig_yes("YES")
    assert scoring.yes_any_case("Yes") and not scoring.yes_any_case("No")
    assert DEIG_TEMPLATE_SPACES == 17
    assert "'yes';" + " " * 17 + "if not" in scoring.DEIG_JUDGE_TEMPLATE


DEIG_TEMPLATE_SPACES = len(scoring.DEIG_JUDGE_TEMPLATE.split("'yes';")[1]) - len(
    scoring.DEIG_JUDGE_TEMPLATE.split("'yes';")[1].lstrip(" "))


@pytest.mark.parametrize(("answer", "ok", "ok_any"), [("yes", True, True), ("Yes", False, True), ("no", False, False)])
def test_deig_bench_judge_answers_through_the_seams(answer, ok, ok_any):
    truth = (0.0, 0.0, 100 / 512, 100 / 512)
    judge = ScriptedJudge(answer)
    evaluators = Evaluators(detector=ScriptedDetector([(0.0, 0.0, 100.0, 51.0)]), judge=judge)
    target = Target("person", "a man in a red shirt", truth, {"group": "C1"})
    record = DeigBenchProtocol().score(Image.new("RGB", (512, 512)), _sample([target]), evaluators).instances[0]
    assert (record["ok"], record["ok_any_case"]) == (ok, ok_any)
    assert record["miou"] == pytest.approx(0.51)  # DEIG never zeroes the IoU for a failed attribute
    assert judge.questions == [scoring.DEIG_JUDGE_TEMPLATE.format("a man in a red shirt")]


# -- GenEval ---------------------------------------------------------------------------------------------


def test_geneval_relative_position_by_hand():
    # centres (5,5) and (25,5): offset (-20, 0); sizes 10+10 per axis; x: 20 - 0.1*20 = 18 -> dx = -18/20
    assert geometry.geneval_relations((0, 0, 10, 10), (20, 0, 30, 10)) == {"left of"}
    # offset 1 is less than the margin 0.1*20 = 2 on both axes: no relation at all
    assert geometry.geneval_relations((0, 0, 10, 10), (1, 0, 11, 10)) == set()
    # point boxes on the diagonal: dx = dy = -10/sqrt(200) = -0.707 -> both relations
    assert geometry.geneval_relations((0, 0, 0, 0), (10, 10, 10, 10)) == {"left of", "above"}
    # mostly below: offset (2, 20), sizes (20, 20): revised (0, 18), |offset| = 20.1 -> dy = 0.896
    assert geometry.geneval_relations((2, 20, 12, 30), (0, 0, 10, 10)) == {"below"}
    # shallow diagonal: offset (-10, -4); revised (-8, -2), norm 10.77: dx = -0.743, dy = -0.186
    assert geometry.geneval_relations((0, 0, 10, 10), (10, 4, 20, 14)) == {"left of"}


def _det(box, score=0.95):
    return Detection(tuple(float(v) for v in box), score, 0)


def test_geneval_evaluate_counts_colours_positions_and_exclusions():
    truth = {"include": [{"class": "dog", "count": 1}, {"class": "cat", "count": 1, "position": ["right of", 0]}]}
    objects = {"dog": [_det((0, 0, 10, 10))], "cat": [_det((20, 0, 30, 10))]}
    ok, reasons, clauses = geneval.evaluate(truth, objects, lambda found, cls: [])
    assert ok and reasons == [] and [c["ok"] for c in clauses] == [True, True]
    objects = {"dog": [_det((20, 0, 30, 10))], "cat": [_det((0, 0, 10, 10))]}
    ok, reasons, _ = geneval.evaluate(truth, objects, lambda found, cls: [])
    assert not ok and reasons == ["expected cat right of target, found left of target"]
    # the target group failed -> "no target"
    ok, reasons, _ = geneval.evaluate(truth, {"cat": [_det((20, 0, 30, 10))]}, lambda f, c: [])
    assert reasons == ["expected dog>=1, found 0", "no target for cat to be right of"]
    # colours are judged on the `count` most confident objects only
    truth = {"include": [{"class": "car", "count": 2, "color": "red"}], "exclude": [{"class": "car", "count": 3}]}
    found = [_det((0, 0, 1, 1), 0.9), _det((0, 0, 1, 1), 0.8), _det((0, 0, 1, 1), 0.7)]
    seen = []

    def colours(objs, cls):
        seen.append(len(objs))
        return ["red", "blue"]

    ok, reasons, _ = geneval.evaluate(truth, {"car": found}, colours)
    assert seen == [2]
    assert not ok and reasons == ["expected red car>=2, found 1 red", "expected car<3, found 3"]


def test_geneval_selection_threshold_and_cap():
    found = [_det((0, 0, 1, 1), s) for s in (0.3, 0.31, 0.95, 0.5)] + [_det((0, 0, 1, 1), 0.99)] * 20
    kept = geneval.objects_of(found, 0.3)
    assert len(kept) == 16  # 23 above 0.3 (0.3 itself is not above), capped at 16
    assert [d.score for d in kept[:2]] == [0.99, 0.99]


# -- LMD ---------------------------------------------------------------------------------------------------


def test_lmd_prompt_parsing():
    negation = lmd.parse("A realistic photo of a scene without backpacks")
    assert (negation.type, negation.texts, negation.number) == ("negation", ("a photo of a backpack",), 0)
    numeracy = lmd.parse("A realistic photo of a scene with three laptops")
    assert (numeracy.type, numeracy.texts, numeracy.number) == ("numeracy", ("a photo of a laptop",), 3)
    attribution = lmd.parse("A realistic photo of a scene with an orange bowl and a blue car")
    assert attribution.texts == ("a photo of an orange bowl", "a photo of a blue car")
    spatial = lmd.parse("A realistic photo of a scene with a bottle on the top and a bowl on the bottom")
    assert (spatial.texts, spatial.locations) == (("a photo of a bottle", "a photo of a bowl"), ("top", "bottom"))
    with pytest.raises(ValueError):
        lmd.parse("a cat")


def test_lmd_predicates_on_hand_made_boxes():
    spatial = lmd.parse("A realistic photo of a scene with a dog on the left and a cat on the right")
    dog, cat = "a photo of a dog", "a photo of a cat"
    # centres x 50 and 150: dog left of cat
    assert spatial.holds([(dog, (0, 0, 100, 100)), (cat, (100, 0, 200, 100))])
    assert not spatial.holds([(dog, (100, 0, 200, 100)), (cat, (0, 0, 100, 100))])
    # equal centres: strict comparison fails
    assert not spatial.holds([(dog, (0, 0, 100, 100)), (cat, (0, 0, 100, 100))])
    # LMD takes the *first* dog box in order, even if a later one would satisfy the relation
    assert not spatial.holds([(dog, (300, 0, 400, 100)), (dog, (0, 0, 10, 10)), (cat, (100, 0, 200, 100))])
    assert not spatial.holds([(dog, (0, 0, 100, 100))])  # no cat at all
    top = lmd.parse("A realistic photo of a scene with a dog on the top and a cat on the bottom")
    assert top.holds([(dog, (0, 0, 10, 10)), (cat, (0, 50, 10, 60))])  # y grows downwards
    numeracy = lmd.parse("A realistic photo of a scene with two cups")
    cup = "a photo of a cup"
    assert numeracy.holds([(cup, (0, 0, 1, 1))] * 2) and not numeracy.holds([(cup, (0, 0, 1, 1))] * 3)
    negation = lmd.parse("A realistic photo of a scene without cars")
    assert negation.holds([]) and not negation.holds([("a photo of a car", (0, 0, 1, 1))])
    attribution = lmd.parse("A realistic photo of a scene with a red bottle and a blue car")
    red, blue = "a photo of a red bottle", "a photo of a blue car"
    assert attribution.holds([(red, (0, 0, 1, 1)), (blue, (0, 0, 1, 1))])
    assert not attribution.holds([(red, (0, 0, 1, 1)), (red, (2, 2, 3, 3))])


def test_lmd_selection_threshold_and_class_aware_nms():
    found = [Detection((0, 0, 10, 10), 0.9, 0), Detection((1, 0, 11, 10), 0.8, 0),   # IoU 9/11 with the first
             Detection((0, 0, 10, 10), 0.7, 1),                                        # other label: kept
             Detection((50, 50, 60, 60), 0.15, 0), Detection((80, 80, 90, 90), 0.149, 0)]
    kept = lmd.select(found)
    # score >= 0.15 keeps 4; label 0 first (0.9, then 0.15 far away), then label 1
    assert [(d.label, d.score) for d in kept] == [(0, 0.9), (0, 0.15), (1, 0.7)]


def test_nms_rules_at_the_boundary():
    boxes = [(0, 0, 10, 10), (0, 0, 10, 8)]  # IoU 0.8 exactly
    assert geometry.nms(boxes, [0.9, 0.8], 0.8) == [0, 1]   # torchvision: suppress only above 0.8
    assert geometry.lmd_nms(boxes, [0.9, 0.8], 0.8) == [0]  # LMD keeps only below the threshold


# -- CIO, B-VQA ----------------------------------------------------------------------------------------


def test_cio_on_a_hand_made_matrix():
    logits = [[30.0, 20.0, 10.0], [25.0, 25.0, 25.0], [10.0, 40.0, 20.0]]
    rows = scoring.cio_scores(logits)
    assert [r["cio_sim"] for r in rows] == [30.0, 25.0, 20.0]
    assert rows[0]["cio_sigma"] == pytest.approx(1 / (1 + math.exp(-10) + math.exp(-20)))
    assert rows[1]["cio_sigma"] == pytest.approx(1 / 3)
    assert rows[2]["cio_sigma"] == pytest.approx(1 / (math.exp(-10) + math.exp(20) + 1))
    assert [r["cio_diff"] for r in rows] == [30 - 15, 25 - 25, 20 - 25]
    single = scoring.cio_scores([[12.0]])
    assert single == [{"cio_sim": 12.0, "cio_sigma": 1.0, "cio_diff": None}]


def test_bvqa_formula():
    assert scoring.blip_p_yes(0.6, 0.2) == pytest.approx(0.75)
    assert scoring.bvqa_image_score([0.5, 0.8, 1.0]) == pytest.approx(0.4)
    assert scoring.bvqa_image_score([]) == 1


# -- uncertainty ------------------------------------------------------------------------------------------


def test_bootstrap_interval_on_known_samples():
    # constant data: every resample gives the same value
    value, interval = stats.bootstrap([1, 1, 1, 1], [1, 1, 1, 1], resamples=500, seed=3)
    assert (value, interval.low, interval.high) == (1.0, 1.0, 1.0)
    # two prompts, one success: resampled means are 0, 1/2, 1 with probabilities 1/4, 1/2, 1/4, so the
    # 2.5th and 97.5th percentiles of 2000 draws are 0 and 1
    value, interval = stats.bootstrap([0, 1], [1, 1], resamples=2000, seed=0)
    assert (value, interval.low, interval.high) == (0.5, 0.0, 1.0)
    # 100 prompts, half successes: the normal approximation gives 0.5 +- 1.96*sqrt(0.25/100) = [0.402, 0.598]
    value, interval = stats.bootstrap([0, 1] * 50, [1] * 100, resamples=4000, seed=1)
    assert value == 0.5
    assert interval.low == pytest.approx(0.402, abs=0.02) and interval.high == pytest.approx(0.598, abs=0.02)


def test_bootstrap_is_a_ratio_of_sums_over_prompts():
    # prompt A: 3 of 4 instances succeed; prompt B: 0 of 1. Pooled: 3/5, not the mean of 3/4 and 0.
    value, _ = stats.bootstrap([3, 0], [4, 1], resamples=10, seed=0)
    assert value == pytest.approx(0.6)
    # two groups (tags): mean of 1/2 and 2/2 = 0.75
    value, _ = stats.bootstrap(np.array([[1, 0], [0, 2]]), np.array([[2, 0], [0, 2]]), resamples=10, seed=0)
    assert value == pytest.approx(0.75)


def test_wilson_interval_by_hand():
    # p = 0.5, n = 100, z = 1.96: centre 0.5, half width 1.96*sqrt(0.0025 + 1.96^2/40000)/(1 + 1.96^2/100)
    z = 1.959963984540054
    half = z * math.sqrt(0.25 / 100 + z * z / 40000) / (1 + z * z / 100)
    interval = stats.wilson(50, 100)
    assert interval.low == pytest.approx(0.5 - half) and interval.high == pytest.approx(0.5 + half)
