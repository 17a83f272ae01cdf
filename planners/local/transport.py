"""A chat "server" in this process: a transformers causal LM answering like the llm planner's transport.

`LocalChatTransport.chat(messages, mode=, seed=, deadline=)` has the HTTP transport's contract, so the
llm planner's loop (templates, re-asks, repairs, cache, record) runs unchanged on top of it. Modes:
`json_schema` (and `auto`) decode against the plan's schema and the box guard (`constraint.py`),
`json_object` against any JSON object, `text` without a constraint.

Models load once per process (`loaded_model`), so a batch (`plan -f`, `render -f`) pays once, and
`release_models` frees them before a renderer needs the memory.
"""

from __future__ import annotations

import gc
import importlib.util
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planners.llm.reply import reply_json_schema
from planners.llm.transport import ChatReply, RequestShape
from scenes.errors import InvalidInput, PlannerError, Unavailable
from scenes.model import MAX_INSTANCES

from .options import IN_PROCESS, LocalOptions
from .tiny import TINY_CHAT, tiny_chat_model, tiny_chat_tokenizer

INSTALL_HINT = "Install the local planner's extra: pip install 'deig[local]' (transformers and llguidance)."


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    ll_tokenizer: Any  # llguidance's view of the tokenizer (None when llguidance is absent)
    device: Any
    digits: Any = None  # the box guard's per-token digit table, built on first use

    @property
    def vocab_size(self) -> int:
        return int(self.model.get_output_embeddings().weight.shape[0])


_LOADED: dict[tuple, LoadedModel] = {}


def check_available(options: LocalOptions, mode: str) -> None:
    """Every check that needs no weights: the optional dependencies and whether the model can be had."""
    if not options.model:
        raise InvalidInput("the local planner needs a model",
                           hint="Pass --llm-model a hub id (e.g. Qwen/Qwen2.5-3B-Instruct), a local folder, or "
                           f"{TINY_CHAT} (or set DEIG_LOCAL_MODEL).")
    needed = ["torch", "transformers"] + (["llguidance"] if mode != "text" else [])
    missing = [name for name in needed if not _importable(name)]
    if missing:
        raise Unavailable(f"the local planner needs {', '.join(missing)}, which "
                          f"{'is' if len(missing) == 1 else 'are'} not installed", hint=INSTALL_HINT)
    check_model_source(options.model)


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # in sys.modules as None: deliberately absent
        return False


def check_model_source(spec: str) -> None:
    from renderers.diffusion.sources import cached_file, offline, require_hub

    if spec == TINY_CHAT:
        return
    path = Path(spec).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise Unavailable(f"{spec} is not a transformers model folder (no config.json)",
                              hint="Pass a folder saved with save_pretrained, or a hub id.")
        return
    if spec.startswith((".", "/", "~")) or spec.count("/") != 1:
        raise Unavailable(f"no such model folder: {spec}", hint="Pass an existing folder or a hub id (owner/name).")
    if cached_file(spec, "config.json") is not None:
        return
    hint = f"Download it with `deig download {spec}` where there is network access, then run again."
    if offline():
        raise Unavailable(f"the chat model '{spec}' is not in the local model cache and HF_HUB_OFFLINE is set",
                          hint=hint)
    require_hub(spec)


def loaded_model(options: LocalOptions) -> LoadedModel:
    key = (options.model, options.device, options.dtype, options.quantize)
    if key not in _LOADED:
        _LOADED[key] = _load(options)
    return _LOADED[key]


def loaded_models() -> list[LoadedModel]:
    return list(_LOADED.values())


def release_models() -> None:
    """Free every loaded chat model (before a renderer loads weights that would not fit beside them)."""
    _LOADED.clear()
    gc.collect()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except ImportError:
        pass


def _load(options: LocalOptions) -> LoadedModel:
    import torch

    from renderers.diffusion.devices import resolve_device

    device = resolve_device(options.device)
    ll_tokenizer = None
    if options.model == TINY_CHAT:
        tokenizer = tiny_chat_tokenizer()
        model = tiny_chat_model(len(tokenizer))
    else:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from renderers.diffusion.sources import offline

        dtype = _dtype(options.dtype, device)
        extra = {"quantization_config": _quantization(options.quantize, device)} if options.quantize != "none" else {}
        try:
            tokenizer = AutoTokenizer.from_pretrained(options.model, local_files_only=offline())
            model = AutoModelForCausalLM.from_pretrained(options.model, dtype=dtype, local_files_only=offline(),
                                                         use_safetensors=True, **extra)
        except OSError as error:
            raise Unavailable(f"the chat model '{options.model}' could not be loaded: {str(error).splitlines()[0]}",
                              hint=f"Download it with `deig download {options.model}`, or pass a local folder.") \
                from error
        if getattr(tokenizer, "chat_template", None) is None:
            raise Unavailable(f"the model '{options.model}' has no chat template",
                              hint="Use an instruct/chat model (e.g. Qwen/Qwen2.5-3B-Instruct).")
        model.eval().requires_grad_(False)
    if options.quantize == "none":
        model.to(device)
    if _importable("llguidance"):
        import llguidance.hf

        ll_tokenizer = llguidance.hf.from_tokenizer(tokenizer)
    del torch
    return LoadedModel(model, tokenizer, ll_tokenizer, device)


def _dtype(name: str, device):
    import torch

    if name != "auto":
        return getattr(torch, name)
    if device.type == "cpu":
        return torch.float32
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float16


def _quantization(quantize: str, device):
    if device.type != "cuda" or importlib.util.find_spec("bitsandbytes") is None:
        raise Unavailable(f"-P quantize={quantize} needs a CUDA GPU and bitsandbytes",
                          hint="pip install bitsandbytes on a CUDA machine, or leave -P quantize=none.")
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_8bit=quantize == "8bit", load_in_4bit=quantize == "4bit")


class _Deadline:
    """A stopping criterion: generation ends when the plan's wall-clock deadline passes."""

    def __init__(self, deadline: float, clock):
        self.deadline, self.clock, self.hit = deadline, clock, False

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        self.hit = self.clock() >= self.deadline
        return torch.full((input_ids.shape[0],), self.hit, dtype=torch.bool, device=input_ids.device)


class LocalChatTransport:
    """The in-process counterpart of `planners.llm.transport.ChatTransport`."""

    host = IN_PROCESS

    def __init__(self, options: LocalOptions, *, clock=time.monotonic):
        self.options = options
        self.requests = 0
        self.shape = RequestShape()
        self.clock = clock
        self.canvas: tuple[int, int] | None = None  # set by the planner: the box guard's bounds

    def chat(self, messages: list[dict[str, str]], *, mode: str, seed: int | None, deadline: float,
             schema: dict[str, Any] | None = None) -> ChatReply:
        import torch
        from transformers import LogitsProcessorList, StoppingCriteriaList

        check_available(self.options, mode)
        loaded = loaded_model(self.options)
        self.requests += 1
        inputs = loaded.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                      return_dict=True)
        inputs = {key: value.to(loaded.device) for key, value in inputs.items()}
        prompt_length = int(inputs["input_ids"].shape[1])
        processors = LogitsProcessorList()
        if mode != "text":
            processors.append(self._constraint(loaded, mode, prompt_length, schema))
        stop = _Deadline(deadline, self.clock)
        sampling = self.options.temperature is not None and self.options.temperature > 0
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            torch.manual_seed(seed if seed is not None else 0)
            output = loaded.model.generate(
                **inputs, max_new_tokens=self.options.max_tokens, do_sample=sampling,
                temperature=self.options.temperature if sampling else None, top_p=None, top_k=None,
                logits_processor=processors, stopping_criteria=StoppingCriteriaList([stop]),
                eos_token_id=loaded.tokenizer.eos_token_id,
                pad_token_id=loaded.tokenizer.pad_token_id or loaded.tokenizer.eos_token_id)
        new = output[0, prompt_length:].tolist()
        if stop.hit:
            raise PlannerError(f"the local model did not finish its reply within max_total_time="
                               f"{self.options.max_total_time:g} s", hint="Allow more time (-P max_total_time=S), "
                               "use a smaller model or a GPU, or --planner rules.")
        ended = bool(new) and new[-1] == loaded.tokenizer.eos_token_id
        if not ended and len(new) >= self.options.max_tokens:
            raise PlannerError(f"the reply was cut off at max_tokens={self.options.max_tokens}",
                               hint="Allow a longer reply (-P max_tokens=N) or ask for fewer instances.")
        text = loaded.tokenizer.decode(new, skip_special_tokens=True)
        return ChatReply(text=text, finish_reason="stop" if ended else "length",
                         usage={"prompt_tokens": prompt_length, "completion_tokens": len(new),
                                "total_tokens": prompt_length + len(new)})

    def _constraint(self, loaded: LoadedModel, mode: str, prompt_length: int, schema: dict[str, Any] | None):
        import llguidance

        from .constraint import BoxGuard, DigitTable, PlanConstraint, bounded_schema, grammar_for

        width, height = self.canvas or (512, 512)
        guard = None
        if mode == "json_object":
            schema = {"type": "object"}
        else:
            schema = bounded_schema(schema or reply_json_schema(), text_chars=self.options.caption_chars,
                                    name_chars=self.options.name_chars, max_tokens=self.options.max_tokens,
                                    max_instances=MAX_INSTANCES, width=width, height=height)
            if loaded.digits is None:
                loaded.digits = DigitTable.of(loaded.ll_tokenizer, loaded.vocab_size)
            guard = BoxGuard(loaded.digits, width, height)
        matcher = llguidance.LLMatcher(loaded.ll_tokenizer, grammar_for(schema))
        if matcher.is_error():
            raise PlannerError(f"the reply grammar could not be built: {matcher.get_error()}",
                               hint="Report it; use -P mode=text meanwhile.")
        return PlanConstraint(matcher, guard, loaded.ll_tokenizer, prompt_length, loaded.vocab_size)
