"""A replay LLM server: realistic plans for the GenEval and LMD prompt sets, over real HTTP.

    python benchmarks/llm_replay_server.py --port 8765 &
    DEIG_LLM_BASE_URL=http://127.0.0.1:8765/v1 python benchmarks/planner_quality.py --planner llm

It speaks /v1/chat/completions on 127.0.0.1 and answers each planning request by its prompt:

- LMD prompts: GPT-4's own layouts from LLM-grounded Diffusion's cache
  (`benchmarks/data/lmd/cache_lmd_v0.1_gpt-4.json`, the first reply per prompt), converted to
  the reply format (corners from [x, y, w, h], names matched against GenEval's object list), or
  sent as GPT-4 wrote them with `--lmd-format` (the planner then converts them itself). Three of
  GPT-4's 530 boxes end 28, 38 and 88 px past the 512 px canvas, more than the planner clamps; the
  planner sends them back, and the server answers such re-asks with a synthesised correction (the
  box moved inside the canvas, its size kept), as no model's re-ask replies are on disk.
- GenEval prompts: no LLM replies exist on disk, so they are *synthesised* from GenEval's own
  metadata (classes, counts, colours, relations) in the style of GPT-4's LMD layouts (objects
  side by side, 150-300 px boxes on 512 px, jittered per prompt). These are oracle layouts: rates
  measured on them test the planner's pipeline (parsing, conversion, validation, repairs), not a
  model's understanding.

`--slips RATE` makes that share of replies (chosen by a hash of the prompt, so runs repeat) carry
a typical model slip: JSON wrapped in prose and a code fence, a box a few pixels past the canvas
edge (clamped and recorded by the planner), or a first reply with an inverted box (sent back by the
planner, corrected on the re-ask).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from chat_server import ChatServer, Step, completion, fault  # noqa: E402

from planners.llm.lmd import layout_to_reply, name_of, parse_lmd_layout  # noqa: E402

DATA = REPO / "benchmarks" / "data"
LMD_REPLIES = DATA / "lmd" / "cache_lmd_v0.1_gpt-4.json"
GENEVAL = DATA / "geneval" / "evaluation_metadata.jsonl"
OBJECT_NAMES = DATA / "geneval" / "object_names.txt"
REPLY_CANVAS = 512
_CANVAS = re.compile(r"(\d+) pixels wide and (\d+) pixels high")
_STEP = re.compile(r"This request is step [12] of 2")


def _rng(prompt: str) -> random.Random:
    return random.Random(int(hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:16], 16))


def _category(phrase: str, vocabulary: list[str]) -> str:
    """The GenEval class a phrase is about: the one that ends last, longest first ('an orange chair' is a
    chair, 'a fire hydrant' a fire hydrant); else the phrase's head noun."""
    best: tuple[int, int, str] | None = None
    for name in vocabulary:
        for match in re.finditer(rf"\b{re.escape(name)}(e?s)?\b", phrase.lower()):
            candidate = (match.end(), len(name), name)
            best = candidate if best is None or candidate > best else best
    return best[2] if best else name_of(phrase)


def lmd_texts() -> dict[str, str]:
    """GPT-4's first reply for each LMD prompt, as it wrote it."""
    return {prompt: replies[0] for prompt, replies in json.loads(LMD_REPLIES.read_text(encoding="utf-8")).items()}


def lmd_plans(vocabulary: list[str]) -> dict[str, Any]:
    plans: dict[str, Any] = {}
    for prompt, text in lmd_texts().items():
        layout = parse_lmd_layout(text)
        names = [_category(phrase, vocabulary) for phrase, _ in layout.objects]
        plans[prompt] = layout_to_reply(layout, caption=prompt, names=names)
    return plans


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _row(count: int, rng: random.Random, top: int = 150, bottom: int = 420) -> list[list[int]]:
    """`count` boxes side by side across the canvas, like GPT-4 lays out 'two X and a Y'."""
    margin, gap = 24, 16
    width = (REPLY_CANVAS - 2 * margin - gap * (count - 1)) // count
    boxes = []
    for i in range(count):
        x0 = margin + i * (width + gap) + rng.randint(0, 8)
        y0 = top + rng.randint(-24, 24)
        boxes.append([x0, y0, x0 + width - rng.randint(0, 12), bottom + rng.randint(-24, 24)])
    return boxes


def _relative(relation: str, rng: random.Random) -> tuple[list[int], list[int]]:
    """Boxes (subject, reference) so that the subject is `relation` the reference."""
    a = [24 + rng.randint(0, 16), 150 + rng.randint(-20, 20), 230 + rng.randint(0, 16), 380 + rng.randint(-20, 20)]
    b = [270 + rng.randint(0, 16), 140 + rng.randint(-20, 20), 480 + rng.randint(0, 16), 390 + rng.randint(-20, 20)]
    if relation == "left of":
        return a, b
    if relation == "right of":
        return b, a
    top = [150 + rng.randint(-16, 16), 24 + rng.randint(0, 16), 360 + rng.randint(-16, 16), 220 + rng.randint(0, 16)]
    bottom = [140 + rng.randint(-16, 16), 280 + rng.randint(0, 16), 370 + rng.randint(-16, 16), 488]
    return (top, bottom) if relation == "above" else (bottom, top)


def geneval_plan(entry: dict[str, Any]) -> dict[str, Any]:
    prompt, rng = entry["prompt"], _rng(entry["prompt"])
    objects = []  # (class, colour) per instance, in order
    for item in entry["include"]:
        objects += [(item["class"], item.get("color"))] * item["count"]
    boxes: list[list[int]]
    related = [i for i, item in enumerate(entry["include"]) if "position" in item]
    if related:
        subject = entry["include"][related[0]]
        relation, reference = subject["position"]
        first, second = _relative(relation, rng)
        boxes = [first, second] if related[0] < reference else [second, first]
    elif len(objects) == 1:
        side = rng.randint(260, 360)
        x0, y0 = rng.randint(40, REPLY_CANVAS - side - 40), rng.randint(60, REPLY_CANVAS - side - 30)
        boxes = [[x0, y0, x0 + side, y0 + side]]
    else:
        boxes = _row(len(objects), rng)
    instances = []
    for (name, colour), box in zip(objects, boxes, strict=True):
        described = f"{colour} {name}" if colour else name
        instances.append({"name": name, "caption": f"{_article(described)} {described}", "box": box, "pose": None})
    return {"caption": prompt, "background": "a realistic scene", "negative": "", "instances": instances}


def geneval_plans() -> dict[str, Any]:
    plans = {}
    for line in GENEVAL.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            plans[entry["prompt"]] = geneval_plan(entry)
    return plans


def all_plans() -> dict[str, Any]:
    vocabulary = [line.strip() for line in OBJECT_NAMES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {**geneval_plans(), **lmd_plans(vocabulary)}


def _scaled(plan: dict[str, Any], width: int, height: int) -> dict[str, Any]:
    plan = json.loads(json.dumps(plan))
    for instance in plan["instances"]:
        x0, y0, x1, y1 = instance["box"]
        instance["box"] = [round(x0 * width / REPLY_CANVAS), round(y0 * height / REPLY_CANVAS),
                           round(x1 * width / REPLY_CANVAS), round(y1 * height / REPLY_CANVAS)]
    return plan


def _corrected(plan: dict[str, Any], width: int, height: int) -> dict[str, Any]:
    """What a model does when told a box is inverted or off the canvas: swap the corners, move it inside.

    This is a synthesised correction (no model's re-ask replies are on disk); it keeps each box's size.
    """
    for instance in plan["instances"]:
        x0, y0, x1, y1 = instance["box"]
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        dx = -x0 if x0 < 0 else min(0, width - x1)
        dy = -y0 if y0 < 0 else min(0, height - y1)
        instance["box"] = [max(x0 + dx, 0), max(y0 + dy, 0), min(x1 + dx, width), min(y1 + dy, height)]
    return plan


class ReplayResponder:
    """(request body, index) -> the plan for the request's prompt, with the configured slips."""

    def __init__(self, plans: dict[str, Any], *, texts: dict[str, str] | None = None, slips: float = 0.0):
        self.plans = plans
        self.texts = texts or {}
        self.slips = slips
        self.by_lower = {prompt.strip().lower(): prompt for prompt in plans}

    def __call__(self, body: Any, index: int) -> Step:
        messages = body.get("messages") if isinstance(body, dict) else None
        if not messages or len(messages) < 2:
            return fault(400, "expected a system and a user message")
        user = messages[1]["content"]
        if not user.startswith("Description: "):
            return fault(400, "the replay server only answers planning requests ('Description: ...')")
        prompt = self.by_lower.get(user.removeprefix("Description: ").strip().lower())
        if prompt is None:
            return fault(400, f"the replay server has no plan for {user[13:80]!r}")
        match = _CANVAS.search(messages[0]["content"])
        width, height = (int(match.group(1)), int(match.group(2))) if match else (REPLY_CANVAS, REPLY_CANVAS)
        if _STEP.search(messages[0]["content"]):
            return self._staged(messages, _scaled(self.plans[prompt], width, height), width, height)
        reask = len(messages) > 2
        if prompt in self.texts and not reask:  # LMD's own text, as GPT-4 wrote it
            return completion(self.texts[prompt])
        plan = _scaled(self.plans[prompt], width, height)
        if reask:
            return completion(json.dumps(_corrected(plan, width, height)))
        return completion(self._with_slip(prompt, plan, width=width, height=height))

    @staticmethod
    def _staged(messages: list[dict[str, Any]], plan: dict[str, Any], width: int, height: int) -> Step:
        """Staged planning: step 1 answers the things of the plan, step 2 the boxes of the things it is shown.

        Step 2 answers only for exactly the plan's things in their order (names as in step 1), the way
        a model places the list it wrote; any other list is a 400, so a planner that changed the list
        between the steps is caught.
        """
        if "step 1 of 2" in messages[0]["content"]:
            things = [{k: v for k, v in instance.items() if k != "box"} for instance in plan["instances"]]
            return completion(json.dumps({"caption": plan["caption"], "background": plan["background"],
                                          "negative": plan["negative"], "things": things}))
        listed = re.findall(r"^\d+\. ([^:\n]+):", messages[-1]["content"], flags=re.M)
        names = [instance["name"] for instance in plan["instances"]]
        if listed != names:
            return fault(400, f"step 2 lists {listed}, but step 1 gave {names}")
        boxes = [instance["box"] for instance in _corrected(plan, width, height)["instances"]]
        return completion(json.dumps({"boxes": boxes}))

    def _with_slip(self, prompt: str, plan: dict[str, Any], *, width: int, height: int) -> str:
        rng = _rng("slip:" + prompt)
        if rng.random() >= self.slips or not plan["instances"]:
            return json.dumps(plan)
        slip = rng.choice(["prose", "overshoot", "inverted"])
        if slip == "prose":
            return "Here is the scene plan:\n```json\n" + json.dumps(plan, indent=2) + "\n```"
        box = plan["instances"][0]["box"]
        if slip == "overshoot":  # the edge nearest the border ends 1-2 % past it, as rounding models do
            gaps = [box[0], box[1], width - box[2], height - box[3]]
            edge = gaps.index(min(gaps))
            past = max(1, (width if edge in (0, 2) else height) // 64)
            box[edge] = -past if edge < 2 else (width if edge == 2 else height) + past
        else:
            box[0], box[2] = box[2], box[0]
        return json.dumps(plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--lmd-format", action="store_true", help="Send LMD prompts GPT-4's raw text.")
    parser.add_argument("--slips", type=float, default=0.0, help="Share of replies with a typical slip (0-1).")
    args = parser.parse_args()
    texts = lmd_texts() if args.lmd_format else None
    server = ChatServer(ReplayResponder(all_plans(), texts=texts, slips=args.slips), port=args.port)
    with server:
        print(server.url, flush=True)
        print(f"replaying {len(server.script.plans)} plans on {server.url}; Ctrl-C or SIGTERM stops", file=sys.stderr)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:
                time.sleep(3600)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            print(f"served {len(server.requests)} requests", file=sys.stderr)


if __name__ == "__main__":
    main()
