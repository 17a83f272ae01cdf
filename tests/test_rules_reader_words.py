"""The open word knowledge the rules reader uses: parts of speech, verb forms, singulars, typos.

Expected values are English facts written by hand (what a dictionary says), not the code's output.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from planners.rules import words
from planners.rules.inflection import plural, singular


@pytest.mark.parametrize(("word", "pos"), [
    ("crows", {"NOUN", "VERB"}), ("paddle", {"NOUN", "VERB"}), ("shaking", {"VERB"}), ("collies", {"NOUN"}),
    ("cinematic", {"ADJ"}), ("seated", {"VERB"}),
])
def test_parts_of_speech_come_from_the_word_table(word: str, pos: set[str]) -> None:
    assert pos <= set(words.lemmas(word))


@pytest.mark.parametrize(("word", "tags"), [
    ("crows", {"VBZ"}), ("paddle", {"VB", "VBP"}), ("building", {"VBG"}), ("sat", {"VBD", "VBN"}),
    ("set", {"VB", "VBP", "VBD", "VBN"}), ("throws", {"VBZ"}),
])
def test_verb_forms(word: str, tags: set[str]) -> None:
    assert words.verb_tags(word) == tags


@pytest.mark.parametrize(("word", "ing"), [("crows", "crowing"), ("share", "sharing"), ("run", "running"),
                                           ("paddles", "paddling")])
def test_captions_use_the_ing_form(word: str, ing: str) -> None:
    assert words.gerund(word) == ing


@pytest.mark.parametrize(("word", "one"), [("collies", "collie"), ("tutus", "tutu"), ("geese", "goose"),
                                           ("knives", "knife"), ("buses", "bus"), ("handlebars", "handlebar")])
def test_singulars(word: str, one: str) -> None:
    assert singular(word) == (one, True)


@pytest.mark.parametrize(("one", "many"), [("person", "people"), ("box", "boxes"), ("fire hydrant", "fire hydrants"),
                                           ("mouse", "mice"), ("candle", "candles")])
def test_plurals(one: str, many: str) -> None:
    assert plural(one) == many


@pytest.mark.parametrize(("typo", "meant"), [("bycicle", "bicycle"), ("umbrela", "umbrella"), ("giraff", "giraffe"),
                                             ("elefant", "elephant"), ("tshirt", "t-shirt"), ("bananna", "banana")])
def test_typos_of_known_things_are_read_as_meant(typo: str, meant: str) -> None:
    assert words.correct(typo) == meant


@pytest.mark.parametrize("word", ["three", "snowboarder", "mouses", "artstation", "r5", "sarah", "teapots", "gray"])
def test_words_that_are_not_typos_stay(word: str) -> None:
    assert words.correct(word) == word


def test_reading_the_tables_imports_neither_numpy_nor_torch() -> None:
    code = ("import sys\nfrom planners.rules import words\nassert words.verb_tags('crows')\n"
            "heavy = [m for m in ('numpy', 'torch', 'lemminflect') if m in sys.modules]\nassert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
