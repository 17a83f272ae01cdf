"""The texts of the branches (spec §6.2): each instance's description, the setting and a quality tag.

Branch n reads `description_n + " " + setting + ", " + quality`, encoded on its own; the negative
text is the same for every branch. The global caption is not used: in 'h-control' every branch
sees only its own instance, and the setting is what keeps the backgrounds of the branches alike.
"""

from __future__ import annotations

from scenes.model import Scene

QUALITY_SUFFIX = "best quality"
NEGATIVE_PROMPT = "lowres, bad anatomy, bad hands, cropped, worst quality"


def branch_text(description: str, setting: str | None, quality: str) -> str:
    text = f"{description} {setting}" if setting else description
    return f"{text}, {quality}" if quality else text


def branch_texts(scene: Scene, quality: str = QUALITY_SUFFIX) -> list[str]:
    """One text per instance, in instance order (the scene is complete: every caption is set)."""
    return [branch_text(instance.caption, scene.background, quality) for instance in scene.instances]


def negative_text(scene: Scene, default: str = NEGATIVE_PROMPT) -> str:
    """The scene's own negative prompt, else the renderer's."""
    return scene.negative if scene.negative is not None else default
