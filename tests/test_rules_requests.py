"""The asker's words about the request (`planners/rules/requests.py`): never things in the picture."""

from __future__ import annotations

import pytest

from planners.rules.requests import request_spans
from planners.rules.tokens import tokenize


def _spanned(prompt: str) -> list[str]:
    words = [t.low for t in tokenize(prompt)]
    return [" ".join(words[start:end]) for start, end in request_spans(words)]


@pytest.mark.parametrize(
    ("prompt", "spans"),
    [
        ("I am a teacher and I need an image for my class: two cats",
         ["i am a teacher", "i need an image for my class"]),
        ("hi, can you please make me a picture for my blog, a dog on a sofa",
         ["hi , can you please make me a picture for my blog"]),
        ("we're a bakery. could you create a banner for our site with three cakes",
         ["we are a bakery", "could you create a banner for our site"]),
        ("please draw for my son's story book: a dragon", ["please draw for my son's story book"]),
        ("please make a picture for a counting page, like this: 2 cats",
         ["please make a picture for a counting page , like this"]),
        # a whole sentence about the asking, the scene in the next one
        ("Trying to plan a street shot before I go out with my camera. An old man on a bench.",
         ["trying to plan a street shot before i go out with my camera"]),
        ("Listing photo idea for a farmhouse kitchen. A white sink under a shelf.",
         ["listing photo idea for a farmhouse kitchen"]),
        ("my friend is opening a bike shop and wants a logo-ish illustration, like a mechanic",
         ["my friend is opening a bike shop and wants a logo-ish illustration"]),
        ("no guns pls it's for 6 year olds", ["it's for 6 year olds"]),
        # the asker wanting the scene: the wanting names nothing, what is wanted is drawn
        ("I want a dog sitting on a sofa", ["i want"]),
        # the asking ends before a frame that shows the scene ("a picture of"), which the reader reads
        ("can you make me a picture of two cats", ["can you make me"]),
        ("so can u make like an oil painting of an old man", ["so can you make like"]),
        # the asker's story, mid-sentence, before the asking
        ("my son is 4 and obsessed with trucks lol so for his bedroom wall can u make a red fire truck",
         ["my son is 4 and obsessed with trucks lol so for his bedroom wall can you make"]),
        ("A cat on a chair. No other animals please, the last one you made added a dog.",
         ["the last one you made added a dog"]),
        ("For our key art we want a small rusty robot sitting in a rowboat. Pixel art.", ["for our key art", "we want",
                                                                                        "pixel art"]),
    ],
)
def test_a_preamble_about_the_request_is_found_up_to_where_the_scene_begins(prompt, spans) -> None:
    assert _spanned(prompt) == spans


@pytest.mark.parametrize(
    "prompt",
    ["make a cat on a mat",                     # a bare verb without "please"
     "a teacher and a student in a classroom",
     "I am imagining a girl in a red coat",
     "My cat is orange. She sleeps on a red sofa.",      # a sentence about the asker's own is the scene
     "picture me, a woman in her 30s. Bright and airy."],  # the asker is in the picture
)
def test_words_that_are_the_scene_are_no_preamble(prompt) -> None:
    assert _spanned(prompt) == []
