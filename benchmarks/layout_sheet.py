"""A contact sheet of preview renders of planned prompts, to look at layouts as pictures.

    python benchmarks/layout_sheet.py [--prompts FILE] [--start 0] [--count 48] [--out sheet.png]

Each cell is the `preview` renderer's drawing of the planned scene (boxes, names, skeletons) with
the prompt under it; the critic's findings for that scene, if any, are printed on stdout.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image, ImageDraw  # noqa: E402

from planners.base import Canvas  # noqa: E402
from planners.layout import finish_plan, review_scene  # noqa: E402
from planners.rules import RulesPlanner  # noqa: E402
from renderers.preview import PreviewRenderer, _font  # noqa: E402

CELL, TEXT = 256, 44


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=Path, default=REPO / "benchmarks/data/layout/free_form_prompts.txt")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=48)
    parser.add_argument("--columns", type=int, default=8)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--height", type=int, default=512)
    parser.add_argument("--given", action="store_true", help="keep the canvas size (as --width/--height do)")
    parser.add_argument("--out", type=Path, default=Path("layout-sheet.png"))
    args = parser.parse_args(argv)
    prompts = [p.strip() for p in args.prompts.read_text().splitlines() if p.strip()]
    prompts = prompts[args.start:args.start + args.count]
    planner, renderer = RulesPlanner(), PreviewRenderer()
    rows = -(-len(prompts) // args.columns)
    sheet = Image.new("RGB", (args.columns * (CELL + 4), rows * (CELL + TEXT + 4)), (10, 10, 12))
    draw, font = ImageDraw.Draw(sheet), _font(11)
    for index, prompt in enumerate(prompts):
        scene = finish_plan(planner.plan(prompt, canvas=Canvas(args.width, args.height, given=args.given), seed=0)).scene
        image = renderer.render(scene, [0])[0].image
        image.thumbnail((CELL, CELL))
        x, y = (index % args.columns) * (CELL + 4), (index // args.columns) * (CELL + TEXT + 4)
        sheet.paste(image, (x, y))
        label = f"{args.start + index}: {prompt}"
        draw.multiline_text((x + 2, y + CELL + 2), "\n".join(textwrap.wrap(label, 42)[:3]), fill=(220, 220, 220),
                            font=font)
        findings = review_scene(scene).notes()
        if findings:
            print(f"{args.start + index}: {prompt}\n    " + "\n    ".join(findings))
    sheet.save(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
