"""No prompt makes the rules planner fail inside: a valid scene or a user-facing error, every time.

Prompts are generated from English-like pieces: nouns the lexicon knows and nouns it does not,
verb forms, prepositions, possessives, numbers, picture words, made-up words and punctuation, in
random order. The planner must answer with a scene that validates again as a document (relations
point at real instances, poses only on people), or with `InvalidInput` (exit 2, `Error:` + `Hint:`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planners.base import Canvas
from planners.rules import RulesPlanner
from scenes.errors import InvalidInput
from scenes.model import Scene

KNOWN_NOUNS = ["man", "woman", "dog", "cat", "table", "chair", "cup", "umbrella", "bicycle", "horse", "tree",
               "stapler", "visitors", "mail carrier", "rocking chair", "pine trees", "rubber duck", "team", "duo",
               "car", "girl", "boy", "piano", "lamp", "book", "shelf", "bowl", "people", "friends", "kids",
               "children", "snowman", "king", "feet", "hands", "lap", "handlebars", "lid", "hat", "dress"]
OTHER_NOUNS = ["zorb", "gizmos", "quokka", "teapots", "wombat", "lantern", "kettle", "bycicle", "tshirt",
               "collies", "watering can", "traffic light", "painting", "poster", "statue", "fruit", "bread"]
VERBS = ["sits", "sitting", "seated", "crows", "paddle", "share", "building", "shaking", "waves", "holding",
         "he's got", "she's wearing", "they're", "whose", "w/", "w/o", "sittin", "has on", "wore", "drums", "rest",
         "leaning", "lying", "throws", "pointing", "wears", "wearing", "crouching", "is", "are", "has", "stands"]
LINKS = ["at", "on", "in", "under", "with", "without", "no", "of", "next to", "between", "around", "behind",
         "in front of", "on its left", "to their right", "at her feet", "on his lap", "in the top-left corner",
         "from left to right", "and", "or", "but", "while", "who", "that", "which", "each", "both", "one",
         "ones", "another", "the", "a", "an", "his", "her", "its", "their", "he", "she", "it", "they", "them",
         "more", "one more", "the other", "the last", "each with", "apiece", "'s", "himself", "at the edge of",
         "like a", "by", "for a", "avoid", "not", "you can see", "for me", "one a", "both wearing",
         # the sixth round's constructions
         "can you make me a picture for my class", "I am a teacher and I need an image for", "for my shop's page",
         "i run a bakery and", "don't draw", "please do not show any", "on either side of", "on each side",
         "at every", "each on its own", "a fourth one", "one pink one", "the other one", "they", "him",
         "1girl", "2boys", "solo", "lol", "pls", "shot with", "all in", "right in", "way up", "back to back",
         "in single file", "my mom's turning", "a 5 year old", "two tier", "sorry for mistakes", "u"]
NUMBERS = ["two", "three", "five", "twelve", "0", "1", "7", "99", "1000", "a pair of", "several", "a family of",
           "dozens of", "zero", "one"]
PICTURE = ["cinematic", "35mm", "golden hour", "pastel colors", "soft shadows", "trending on artstation",
           "shot on a canon eos r5", "no watermark", "without blur", "8k", "highly detailed", "oil painting"]
PUNCTUATION = [",", ".", ";", ":", "!", "?", "(", ")", '"', "'", "-", "&", "/", "...", "—"]

pieces = st.one_of(
    st.sampled_from(KNOWN_NOUNS), st.sampled_from(OTHER_NOUNS), st.sampled_from(VERBS), st.sampled_from(LINKS),
    st.sampled_from(NUMBERS), st.sampled_from(PICTURE), st.sampled_from(PUNCTUATION),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéß' -", min_size=1, max_size=9),
)
prompts = st.lists(pieces, min_size=1, max_size=30).map(" ".join)


def _plan_or_user_error(prompt: str) -> Scene | None:
    try:
        result = RulesPlanner().plan(prompt, canvas=Canvas(512, 384), seed=1)
    except InvalidInput as error:  # the user-facing kind: one Error: line and a Hint:
        assert error.message and error.hint
        return None
    scene = Scene.model_validate(json.loads(json.dumps(result.scene.to_document())))
    return scene


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompts)
def test_any_english_like_prompt_plans_or_says_why(prompt: str) -> None:
    scene = _plan_or_user_error(prompt)
    if scene is None:
        return
    for instance in scene.instances:
        assert instance.caption and instance.box is not None
    for relation in scene.relations:
        for index in (relation.subject, relation.object, relation.other):
            assert index is None or index < len(scene.instances)


@pytest.mark.parametrize("prompt", [
    "a woman sitting on a chair with a cat at her feet",
    "a teacher pointing at a map",
    "three students seated at a long table",
    "she waves at them",
])
def test_prompts_that_raised_unknown_relation_at_now_plan(prompt: str) -> None:
    """Issue 12, item 4: these exited 3 with "unknown relation 'at'"."""
    proc = subprocess.run([sys.executable, "-m", "deigcli", "plan", "--format", "json", prompt], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    scene = Scene.model_validate(json.loads(proc.stdout))
    assert "Error" not in proc.stderr.decode()
    if prompt != "she waves at them":
        assert scene.instances


@pytest.mark.parametrize("prompt", ["a cat on a mat since the dog", "two owls on a branch since my", "a fox, since it"])
def test_a_sentence_ending_soon_after_since_plans(prompt: str) -> None:
    """'since' and a subject with fewer than three words after it raised an IndexError (the reader
    looked up to three words ahead for a verb)."""
    from planners.base import Canvas
    from planners.rules import RulesPlanner

    scene = RulesPlanner().plan(prompt, canvas=Canvas(768, 512)).scene
    assert scene.instances


def test_a_plan_does_not_depend_on_the_process_hash_seed() -> None:
    # a generated prompt whose announced group had a tie of kinds: the members were chosen by set order,
    # so two processes with other hash seeds drew different scenes (replay must reproduce a plan)
    prompt = ("sits drums at the edge of people 99 tshirt it — several ' one has hat drums in the top-left corner "
              "& two i run a bakery and & watering can collies ; a pair of painting")
    plans = []
    for seed in ("1", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "deigcli", "plan", "--format", "json", "--seed", "1", prompt],
                              capture_output=True, timeout=120, env=env)
        assert proc.returncode == 0, proc.stderr.decode()
        plans.append(json.loads(proc.stdout))
    assert plans[0] == plans[1]
