"""What an instance's region hears: the share of its cross-attention that comes from other instances' details.

Builds the full-size SD-1.5 UNet and a CLIP ViT-L text encoder (SD-1.5's architecture) with random
weights, a scene of 8 described things in a grid at 256x256 whose global caption is the user's
whole prompt (every instance's details, as a rules planner writes it), and runs one guided
denoising step per fusion mode (and plain SD) at an early timestep. For every cross-attention
layer it takes the queries of the image tokens inside an instance's region (that instance's mask
at least 0.5), computes each key's attention weight as the mode defines it (plain torch, here;
checked against the layer's real output), and sums the weights of the keys that carry *another*
instance's details:

- other instances' caption tokens (all of them: padding and end tokens carry the caption too);
- in the global caption, every position at or after the first word of another instance (CLIP's
  text attention is causal, so those hidden states have read that instance's words).

The base (the plain list of things) and the background carry no instance's details. The weights
are averaged over heads, tokens and layers. The step cost of each mode against a plain step is the
median of interleaved pairs. The last line is the regional mode's share; by construction it can be
no more than the base ratio (0 where an instance is alone; soft edges shared with a neighbour).

    python benchmarks/regional_binding.py [--size 256] [--pairs 5] [--timestep 900]

Token ids come from a word-level vocabulary of the benchmark's own texts (CLIP's BPE gives plain
English words one token each); with random weights the ids only need to be distinct.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from regional_overhead import build_unet, paired  # noqa: E402
from transformers import CLIPTextConfig, CLIPTextModel  # noqa: E402

from renderers.regional.processors import FusionState, install  # noqa: E402
from renderers.regional.prompts import base_text  # noqa: E402
from renderers.regional.regions import RegionMasks, layer_size  # noqa: E402
from scenes.model import Scene  # noqa: E402

THINGS = [
    ("man", "a tall man wearing a red woollen hat, a blue denim jacket and brown leather boots"),
    ("woman", "a young woman in a long yellow summer dress holding a bright green umbrella"),
    ("dog", "a small white dog with black spots and a red collar"),
    ("bench", "an old wooden bench painted dark green with curly iron armrests"),
    ("child", "a child in a striped orange raincoat and purple rubber boots"),
    ("bicycle", "a red bicycle with a wicker basket full of fresh sunflowers"),
    ("cat", "a black cat with bright yellow eyes on a faded blue cushion"),
    ("vendor", "a street vendor in a white apron and a grey flat cap"),
]
BACKGROUND = "a park on a rainy autumn afternoon"
BOS, EOS, VOCAB = 49406, 49407, 49408
MODES = ("plain", "concat", "dense", "regional")


def words(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text.lower())


class WordTokens:
    """Word-level ids: BPE-like counts for plain English, distinct ids for distinct words."""

    def __init__(self, texts: list[str]):
        vocabulary = sorted({word for text in texts for word in words(text)})
        self.ids = {word: index + 1 for index, word in enumerate(vocabulary)}

    def padded(self, text: str) -> list[int]:
        ids = [self.ids[w] for w in words(text)][:75]
        return [BOS, *ids, EOS] + [EOS] * (75 - len(ids))

    def real(self, text: str) -> list[int]:
        return [BOS, *[self.ids[w] for w in words(text)], EOS]


def text_encoder() -> CLIPTextModel:
    config = CLIPTextConfig(vocab_size=VOCAB, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                            num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu",
                            bos_token_id=BOS, eos_token_id=EOS, pad_token_id=EOS, projection_dim=768)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        return CLIPTextModel(config).eval().requires_grad_(False)


def scene_of(size: int) -> Scene:
    columns, rows = 3, 3
    instances = [{"name": name, "caption": caption,
                  "box": [(i % columns) / columns, (i // columns) / rows,
                          (i % columns + 1) / columns, (i // columns + 1) / rows]}
                 for i, (name, caption) in enumerate(THINGS)]
    prompt = ", ".join(caption for _, caption in THINGS) + f", in {BACKGROUND}"
    return Scene(caption=prompt, background=BACKGROUND, width=size, height=size, instances=instances)


class Texts:
    """Every text of the scene encoded once: what each mode's keys are made of, and what carries what."""

    def __init__(self, scene: Scene, encoder: CLIPTextModel):
        self.base, _ = base_text(scene)
        captions = [instance.caption for instance in scene.instances]
        tokens = WordTokens([scene.caption, self.base, BACKGROUND, *captions])

        @torch.no_grad()
        def encode(ids: list[int]) -> torch.Tensor:
            return encoder(torch.tensor([ids]))[0]

        self.global_tokens = encode(tokens.padded(scene.caption))
        self.base_tokens = encode(tokens.padded(self.base))
        self.padded = [encode(tokens.padded(text)) for text in captions + [BACKGROUND]]
        self.real = [encode(tokens.real(text))[0, 1:] for text in captions + [BACKGROUND]]  # words + end token
        # Where each instance's words start in the (truncated) global caption: 1 + words before it.
        global_words = words(scene.caption)
        self.starts, position = [], 0
        for caption in captions:
            self.starts.append(1 + position if 1 + position < 76 else 77)
            position += len(words(caption)) + 1  # its words and the comma after them
        assert len(global_words) >= position - 1

    def foreign_global(self, owner: int) -> int:
        """First global-caption position that has read another instance's words."""
        return min(start for index, start in enumerate(self.starts) if index != owner)


def state_for(mode: str, scene: Scene, texts: Texts, latent: int) -> FusionState | None:
    regions = RegionMasks(scene, feather=1.0, pose_dilation=0.2)
    count = len(scene.instances)
    if mode == "plain":
        return None
    if mode == "regional":
        state = FusionState(regions, latent_hw=(latent, latent), negative_rows=1, mode="regional",
                            sets=[texts.base_tokens, *texts.padded], has_background=True, base_ratio=0.25)
    else:
        first = texts.global_tokens if mode == "concat" else texts.base_tokens
        groups = [(-1, 77)] + [(i, t.shape[0]) for i, t in enumerate(texts.real)]
        keys = torch.cat([first, torch.cat(texts.real)[None]], dim=1)
        state = FusionState(regions, groups, latent_hw=(latent, latent), negative_rows=1, mode=mode, keys=keys)
    state.cross_active = True
    assert count == len(texts.real) - 1
    return state


def _heads(tensor: torch.Tensor, heads: int) -> torch.Tensor:
    return tensor.reshape(tensor.shape[0], heads, -1).transpose(0, 1)  # (L, C) -> (h, L, d)


def key_weights(mode: str, attn, query: torch.Tensor, state, texts: Texts, timestep: int):
    """(weights (h, N, K), values (h, K, d), owner tag per key) of the conditional row's attention."""
    heads = attn.heads
    q = _heads(query, heads)
    if mode == "regional":
        tokens = query.shape[0]
        set_weights = state.set_weights(tokens)
        parts, values, tags = [], [], []
        for index, text in enumerate(state.sets):
            k, v = _heads(attn.to_k(text[0]), heads), _heads(attn.to_v(text[0]), heads)
            p = torch.softmax(q @ k.transpose(-1, -2) * attn.scale, dim=-1)
            parts.append(p * set_weights[:, index][None, :, None])
            values.append(v)
            owner = index - 1 if 1 <= index <= len(texts.real) - 1 else -1  # base and background: nobody's
            tags += [owner] * text.shape[1]
        return torch.cat(parts, dim=-1), torch.cat(values, dim=1), ("sets", tags)
    keys = texts.global_tokens[0] if mode in ("plain", "concat") else texts.base_tokens[0]
    tags = [("global", position) if mode != "dense" else -1 for position in range(77)]
    if mode != "plain":
        keys = torch.cat([keys, *texts.real])
        for index, text in enumerate(texts.real):
            tags += [index if index < len(texts.real) - 1 else -1] * text.shape[0]
    k, v = _heads(attn.to_k(keys), heads), _heads(attn.to_v(keys), heads)
    scores = q @ k.transpose(-1, -2) * attn.scale
    if mode == "concat":
        scores = scores + state.cross_bias(query.shape[0], "cpu", torch.float32)
    elif mode == "dense":
        inside = torch.ones(query.shape[0], keys.shape[0])
        scale = torch.zeros(keys.shape[0])
        masks = state.region_weights(query.shape[0])
        start = 77
        for index, text in enumerate(texts.real):
            inside[:, start:start + text.shape[0]] = masks[:, index:index + 1]
            scale[start:start + text.shape[0]] = 1.0 - masks[:, index].mean()
            start += text.shape[0]
        weight = (timestep / 1000) ** 5
        top, bottom = scores.amax(-1, keepdim=True), scores.amin(-1, keepdim=True)
        scores = scores + weight * scale * (inside * (top - scores) - (1 - inside) * (scores - bottom))
    return torch.softmax(scores, dim=-1), v, ("keys", tags)


def foreign_columns(tags, owner: int, texts: Texts) -> torch.Tensor:
    _, labels = tags
    columns = []
    for label in labels:
        if isinstance(label, tuple):  # a global-caption position
            columns.append(label[1] >= texts.foreign_global(owner))
        else:
            columns.append(label >= 0 and label != owner)
    return torch.tensor(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="canvas side in pixels (default 256)")
    parser.add_argument("--pairs", type=int, default=5, help="interleaved plain/fused step pairs per mode")
    parser.add_argument("--timestep", type=int, default=900, help="the step's timestep (dense decays with it)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    begin = time.perf_counter()
    unet, encoder = build_unet(), text_encoder()
    print(f"built the SD-1.5 UNet and CLIP text encoder (random weights) in {time.perf_counter() - begin:.1f} s",
          flush=True)
    scene = scene_of(args.size)
    texts = Texts(scene, encoder)
    latent = args.size // 8
    generator = torch.Generator().manual_seed(0)
    latents = torch.randn(2, 4, latent, latent, generator=generator)
    negative = torch.randn(1, 77, 768, generator=generator)
    context = torch.cat([negative, texts.global_tokens])
    timestep = torch.tensor(args.timestep)
    print(f"{len(scene.instances)} instances; base: '{texts.base}'; global caption: {len(words(scene.caption))} "
          f"words (the first 75 are encoded)", flush=True)

    def step(state, record=None):
        def run():
            from diffusers.models.attention_processor import AttnProcessor2_0

            if state is None:
                unet.set_attn_processor(AttnProcessor2_0())
                kwargs = {}
            else:
                install(unet)
                kwargs = {"cross_attention_kwargs": {"fusion": state}}
            hooks = []
            if record is not None:
                hooks = [m.register_forward_hook(lambda mod, a, kw, out: record.append((mod, a[0][1], out[1])),
                                                 with_kwargs=True)
                         for m in unet.modules() if getattr(m, "is_cross_attention", False)]
            with torch.no_grad():
                unet(latents, timestep, encoder_hidden_states=context, return_dict=False, **kwargs)
            for hook in hooks:
                hook.remove()
        return run

    shares, ratios = {}, {}
    for mode in MODES:
        state = state_for(mode, scene, texts, latent)
        if mode == "dense":  # its default decay, (t/1000)^5, as the renderer sets it at this timestep
            state.weight = (args.timestep / 1000) ** 5
        calls: list = []
        step(state, calls)()
        total, foreign, worst = 0.0, 0.0, 0.0
        per_layer, errors = [], []
        with torch.no_grad():
            for attn, hidden, output in calls:
                tokens = hidden.shape[0]
                h, w = layer_size(tokens, (latent, latent))
                masks = torch.from_numpy(RegionMasks(scene, feather=1.0, pose_dilation=0.2).at(h, w)).reshape(
                    len(scene.instances), -1)
                weights, values, tags = key_weights(mode, attn, attn.to_q(hidden), state, texts, args.timestep)
                mixed = (weights @ values).transpose(0, 1).reshape(tokens, -1)
                errors.append((attn.to_out[0](mixed) - output).abs().max().item())
                layer_total, layer_foreign = 0.0, 0.0
                for owner in range(len(scene.instances)):
                    owned = (masks[owner] >= 0.5) & (masks[owner] >= masks.max(dim=0).values)
                    if not owned.any():
                        continue
                    columns = foreign_columns(tags, owner, texts)
                    mass = weights[:, owned][:, :, columns].sum(-1).mean(0)  # per token, mean over heads
                    layer_total += float(owned.sum())
                    layer_foreign += float(mass.sum())
                if layer_total:
                    per_layer.append(layer_foreign / layer_total)
                    total += layer_total
                    foreign += layer_foreign
                    worst = max(worst, per_layer[-1])
        shares[mode] = foreign / total
        if state is not None:
            ratio_list, _, _ = paired(step(None), step(state), args.pairs)
            ratios[mode] = statistics.median(ratio_list)
        print(f"{mode:>8}: foreign share {shares[mode]:.4f} (layers {min(per_layer):.4f}-{worst:.4f}); "
              f"reconstruction error {max(errors):.1e}; step cost "
              + (f"{ratios[mode]:.3f} x plain" if mode in ratios else "1 (the reference)"), flush=True)
    print(f"foreign share at 8 instances (regional): {shares['regional']:.4f}")


if __name__ == "__main__":
    main()
