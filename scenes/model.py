"""The scene (schema version 1): what a planner writes and a renderer draws.

Unknown keys are errors everywhere. An *input* scene may leave out an instance's `box`, `pose`
and `caption`; the layout step (a planner's `complete`) fills them in. Renderers only accept
complete scenes (`Scene.require_complete`).
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from . import poses as pose_library
from .errors import InvalidInput

SCHEMA_VERSION = 1
MAX_INSTANCES = 100
MAX_PROMPT_CHARS = 10_000
MAX_CAPTION_CHARS = 2_000
MIN_SIDE, MAX_SIDE = 64, 4096
# A box must cover at least one latent cell (8x8 pixels) to mean anything to a renderer.
MIN_BOX_PIXELS = 8
MAX_SEED = 2**32 - 1
MIN_CONCEPT_SCALE, MAX_CONCEPT_SCALE = -4.0, 4.0


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True)


def _single_line(value: str) -> str:
    if any(ord(ch) < 32 for ch in value):
        raise ValueError("must be a single line of text without control characters")
    return value


def _no_control(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CAPTION_CHARS)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Box = tuple[Fraction, Fraction, Fraction, Fraction]
ConceptSource = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
ConceptWord = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Keypoint = tuple[Fraction, Fraction, Fraction]
MAX_REFERENCES = 16
MAX_REFERENCE_STRENGTH = 2.0
ReferencePath = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
IdentityKind = Literal["subject", "face"]
# Face-recognition identity methods: their face models (insightface) are licensed for non-commercial
# research only, so deig does not offer them (see README, "Identity references").
FACE_RECOGNITION_METHODS = ("faceid", "faceid-plus", "faceid-plusv2", "instantid", "pulid", "photomaker")


class PoseKeypoints(StrictModel):
    """An explicit pose: 18 [x, y, confidence] rows in OpenPose COCO-18 order, canvas fractions."""

    keypoints: list[Keypoint] = Field(
        min_length=pose_library.NUM_KEYPOINTS,
        max_length=pose_library.NUM_KEYPOINTS,
        description="18 [x, y, c] rows, OpenPose COCO-18 order (nose, neck, r-shoulder, r-elbow, r-wrist, "
        "l-shoulder, l-elbow, l-wrist, r-hip, r-knee, r-ankle, l-hip, l-knee, l-ankle, r-eye, l-eye, "
        "r-ear, l-ear); x, y are fractions of the canvas (y down), c = confidence, 0 = missing.",
    )

    @field_validator("keypoints")
    @classmethod
    def _enough_joints(cls, value: list[Keypoint]) -> list[Keypoint]:
        if sum(1 for _, _, c in value if c > 0) < 2:
            raise ValueError("a pose needs at least two visible keypoints (confidence > 0)")
        return value


def _pose_tag(value: Any) -> str:
    return "keypoints" if isinstance(value, dict | PoseKeypoints) else "name"


PoseName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    Field(json_schema_extra={"enum": list(pose_library.POSE_NAMES)}),
]
PoseSpec = Annotated[
    Annotated[PoseName, Tag("name")] | Annotated[PoseKeypoints, Tag("keypoints")],
    Discriminator(_pose_tag),
]


def _reference_tag(value: Any) -> str:
    return "paths" if isinstance(value, list | tuple) else "path"


# One union member per shape, so that an error says what is wrong with the list (or the path) only.
ReferenceSpec = Annotated[
    Annotated[ReferencePath, Tag("path")]
    | Annotated[list[ReferencePath], Field(min_length=1, max_length=MAX_REFERENCES), Tag("paths")],
    Discriminator(_reference_tag),
]


class Instance(StrictModel):
    """One described thing: a category name, its detail caption, where it goes and how it stands."""

    name: Name = Field(description="Singular category noun, e.g. 'man', 'umbrella', 'fire hydrant'.")
    caption: Text | None = Field(
        default=None, description="The detail caption: everything about this instance and nothing else."
    )
    box: Box | None = Field(
        default=None,
        description="[x0, y0, x1, y1] as fractions of the canvas, y down. Left out: the layout step places it.",
    )
    pose: PoseSpec | None = Field(
        default=None,
        description="A pose-library name (see 'deig poses') or {keypoints: [[x, y, c] x 18]}.",
    )
    depth: Annotated[int, Field(ge=0, le=MAX_INSTANCES)] | None = Field(
        default=None,
        description="Depth rank where boxes overlap: 0 is nearest the camera. Left out: the lower box "
        "bottom is in front (see scenes.depth).",
    )
    reference: ReferenceSpec | None = (
        Field(default=None, description="Reference image(s) whose identity this instance keeps: a path, a list of "
              "paths or a folder of images, relative to the scene file (PNG, JPEG, WebP or BMP)."))
    identity: IdentityKind | None = Field(
        default=None, description="What the reference gives the instance: 'face' (a person's face, in the face "
        "area) or 'subject' (the whole thing, in its box). Left out: face for people, subject for the rest.")
    reference_strength: Annotated[float, Field(ge=0.0, le=MAX_REFERENCE_STRENGTH)] | None = Field(
        default=None, description="How strongly the reference is followed (IP-Adapter scale, 0 to 2). Left out: "
        "the renderer's reference_strength option.")
    concept: ConceptSource | None = Field(
        default=None,
        description="A learned concept for this instance: a textual-inversion embedding or a LoRA, as a "
        ".safetensors file or a folder (relative to the scene file), or a hub id (owner/name[/file]).",
    )
    concept_token: ConceptWord | None = Field(
        default=None,
        description="The word of the caption that names the concept: a textual inversion's learned "
        "vectors take its place (the caption must contain it); a LoRA's trigger word stays as written.",
    )
    concept_scale: Annotated[float, Field(ge=MIN_CONCEPT_SCALE, le=MAX_CONCEPT_SCALE)] | None = Field(
        default=None, description="A LoRA's strength inside the instance's region (default 1).",
    )
    concept_sha256: Sha256 | None = Field(
        default=None,
        description="The concept file's sha256; deig records it, and refuses a file that no longer matches.",
    )

    @field_validator("name")
    @classmethod
    def _name_line(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return _single_line(value)

    @field_validator("caption")
    @classmethod
    def _caption_text(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return value if value is None else _no_control(value)

    @field_validator("box")
    @classmethod
    def _box_order(cls, value: Box | None) -> Box | None:
        if value is None:
            return value
        x0, y0, x1, y1 = value
        if not x0 < x1:
            raise ValueError(f"x0 must be less than x1 (got x0={x0:g}, x1={x1:g}); boxes are [x0, y0, x1, y1]")
        if not y0 < y1:
            raise ValueError(f"y0 must be less than y1 (got y0={y0:g}, y1={y1:g}); boxes are [x0, y0, x1, y1]")
        return value

    @field_validator("pose")
    @classmethod
    def _known_pose(cls, value: str | PoseKeypoints | None) -> str | PoseKeypoints | None:
        if isinstance(value, str) and value not in pose_library.POSE_NAMES:
            close = difflib.get_close_matches(value.lower().replace(" ", "-").replace("_", "-"),
                                              pose_library.POSE_NAMES, n=1)
            suggestion = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"unknown pose '{value}'{suggestion} (see 'deig poses')")
        return value

    @field_validator("reference")
    @classmethod
    def _reference_lines(cls, value: str | list[str] | None) -> str | list[str] | None:
        for path in [value] if isinstance(value, str) else value or []:
            if not path.strip():
                raise ValueError("a reference path must not be blank")
            _single_line(path)
        return value

    @field_validator("identity", mode="before")
    @classmethod
    def _identity_available(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in FACE_RECOGNITION_METHODS:
            raise ValueError(f"'{value}' (face-recognition identity) is not available in deig: it needs insightface "
                             "face models, licensed for non-commercial research only; use 'face' (IP-Adapter "
                             "plus-face) or 'subject'")
        return value

    @model_validator(mode="after")
    def _reference_settings_need_reference(self) -> Instance:
        unused = [key for key in ("identity", "reference_strength") if getattr(self, key) is not None]
        if unused and self.reference is None:
            raise ValueError(f"'{unused[0]}' needs a 'reference' image on the same instance")
        return self

    @property
    def references(self) -> list[str]:
        """The reference paths as written (a single path is a list of one)."""
        if self.reference is None:
            return []
        return [self.reference] if isinstance(self.reference, str) else list(self.reference)

    @field_validator("concept", "concept_token")
    @classmethod
    def _concept_line(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be blank")
        return value if value is None else _single_line(value)

    @field_validator("concept_token")
    @classmethod
    def _one_word(cls, value: str | None) -> str | None:
        if value is not None and any(ch.isspace() for ch in value):
            raise ValueError("must be one word")
        return value

    def concept_problems(self) -> list[tuple[str, str]]:
        """(field, message) for concept fields that do not fit together or with the caption."""
        if self.concept is None:
            return [(name, f"'{name}' needs a 'concept'") for name in ("concept_token", "concept_scale", "concept_sha256")
                    if getattr(self, name) is not None][:1]
        if self.concept_token is not None and self.caption is not None \
                and not caption_names(self.caption, self.concept_token):
            return [("concept_token", f"'{self.concept_token}' does not occur in the caption as a word; write it "
                     "into the caption where the concept is named")]
        return []

    @property
    def is_complete(self) -> bool:
        return self.box is not None and self.caption is not None

    def keypoints(self, canvas_aspect: float) -> list[tuple[float, float, float]] | None:
        """This instance's 18 [x, y, c] keypoints on the canvas, or None without a pose."""
        if self.pose is None:
            return None
        if isinstance(self.pose, PoseKeypoints):
            return [tuple(k) for k in self.pose.keypoints]
        if self.box is None:
            raise ValueError("a library pose needs a box to be fitted into")
        return pose_library.pose_in_box(self.pose, self.box, canvas_aspect=canvas_aspect)


OptionValue = str | int | float | bool | None


class RenderSettings(StrictModel):
    """Optional render settings stored with a scene; command-line flags take precedence."""

    renderer: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    model: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None
    steps: Annotated[int, Field(ge=1, le=1000)] | None = None
    guidance: Annotated[float, Field(ge=0.0, le=50.0)] | None = None
    scheduler: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    count: Annotated[int, Field(ge=1, le=1000)] | None = None
    options: dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], OptionValue] = Field(
        default_factory=dict, description="Renderer-specific options, validated by the renderer."
    )


RELATION_KINDS = (
    "left_of", "right_of", "above", "below", "in_front_of", "behind", "next_to", "between",
    "on", "in", "under", "around", "at", "held_by", "near", "in_corner", "at_place",
)
PLACES = (
    "top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right",
)


class Relation(StrictModel):
    """A relation the planner read in the words, kept so the layout and its critic can honour it.

    `subject` and `object` are instance indices; `between` has a second object in `other`;
    `in_corner` / `at_place` name a canvas `place` instead of an object.
    """

    subject: Annotated[int, Field(ge=0)]
    kind: Literal[RELATION_KINDS] = Field(description="What the subject does to the object.")  # type: ignore[valid-type]
    object: Annotated[int, Field(ge=0)] | None = None
    other: Annotated[int, Field(ge=0)] | None = None
    place: Literal[PLACES] | None = None  # type: ignore[valid-type]
    words: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="The words the relation was read from."
    )

    @model_validator(mode="after")
    def _operands(self) -> Relation:
        wants_place = self.kind in ("in_corner", "at_place")
        if wants_place and (self.place is None or self.object is not None):
            raise ValueError(f"'{self.kind}' takes a place and no object")
        if not wants_place and (self.object is None or self.place is not None):
            raise ValueError(f"'{self.kind}' takes an object and no place")
        if (self.kind == "between") != (self.other is not None):
            raise ValueError("'other' is the second object of 'between', and only of it")
        if self.object is not None and self.object == self.subject:
            raise ValueError("a relation needs two different instances")
        return self


class Scene(StrictModel):
    """A scene: the global caption, the canvas and the instances."""

    schema_ref: str | None = Field(default=None, alias="$schema", description="Editor hint; ignored.")
    version: Literal[1] = Field(default=SCHEMA_VERSION, description="Scene schema version.")
    prompt: Annotated[str, StringConstraints(max_length=MAX_PROMPT_CHARS)] | None = Field(
        default=None, description="The user's words, when the scene was planned from a prompt."
    )
    caption: Text = Field(description="Global caption of the whole picture.")
    background: Text | None = Field(default=None, description="The setting, e.g. 'a snowy street at dusk'.")
    negative: Text | None = Field(default=None, description="What must not appear (negative prompt).")
    width: int = Field(default=512, ge=MIN_SIDE, le=MAX_SIDE, description="Pixels, a multiple of 8.")
    height: int = Field(default=512, ge=MIN_SIDE, le=MAX_SIDE, description="Pixels, a multiple of 8.")
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = Field(
        default=None, description="Random seed; drawn and recorded when absent."
    )
    summary: Text | None = Field(
        default=None,
        description="The things of the picture as a plain list without any instance's details "
        "('a man and a woman in a park'); renderers give it to instance regions as the base.",
    )
    instances: list[Instance] = Field(default_factory=list, max_length=MAX_INSTANCES)
    relations: list[Relation] = Field(
        default_factory=list, max_length=4 * MAX_INSTANCES,
        description="Relations between instances read from the words (indices into instances).",
    )
    render: RenderSettings | None = None

    @field_validator("prompt", "caption", "background", "negative", "summary")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.strip():
            raise ValueError("must not be blank")
        return _no_control(value)

    @field_validator("width", "height")
    @classmethod
    def _multiple_of_8(cls, value: int) -> int:
        if value % 8:
            raise ValueError(f"must be a multiple of 8 (got {value}; nearest: {round(value / 8) * 8})")
        return value

    @model_validator(mode="after")
    def _boxes_big_enough(self) -> Scene:
        # Raised as a ValidationError of its own so that each problem keeps its exact location.
        problems = []
        for index, instance in enumerate(self.instances):
            if instance.box is None:
                continue
            x0, y0, x1, y1 = instance.box
            w_px, h_px = (x1 - x0) * self.width, (y1 - y0) * self.height
            if w_px < MIN_BOX_PIXELS - 1e-6 or h_px < MIN_BOX_PIXELS - 1e-6:
                problems.append(
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "box_too_small",
                            "box is {w}x{h} px on the {width}x{height} canvas; an instance needs at least "
                            "{min} px each way",
                            {"w": round(w_px), "h": round(h_px), "width": self.width, "height": self.height,
                             "min": MIN_BOX_PIXELS},
                        ),
                        loc=("instances", index, "box"),
                        input=list(instance.box),
                    )
                )
        for index, instance in enumerate(self.instances):
            for field, message in instance.concept_problems():
                problems.append(InitErrorDetails(type=PydanticCustomError("concept", message), loc=("instances", index, field),
                                                 input=getattr(instance, field)))
        for index, relation in enumerate(self.relations):
            for field in ("subject", "object", "other"):
                value = getattr(relation, field)
                if value is not None and value >= len(self.instances):
                    problems.append(
                        InitErrorDetails(
                            type=PydanticCustomError(
                                "relation_index",
                                "instance {value} does not exist (the scene has {count})",
                                {"value": value, "count": len(self.instances)},
                            ),
                            loc=("relations", index, field),
                            input=value,
                        )
                    )
        if problems:
            raise ValidationError.from_exception_data("Scene", problems)
        return self

    # -- helpers -----------------------------------------------------------------------------

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def is_complete(self) -> bool:
        return all(instance.is_complete for instance in self.instances)

    def missing(self) -> list[str]:
        """Locations a planner must fill before the scene can render."""
        out = []
        for index, instance in enumerate(self.instances):
            if instance.box is None:
                out.append(f"instances[{index}].box")
            if instance.caption is None:
                out.append(f"instances[{index}].caption")
        return out

    def require_complete(self) -> Scene:
        missing = self.missing()
        if missing:
            raise InvalidInput(
                f"the scene is incomplete: {', '.join(missing[:4])}{' …' if len(missing) > 4 else ''} not set",
                hint="Let a planner fill them in ('deig plan --scene FILE'), or write them yourself.",
            )
        return self

    def to_document(self) -> dict[str, Any]:
        """The scene as a plain JSON-compatible dict, without unset optional keys."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=False)

    def content_document(self, exclude: set[str]) -> dict[str, Any]:
        """What the scene says, for hashing: reference paths left out (their files' hashes stand for
        them where it matters), and the identity keys only where set, so that scenes without
        references hash as they did before references existed."""
        document = self.model_dump(mode="json", exclude=exclude)
        for instance in document.get("instances", []):
            instance.pop("reference", None)
            for key in ("identity", "reference_strength"):
                if instance.get(key) is None:
                    instance.pop(key, None)
        return document

    def with_seed(self, seed: int) -> Scene:
        return self.model_copy(update={"seed": seed})


def concept_word_pattern(token: str) -> re.Pattern[str]:
    """The token as a whole word: not part of a longer word (punctuation around it is fine)."""
    return re.compile(rf"(?<![\w<>]){re.escape(token)}(?![\w<>])")


def caption_names(caption: str, token: str) -> bool:
    return concept_word_pattern(token).search(caption) is not None


def canvas_pixels(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """A fractional box as integer pixel edges (end-exclusive), at least one pixel each way."""
    x0, y0, x1, y1 = box
    px0, py0 = math.floor(x0 * width), math.floor(y0 * height)
    px1, py1 = max(math.ceil(x1 * width), px0 + 1), max(math.ceil(y1 * height), py0 + 1)
    return px0, py0, min(px1, width), min(py1, height)
