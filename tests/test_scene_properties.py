"""Property tests: whatever document arrives, the loader answers with scenes or a located error."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenes.documents import decode_text
from scenes.errors import InvalidInput, SceneInvalid
from scenes.io import dump_scene, load_scenes

KEYS = ["caption", "prompt", "background", "negative", "width", "height", "seed", "instances", "render", "version",
        "name", "box", "pose", "keypoints", "steps", "options", "colour", "$schema"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["standing", "waving", "a red hat", "512", "0.5"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6),
    ),
    max_leaves=40,
)


def _load(text: str) -> None:
    try:
        loaded = load_scenes(text, "h.yaml")
    except SceneInvalid as exc:
        assert exc.issues and all(issue.message for issue in exc.issues)
        assert exc.message and exc.hint
        return
    except InvalidInput as exc:
        assert exc.message and exc.hint
        return
    for item in loaded:  # whatever loads must survive a round trip unchanged
        (again,) = load_scenes(dump_scene(item.scene, "yaml"))
        assert again.scene == item.scene


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_yaml_document_loads_or_is_refused_with_a_located_error(document: object) -> None:
    _load(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=200, deadline=None)
@given(documents)
def test_any_json_document_loads_or_is_refused(document: object) -> None:
    try:
        text = json.dumps(document, allow_nan=True)
    except ValueError:
        return
    _load(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_refused_or_parsed_never_crash(raw: bytes) -> None:
    try:
        text = decode_text(raw, "stdin")
    except InvalidInput as exc:
        assert exc.hint
        return
    _load(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)), max_size=4),
       st.sampled_from([64, 72, 512, 1024]), st.sampled_from([64, 96, 512]))
def test_boxes_are_accepted_exactly_when_ordered_and_big_enough(boxes, width, height) -> None:
    document = {"caption": "x", "width": width, "height": height,
                "instances": [{"name": f"i{n}", "box": list(b)} for n, b in enumerate(boxes)]}
    ok = all(b[0] < b[2] and b[1] < b[3] and (b[2] - b[0]) * width >= 8 - 1e-6 and (b[3] - b[1]) * height >= 8 - 1e-6
             for b in boxes)
    try:
        load_scenes(json.dumps(document))
    except SceneInvalid:
        assert not ok
    else:
        assert ok
