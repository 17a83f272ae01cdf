"""How photographic a planner's layouts are, measured by the layout critic over many prompts.

For each prompt set the planner writes a scene per prompt (no rendering), every plan goes through
`planners.layout.plans.finish_plan` as in `deig plan`, and the critic's measures are summed up:

- people: in scenes of at most four people not said to be far away, the median box height (of the
  canvas height) and the share below 0.25;
- frame: the median coverage (union of boxes over the canvas), and the share of scenes of three or
  more things squeezed into less than half the height;
- size order: pairs at about the same depth whose apparent sizes contradict the size priors;
- support / containment: stated "on" / "in" relations the boxes do not honour;
- floating things, and other stated relations broken.

It also scores GPT-4's public LMD layouts next to the planner's own plans of the same prompts (both
judged against the LMD prompts' spatial truth), and times the planning of GenEval's 553 prompts.

    python benchmarks/layout_quality.py [--planner rules] [--prompts FILE ...] [--show N]

Exits 1 when a target of the issue is missed on the first prompt set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from planners.base import Canvas  # noqa: E402
from planners.layout import critic, plans  # noqa: E402

DATA = REPO / "benchmarks" / "data"
FREE_FORM = DATA / "layout" / "free_form_prompts.txt"
UNTUNED = DATA / "t2i_compbench" / "spatial_val.txt"


def make_planner(name: str):
    from importlib.metadata import entry_points

    found = {ep.name: ep for ep in entry_points(group="deig.planners")}
    if name not in found:
        raise SystemExit(f"Error: no planner '{name}'")
    return found[name].load()()


@dataclass
class Tally:
    """The critic's measures over a set of scenes."""

    heights: list[float] = field(default_factory=list)   # people in scenes of <= 4 people, not far
    coverages: list[float] = field(default_factory=list)
    crowded: int = 0                                     # scenes of 3+ things
    squeezed: int = 0
    size_pairs: int = 0
    size_violations: int = 0
    support: list[int] = field(default_factory=lambda: [0, 0])
    containment: list[int] = field(default_factory=lambda: [0, 0])
    things: int = 0
    floating: int = 0
    relations: list[int] = field(default_factory=lambda: [0, 0])
    scenes: int = 0
    worst: list[tuple[float, str, list[str]]] = field(default_factory=list)

    def add(self, review: critic.Review, label: str) -> None:
        m = review.measures
        self.scenes += 1
        if m.person_heights and len(m.person_heights) <= critic.FEW_PEOPLE and not m.far:
            self.heights += m.person_heights
        if m.things:
            self.coverages.append(m.coverage)
        if m.things >= 3:
            self.crowded += 1
            self.squeezed += m.band < critic.BAND_MIN
        self.size_pairs += m.size_pairs
        self.size_violations += m.size_violations
        self.support[0] += m.support_violations
        self.support[1] += m.support_checked
        self.containment[0] += m.containment_violations
        self.containment[1] += m.containment_checked
        self.things += m.things
        self.floating += m.floating
        self.relations[0] += m.relations_broken
        self.relations[1] += m.relations_checked
        if review.findings:
            self.worst.append((review.score, label, [f.message for f in review.findings]))

    def rates(self) -> dict[str, float]:
        def share(a: int, b: int) -> float:
            return a / b if b else 0.0

        return {
            "person median height": statistics.median(self.heights) if self.heights else float("nan"),
            "people below 0.25": share(sum(h < critic.PERSON_MIN for h in self.heights), len(self.heights)),
            "median coverage": statistics.median(self.coverages) if self.coverages else float("nan"),
            "squeezed (3+ things)": share(self.squeezed, self.crowded),
            "size-order violations": share(self.size_violations, self.size_pairs),
            "support violations": share(*self.support),
            "containment violations": share(*self.containment),
            "floating things": share(self.floating, self.things),
            "relations broken": share(*self.relations),
        }

    def counts(self) -> dict[str, str]:
        return {"people": f"{len(self.heights)}", "scenes": f"{self.scenes}",
                "size pairs": f"{self.size_pairs}", "support": f"{self.support[0]}/{self.support[1]}",
                "containment": f"{self.containment[0]}/{self.containment[1]}",
                "relations": f"{self.relations[0]}/{self.relations[1]}", "crowded": f"{self.squeezed}/{self.crowded}"}


# (rate, target, higher is better)
TARGETS = {"person median height": (0.40, True), "people below 0.25": (0.05, False),
           "median coverage": (0.40, True), "squeezed (3+ things)": (0.10, False),
           "support violations": (0.0, False), "containment violations": (0.0, False),
           "size-order violations": (0.02, False)}


TEST_CASES = REPO / "tests" / "test_rules_planner_prompts.py"


def read_prompts(path: Path) -> list[str]:
    if path == TEST_CASES:  # the rules planner tests' free-form cases, written before this benchmark
        import importlib.util

        spec = importlib.util.spec_from_file_location("free_form_cases", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["free_form_cases"] = module  # its dataclass looks itself up there
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return [case.prompt for case in module.CASES]
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def plan_set(planner, prompts: list[str], canvas: Canvas) -> Tally:
    tally = Tally()
    for prompt in prompts:
        result = plans.finish_plan(planner.plan(prompt, canvas=canvas, seed=0))
        tally.add(plans.review_scene(result.scene), prompt)
    return tally


def print_rates(title: str, tally: Tally, check: bool) -> bool:
    ok = True
    print(f"\n{title}: {tally.scenes} scenes  " + "  ".join(f"{k}={v}" for k, v in tally.counts().items()))
    for name, value in tally.rates().items():
        verdict = ""
        if name in TARGETS:
            target, higher = TARGETS[name]
            good = value >= target if higher else value <= target
            verdict = f"  target {'>=' if higher else '<='} {target:.2f}  {'ok' if good else 'MISSED'}"
            ok &= good or not check
        print(f"  {name:<24} {value:7.3f}{verdict}")
    return ok


# -- LMD: GPT-4's layouts against ours ---------------------------------------------------------------

_KINDS = {"left of": "left_of", "right of": "right_of", "above": "above", "below": "below"}


def _truth_facts(row: dict, scene) -> list[critic.Fact]:
    """The spatial truth of an LMD prompt as facts about a scene's instances (by class name)."""
    facts = []
    names = [i.name.lower() for i in scene.instances]
    for entry in row["include"]:
        position = entry.get("position")
        if not position:
            continue
        kind, other = position
        target = row["include"][other]["class"]
        for s, name in enumerate(names):
            if name.endswith(entry["class"].split()[-1]):
                facts += [critic.Fact(s, _KINDS[kind], o) for o, n in enumerate(names)
                          if o != s and n.endswith(target.split()[-1])]
    return facts


def _gpt4_scene(prompt: str, raw: str):
    from planners.llm.convert import scene_from_reply
    from planners.llm.lmd import layout_to_reply, parse_lmd_layout
    from planners.llm.reply import validate_reply

    layout = parse_lmd_layout(raw)
    reply = validate_reply(layout_to_reply(layout, caption=prompt))
    scene, _ = scene_from_reply(reply, prompt=prompt, width=512, height=512, seed=0)
    return scene


def lmd_comparison(planner) -> tuple[Tally, Tally]:
    rows = [json.loads(line) for line in (DATA / "lmd" / "lmd_prompts_derived.jsonl").read_text().splitlines()]
    cache = json.loads((DATA / "lmd" / "cache_lmd_v0.1_gpt-4.json").read_text())
    gpt4, ours = Tally(), Tally()
    for row in rows:
        replies = cache.get(row["prompt"])
        if not replies:
            continue
        try:
            theirs = _gpt4_scene(row["prompt"], replies[0])
        except Exception:  # an unreadable reply scores nothing rather than stopping the run
            continue
        mine = plans.finish_plan(planner.plan(row["prompt"], canvas=Canvas(512, 512, given=False), seed=0)).scene
        for scene, tally in ((theirs, gpt4), (mine, ours)):
            placed = plans.placed_of(scene)
            tally.add(critic.review(placed, _truth_facts(row, scene), far=critic.is_far(scene.prompt)), row["prompt"])
    return gpt4, ours


def geneval_seconds(planner) -> tuple[int, float]:
    prompts = [json.loads(line)["prompt"] for line in
               (DATA / "geneval" / "evaluation_metadata.jsonl").read_text().splitlines() if line.strip()]
    start = time.perf_counter()
    for prompt in prompts:
        plans.finish_plan(planner.plan(prompt, canvas=Canvas(512, 512, given=False), seed=0))
    return len(prompts), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--planner", default="rules")
    parser.add_argument("--prompts", type=Path, action="append", help="prompt file(s), one per line")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="print the N worst scenes of each set")
    parser.add_argument("--no-lmd", action="store_true")
    args = parser.parse_args(argv)
    planner = make_planner(args.planner)
    sets = args.prompts or [FREE_FORM, TEST_CASES, UNTUNED]
    ok = True
    for index, path in enumerate(sets):
        prompts = read_prompts(path)
        if path == UNTUNED:
            prompts = prompts[:300]
        tally = plan_set(planner, prompts, Canvas(512, 512, given=False))  # as `deig plan` without --width
        ok &= print_rates(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}", tally, index == 0)
        for score, label, messages in sorted(tally.worst, key=lambda w: -w[0])[:args.show]:
            print(f"    {score:4.1f}  {label}\n          " + "\n          ".join(messages[:6]))
    if not args.no_lmd:
        gpt4, ours = lmd_comparison(planner)
        print_rates("LMD prompts, GPT-4's layouts", gpt4, False)
        print_rates(f"LMD prompts, the {args.planner} planner's layouts", ours, False)
        worse = [name for (name, theirs), mine in zip(gpt4.rates().items(), ours.rates().values(), strict=True)
                 if (mine < theirs - 1e-9 if TARGETS.get(name, (0, False))[1] else mine > theirs + 1e-9)]
        print(f"  rates where {args.planner} is worse than GPT-4: {', '.join(worse) or 'none'}")
    count, seconds = geneval_seconds(planner)
    print(f"\nGenEval: {count} prompts planned (with depth and critic) in {seconds:.2f} s "
          f"({1000 * seconds / count:.1f} ms each); bar: 5 s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
