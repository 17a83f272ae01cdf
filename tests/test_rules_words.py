"""Words: plurals (irregular and wrong ones), counts, multi-word nouns, articles, class names."""

from __future__ import annotations

from collections import Counter

import pytest

from planners.base import Canvas
from planners.rules import RulesPlanner
from planners.rules.inflection import article, singular

# The 80 COCO class names GenEval uses: a planner must write them exactly so.
GENEVAL_CLASSES = [
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
    "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
    "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "computer mouse", "tv remote",
    "computer keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock",
    "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
]  # fmt: skip


def _names(prompt: str) -> Counter:
    scene = RulesPlanner().plan(prompt, canvas=Canvas()).scene
    return Counter(i.name for i in scene.instances)


@pytest.mark.parametrize(("word", "expected"), [
    ("geese", ("goose", True)), ("children", ("child", True)), ("mice", ("mouse", True)),
    ("people", ("person", True)), ("persons", ("person", True)), ("men", ("man", True)),
    ("women", ("woman", True)), ("knives", ("knife", True)), ("knifes", ("knife", True)),
    ("sheeps", ("sheep", True)), ("sheep", ("sheep", False)), ("fishes", ("fish", True)),
    ("fish", ("fish", False)), ("deer", ("deer", False)), ("benchs", ("bench", True)),
    ("sandwichs", ("sandwich", True)), ("toothbrushs", ("toothbrush", True)), ("buses", ("bus", True)),
    ("broccolis", ("broccoli", True)), ("tvs", ("tv", True)), ("cherries", ("cherry", True)),
    ("wolves", ("wolf", True)), ("leaves", ("leaf", True)), ("boxes", ("box", True)),
    ("tomatoes", ("tomato", True)), ("horses", ("horse", True)), ("cookies", ("cookie", True)),
    ("shoes", ("shoe", True)), ("cacti", ("cactus", True)), ("zorbs", ("zorb", True)),
    ("scissors", ("scissors", False)), ("skis", ("skis", False)), ("bus", ("bus", False)),
    ("dress", ("dress", False)), ("glass", ("glass", False)), ("iris", ("iris", False)),
    ("cat", ("cat", False)),
])  # fmt: skip
def test_singular(word: str, expected: tuple[str, bool]) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("apple", "an"), ("umbrella", "an"), ("cup", "a"), ("unicorn", "a"), ("hour", "an"), ("one", "a"),
    ("European", "a"), ("orange", "an"), ("8", "an"), ("yellow", "a"),
])  # fmt: skip
def test_article(word: str, expected: str) -> None:
    assert article(word) == expected


@pytest.mark.parametrize(("prompt", "expected"), [
    ("two dogs", {"dog": 2}), ("3 cats", {"cat": 3}), ("a pair of ducks", {"duck": 2}),
    ("a couple of chairs", {"chair": 2}), ("several birds", {"bird": 3}), ("a few apples", {"apple": 3}),
    ("a dozen eggs", {"egg": 12}), ("half a dozen donuts", {"donut": 6}), ("twelve roses", {"rose": 12}),
    ("both cats", {"cat": 2}), ("a single lamp", {"lamp": 1}), ("one backpack", {"backpack": 1}),
    ("four knifes", {"knife": 4}), ("two sheeps", {"sheep": 2}), ("a sheep", {"sheep": 1}),
    ("three fish", {"fish": 3}), ("geese on a pond", {"goose": 3}), ("a herd of cows", {"cow": 5}),
    ("a flock of geese", {"goose": 5}), ("twenty balloons", {"balloon": 20}),
    ("a pair of scissors", {"scissors": 1}), ("two pairs of scissors", {"scissors": 2}),
    ("5 mice and 2 children", {"mouse": 5, "child": 2}), ("eleven people", {"person": 11}),
    ("a 10 year old boy", {"boy": 1}), ("a two-headed dragon", {"dragon": 1}),
    ("two red apples and three green apples", {"apple": 5}), ("zero cats and a dog", {"dog": 1}),
])  # fmt: skip
def test_counts(prompt: str, expected: dict[str, int]) -> None:
    assert _names(prompt) == Counter(expected)


@pytest.mark.parametrize(("prompt", "expected"), [
    ("a fire hydrant", {"fire hydrant": 1}), ("two tv remotes", {"tv remote": 2}),
    ("a teddy bear", {"teddy bear": 1}), ("a bear", {"bear": 1}), ("a hot dog", {"hot dog": 1}),
    ("two hot dogs and a dog", {"hot dog": 2, "dog": 1}), ("three wine glasses", {"wine glass": 3}),
    ("a computer mouse next to a mouse", {"computer mouse": 1, "mouse": 1}),
    ("a baseball glove", {"baseball glove": 1}), ("four traffic lights", {"traffic light": 4}),
    ("a red cell phone on a dining table", {"cell phone": 1, "dining table": 1}),
    ("a coffee mug", {"mug": 1}), ("a big old wooden rocking chair", {"chair": 1}),
])  # fmt: skip
def test_multi_word_nouns(prompt: str, expected: dict[str, int]) -> None:
    assert _names(prompt) == Counter(expected)


@pytest.mark.parametrize("name", GENEVAL_CLASSES)
def test_geneval_class_names_come_out_exactly(name: str) -> None:
    plural = {"person": "people", "sheep": "sheep", "skis": "skis", "scissors": "scissors", "knife": "knives",
              "bus": "buses", "sandwich": "sandwiches", "toothbrush": "toothbrushes", "wine glass": "wine glasses",
              "couch": "couches", "bench": "benches", "hair drier": "hair driers", "cherry": "cherries"}
    assert _names(f"a photo of a {name}") == Counter({name: 1})
    if name not in ("skis", "scissors"):
        assert _names(f"two {plural.get(name, name + 's')}") == Counter({name: 2})


def test_unknown_noun_after_an_article_is_still_a_thing() -> None:
    scene = RulesPlanner().plan("a shiny zorb next to a cat", canvas=Canvas()).scene
    assert Counter(i.name for i in scene.instances) == Counter({"zorb": 1, "cat": 1})
    zorb = next(i for i in scene.instances if i.name == "zorb")
    assert zorb.caption == "a shiny zorb"


def test_bare_style_words_are_not_things() -> None:
    scene = RulesPlanner().plan("a cat on a mat, digital art, 4k, highly detailed", canvas=Canvas()).scene
    assert Counter(i.name for i in scene.instances) == Counter({"cat": 1, "mat": 1})
