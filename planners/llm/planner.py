"""The llm planner: ask, read, repair within bounds, re-ask with the exact errors, or give up clearly.

    1. cheap checks (prompt, canvas, seed, template) and the plan cache
    2. ask with a strict JSON schema; where the server refuses it, JSON mode, then plain text
       (the first way that works is remembered for this server and model for the whole process)
    3. read the reply (JSON, JSON inside prose, or LLM-grounded Diffusion's list format)
    4. validate it and turn it into a Scene; a reply that fails goes back to the model with its
       validation errors, at most `max_reasks` times
    5. record everything (mode, requests, raw replies, repairs, usage) and store the plan
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from planners.base import Canvas, Planner, PlanResult
from planners.layout import review_scene
from scenes.errors import InvalidInput, PlannerError
from scenes.manifest import PlannerRecord, Repair
from scenes.model import MAX_PROMPT_CHARS, MAX_SEED, Scene

from . import stages
from .cache import PlanCache, cache_key
from .convert import complete_from_reply, completion_request, scene_from_reply
from .lmd import layout_to_reply
from .options import LLMOptions, default_cache_dir
from .reply import (
    MAX_ECHO_BYTES,
    MAX_PROBLEM_BYTES,
    PlanReply,
    ReplyInvalid,
    excerpt,
    read_reply,
    validate_reply,
)
from .templates import PromptTemplate, complete_user_message, load_template, plan_user_message
from .transport import ChatReply, ChatTransport, FormatUnsupported, RequestShape

MODES = ("json_schema", "json_object", "text")
GIVE_UP_HINT = "Try a stronger model (--llm-model), allow more re-asks (--reasks N), or use --planner rules."
LMD_REPAIR = ("converted from LLM-grounded Diffusion's layout format "
              "[(caption, [x, y, width, height])] + Background prompt + Negative prompt")

# What each (base URL, model) accepts, learnt once per process so later prompts skip the refusals.
_WORKING_MODES: dict[tuple[str, str], str] = {}
_REQUEST_SHAPES: dict[tuple[str, str], RequestShape] = {}

Build = Callable[[PlanReply], tuple[Scene, list[Repair], list[str]]]


@dataclass
class _Conversation:
    """One plan's exchange with the model: its deadline, the mode that works, what came back."""

    transport: Any
    deadline: float
    seed: int | None
    mode: str
    raw_replies: list[str] = field(default_factory=list)
    usage: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def forget_learnt_server_behaviour() -> None:
    _WORKING_MODES.clear()
    _REQUEST_SHAPES.clear()


class LLMPlanner(Planner):
    name = "llm"
    description = "An OpenAI-compatible model (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) writes the scene."
    Options = LLMOptions

    def __init__(self, options: LLMOptions | None = None):
        super().__init__(options)
        self.options: LLMOptions
        self._template: PromptTemplate | None = None
        self._transport: ChatTransport | None = None

    @property
    def _server(self) -> tuple[str, str]:
        return self.options.base_url, self.options.model

    def _template_loaded(self) -> PromptTemplate:
        if self._template is None:
            self._template = load_template(self.options.template)
        return self._template

    def _transport_ready(self) -> ChatTransport:
        if self._transport is None:
            self._transport = ChatTransport(self.options)
            self._transport.shape = _REQUEST_SHAPES.setdefault(self._server, RequestShape())
        return self._transport

    # -- the contract --------------------------------------------------------------------------

    def plan(self, prompt: str, *, canvas: Canvas, seed: int | None = None) -> PlanResult:
        if not prompt or not prompt.strip():
            raise InvalidInput("the prompt is empty", hint="Describe the picture, e.g. deig plan \"a red fox in snow\".")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise InvalidInput(f"the prompt has {len(prompt)} characters; the limit is {MAX_PROMPT_CHARS}",
                               hint="Shorten the prompt.")
        _check_canvas(canvas, seed)
        template = self._template_loaded()
        messages = [
            {"role": "system", "content": template.render(task="plan", width=canvas.width, height=canvas.height)},
            {"role": "user", "content": plan_user_message(prompt)},
        ]

        def build(reply: PlanReply) -> tuple[Scene, list[Repair], list[str]]:
            scene, repairs = scene_from_reply(reply, prompt=prompt, width=canvas.width, height=canvas.height,
                                              seed=seed)
            return scene, repairs, []

        return self._run("plan", prompt, canvas, seed, messages, build, lmd_caption=prompt)

    def complete(self, scene: Scene) -> PlanResult:
        if not scene.missing():
            return PlanResult(scene=scene, record=self._record(mode=None, attempts=0))
        template = self._template_loaded()
        canvas = Canvas(scene.width, scene.height)
        messages = [
            {"role": "system", "content": template.render(task="complete", width=scene.width, height=scene.height)},
            {"role": "user", "content": complete_user_message(completion_request(scene))},
        ]
        subject = json.dumps(scene.to_document(), sort_keys=True, ensure_ascii=False)
        return self._run("complete", subject, canvas, scene.seed, messages,
                         lambda reply: complete_from_reply(scene, reply), lmd_caption=None)

    # -- the loop --------------------------------------------------------------------------------

    def _run(self, task: str, subject: str, canvas: Canvas, seed: int | None, messages: list[dict[str, str]],
             build: Build, *, lmd_caption: str | None) -> PlanResult:
        template = self._template_loaded()
        key = cache_key({
            "task": task, "model": self.options.model, "base_url": self.options.base_url,
            "template_sha256": template.sha256, "subject": subject, "canvas": [canvas.width, canvas.height],
            "temperature": self.options.temperature, "seed": seed, "max_tokens": self.options.max_tokens,
            "stages": self.options.stages,
            "messages_sha256": cache_key({"messages": messages}),
        })
        cache = PlanCache(self.options.cache_dir or default_cache_dir())
        if self.options.cache:
            hit = cache.get(key)
            if hit is not None:
                scene, record = hit
                return PlanResult(scene=scene, record=record.model_copy(update={"cached": True}),
                                  notes=["plan reused from the cache (--no-cache asks the model again)"])

        transport = self._transport_ready()
        talk = _Conversation(transport, deadline=transport.clock() + self.options.max_total_time, seed=seed,
                             mode=self.options.mode if self.options.mode != "auto"
                             else _WORKING_MODES.get(self._server, MODES[0]))
        first_request = transport.requests
        if task == "plan" and self.options.stages == 2:
            scene, repairs, completed = self._staged(talk, messages, canvas, build)
        else:
            def interpret(text: str):
                return self._interpret(text, build, lmd_caption)

            scene, repairs, completed = self._until_valid(talk, messages, canvas, interpret)
            if self.options.critic_reask and task == "plan":
                scene, repairs, completed = self._critic_pass(talk, messages, canvas, interpret,
                                                              (scene, repairs, completed))
        record = self._record(mode=talk.mode, attempts=transport.requests - first_request, repairs=repairs,
                              completed=completed, raw_replies=talk.raw_replies, usage=dict(talk.usage))
        if self.options.cache:
            note = cache.put(key, scene, record)
            if note:
                talk.notes.append(note)
        return PlanResult(scene=scene, record=record, notes=talk.notes)

    def _until_valid(self, talk: _Conversation, messages: list[dict[str, str]], canvas: Canvas,
                     interpret: Callable[[str], Any], schema: dict[str, Any] | None = None,
                     expected: str | None = None) -> Any:
        """Ask; send an invalid reply back with its problems, at most `max_reasks` times."""
        problems: list[str] = []
        first_messages = messages
        for _ in range(1 + self.options.max_reasks):
            reply, talk.mode = self._ask(talk.transport, messages, talk.mode, talk.seed, talk.deadline, talk.notes,
                                         schema)
            talk.raw_replies.append(reply.text)
            talk.usage.update(reply.usage)
            try:
                return interpret(reply.text)
            except ReplyInvalid as exc:
                problems = [excerpt(problem, MAX_PROBLEM_BYTES) for problem in exc.problems[:20]]
                # Only the last refused reply goes back, cut to a bounded excerpt: a re-ask stays small
                # however long the replies were and however many re-asks are allowed.
                messages = [*first_messages, {"role": "assistant", "content": excerpt(reply.text, MAX_ECHO_BYTES)},
                            {"role": "user", "content": _reask(problems, canvas, expected)}]
        count = len(talk.raw_replies)
        last = " ".join(talk.raw_replies[-1].split())
        raise PlannerError(
            f"the model's reply was still invalid after {count} repl{'ies' if count > 1 else 'y'}: {problems[0]}",
            details=[*problems[1:8], f"the last reply began: {last[:160]!r}"], hint=GIVE_UP_HINT)

    def _critic_pass(self, talk: _Conversation, messages: list[dict[str, str]], canvas: Canvas,
                     interpret: Callable[[str], Any], first: tuple[Scene, list[Repair], list[str]]):
        """Send the layout critic's findings back once; keep the better of the two layouts."""
        review = review_scene(first[0])
        if not review.findings:
            return first
        ask = [*messages, {"role": "assistant", "content": excerpt(talk.raw_replies[-1], MAX_ECHO_BYTES)},
               {"role": "user", "content": _critic_reask(review.notes(), canvas)}]
        reply, talk.mode = self._ask(talk.transport, ask, talk.mode, talk.seed, talk.deadline, talk.notes)
        talk.raw_replies.append(reply.text)
        talk.usage.update(reply.usage)
        try:
            second = interpret(reply.text)
        except ReplyInvalid:
            return first  # the re-ask broke the reply: the first layout stands
        return first if review.score < review_scene(second[0]).score else second

    def _staged(self, talk: _Conversation, messages: list[dict[str, str]], canvas: Canvas, build: Build):
        """Step 1: the things; step 2: one box for each of exactly those things (see stages.py)."""
        system, *rest = messages
        first = [{"role": "system", "content": system["content"] + "\n" + stages.STEP_ONE}, *rest]
        things = self._until_valid(talk, first, canvas, stages.read_things, stages.things_schema(),
                                   stages.THINGS_SHAPE)
        count = len(things.things)
        second = [{"role": "system", "content": system["content"] + "\n" + stages.STEP_TWO}, *rest,
                  {"role": "assistant", "content": stages.as_json(things)},
                  {"role": "user", "content": stages.things_message(things, canvas.width, canvas.height)}]
        if count == 0:
            return build(stages.combined(things, []))
        return self._until_valid(talk, second, canvas,
                                 lambda text: build(stages.combined(things, stages.read_boxes(text, count))),
                                 stages.layout_schema(count), stages.boxes_shape(count, canvas.width, canvas.height))

    def _ask(self, transport: ChatTransport, messages: list[dict[str, str]], mode: str, seed: int | None,
             deadline: float, notes: list[str], schema: dict[str, Any] | None = None) -> tuple[ChatReply, str]:
        while True:
            try:
                reply = transport.chat(messages, mode=mode, seed=seed, deadline=deadline, schema=schema)
            except FormatUnsupported as exc:
                if self.options.mode != "auto":
                    raise PlannerError(f"the LLM server at {transport.host} refused response_format "
                                       f"'{mode}': {exc.message}",
                                       hint="Leave -P mode at auto to fall back automatically.") from None
                fallback = MODES[MODES.index(mode) + 1]
                notes.append(f"the LLM server refused response_format '{mode}'; asking with '{fallback}' instead")
                mode = fallback
                continue
            if self.options.mode == "auto":
                _WORKING_MODES[self._server] = mode
            return reply, mode

    @staticmethod
    def _interpret(text: str, build: Build, lmd_caption: str | None) -> tuple[Scene, list[Repair], list[str]]:
        document, layout = read_reply(text)
        converted: list[Repair] = []
        if layout is not None:
            if lmd_caption is None:
                raise ReplyInvalid(["the reply is a layout list, not JSON; answer with one JSON object"])
            document = layout_to_reply(layout, caption=lmd_caption)
            converted.append(Repair(location="reply", action=LMD_REPAIR, after=document))
        scene, repairs, completed = build(validate_reply(document))
        return scene, converted + repairs, completed

    def _record(self, *, mode: str | None, attempts: int, **fields: Any) -> PlannerRecord:
        return PlannerRecord(
            name=self.name, model=self.options.model, base_url_host=self.options.base_url_host,
            template_sha256=self._template_loaded().sha256, mode=mode, attempts=attempts,
            options=self.options.recorded(), **fields)


def _check_canvas(canvas: Canvas, seed: int | None) -> None:
    """Refuse a bad canvas or seed now: no reply could fix them, so re-asking would be wasted."""
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"the seed {seed} is outside 0..{MAX_SEED}", hint="Pick a seed in range.")
    try:
        Scene(caption="canvas check", width=canvas.width, height=canvas.height)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise InvalidInput(f"canvas {canvas.width}x{canvas.height}: {first['loc'][0]} "
                           f"{first['msg'].removeprefix('Value error, ')}",
                           hint="Use sides that are multiples of 8 between 64 and 4096.") from None


def _critic_reask(findings: list[str], canvas: Canvas) -> str:
    listed = "\n".join(f"- {finding.removeprefix('layout: ')}" for finding in findings[:12])
    return (f"The layout reads as an implausible photograph:\n{listed}\n"
            "Reply again with the whole JSON object, boxes moved and resized so that the main subjects fill "
            "the frame, things rest on what holds them, and sizes match the real world "
            f"(integer pixels on the {canvas.width}x{canvas.height} canvas).")


def _reask(problems: list[str], canvas: Canvas, expected: str | None = None) -> str:
    listed = "\n".join(f"- {problem}" for problem in problems[:20])
    expected = expected or ("keys caption, background, negative and instances; each instance has name, caption, "
                            f"box and pose; boxes are [x0, y0, x1, y1] integer pixels on the {canvas.width}x"
                            f"{canvas.height} canvas.")
    return f"Your reply cannot be used:\n{listed}\nReply again with the whole corrected JSON object and nothing else: " \
        + expected
