"""Checkpoint key names: the published LDM/CompVis names -> ours (diffusers + our IDE), strictly.

The published `model.pth` holds three state dicts (spec §1.1): 'model' (UNet + fusers +
position_net + IDE, LDM names without the `model.diffusion_model.` prefix), 'autoencoder' (LDM
AutoencoderKL names) and 'diffusion' (schedule buffers). The UNet table follows spec §1.3.1; the
autoencoder table is the standard LDM -> diffusers AutoencoderKL correspondence. Each table is a
list of (LDM prefix, our prefix, renames of the remainder); a key converts only through exactly
one entry, and every conversion is checked against the shapes of the modules it must load into:
no key left over, none missing, every shape equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import torch

from .config import DeigConfig
from .model import EXTRACTOR, UNET

RESNET_RENAMES = {
    "in_layers.0": "norm1",
    "in_layers.2": "conv1",
    "emb_layers.1": "time_emb_proj",
    "out_layers.0": "norm2",
    "out_layers.3": "conv2",
    "skip_connection": "conv_shortcut",
}
VAE_RESNET_RENAMES = {"nin_shortcut": "conv_shortcut"}
VAE_ATTENTION_RENAMES = {"norm": "group_norm", "q": "to_q", "k": "to_k", "v": "to_v", "proj_out": "to_out.0"}
# 1x1 convolutions in LDM's autoencoder attention, linear layers in diffusers'.
VAE_CONV_AS_LINEAR = ("to_q.weight", "to_k.weight", "to_v.weight", "to_out.0.weight")


@dataclass(frozen=True)
class Rule:
    ldm: str
    ours: str
    component: str
    renames: Mapping[str, str] = field(default_factory=dict)

    def forward(self, rest: str) -> str:
        return _rename(rest, self.renames)

    def backward(self, rest: str) -> str:
        return _rename(rest, {v: k for k, v in self.renames.items()})


def _rename(rest: str, renames: Mapping[str, str]) -> str:
    for old, new in renames.items():
        if rest == old or rest.startswith(old + "."):
            return new + rest[len(old):]
    return rest


class CheckpointMismatch(ValueError):
    """The checkpoint does not fit the architecture; carries every problem found."""

    def __init__(self, what: str, problems: list[str]):
        self.what = what
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"{what}: {shown}")


class KeyMap:
    def __init__(self, rules: Iterable[Rule]):
        self.rules = list(rules)
        self._by_ldm = {rule.ldm: rule for rule in self.rules}
        self._by_ours = {(rule.component, rule.ours): rule for rule in self.rules}
        if len(self._by_ldm) != len(self.rules) or len(self._by_ours) != len(self.rules):
            raise AssertionError("key rules must be one-to-one")

    @staticmethod
    def _match(name: str, table: Mapping[str, Rule]) -> tuple[Rule, str] | None:
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):  # longest prefix first
            rule = table.get(".".join(parts[:cut]))
            if rule is not None:
                return rule, ".".join(parts[cut:])
        return None

    def to_ours(self, ldm_key: str) -> tuple[str, str] | None:
        """LDM key -> (component, our name), or None when no rule covers it."""
        found = self._match(ldm_key, self._by_ldm)
        if found is None:
            return None
        rule, rest = found
        return rule.component, _join(rule.ours, rule.forward(rest))

    def to_ldm(self, component: str, name: str) -> str | None:
        table = {ours: rule for (comp, ours), rule in self._by_ours.items() if comp == component}
        found = self._match(name, table) if "" not in table else (table[""], name)
        if found is None:
            return None
        rule, rest = found
        return _join(rule.ldm, rule.backward(rest))


def _join(prefix: str, rest: str) -> str:
    return f"{prefix}.{rest}" if prefix else rest


def unet_rules(config: DeigConfig) -> list[Rule]:
    """Spec §1.3.1 generalised over the number of levels and res-blocks per level."""
    levels, per_level = config.unet_levels, config.unet.layers_per_block
    rules = [
        Rule("time_embed.0", "time_embedding.linear_1", UNET),
        Rule("time_embed.2", "time_embedding.linear_2", UNET),
        Rule("input_blocks.0.0", "conv_in", UNET),
        Rule("middle_block.0", "mid_block.resnets.0", UNET, RESNET_RENAMES),
        Rule("middle_block.1", "mid_block.attentions.0", UNET),
        Rule("middle_block.2", "mid_block.resnets.1", UNET, RESNET_RENAMES),
        Rule("out.0", "conv_norm_out", UNET),
        Rule("out.2", "conv_out", UNET),
        Rule("position_net", "position_net", UNET),
        Rule("IDE", "", EXTRACTOR),
    ]
    index = 1
    for level in range(levels):
        attention = level < levels - 1  # the deepest level has none
        for layer in range(per_level):
            rules.append(Rule(f"input_blocks.{index}.0", f"down_blocks.{level}.resnets.{layer}", UNET, RESNET_RENAMES))
            if attention:
                rules.append(Rule(f"input_blocks.{index}.1", f"down_blocks.{level}.attentions.{layer}", UNET))
            index += 1
        if level < levels - 1:
            rules.append(Rule(f"input_blocks.{index}.0.op", f"down_blocks.{level}.downsamplers.0.conv", UNET))
            index += 1
    index = 0
    for block in range(levels):
        attention = block > 0  # up_blocks.0 is the deepest level
        for layer in range(per_level + 1):
            rules.append(Rule(f"output_blocks.{index}.0", f"up_blocks.{block}.resnets.{layer}", UNET, RESNET_RENAMES))
            if attention:
                rules.append(Rule(f"output_blocks.{index}.1", f"up_blocks.{block}.attentions.{layer}", UNET))
            if layer == per_level and block < levels - 1:
                slot = 2 if attention else 1
                rules.append(Rule(f"output_blocks.{index}.{slot}.conv", f"up_blocks.{block}.upsamplers.0.conv", UNET))
            index += 1
    return rules


def vae_rules(config: DeigConfig) -> list[Rule]:
    levels, per_level = len(config.vae.block_out_channels), config.vae.layers_per_block
    rules = [Rule(name, name, "vae") for name in ("quant_conv", "post_quant_conv", "encoder.conv_in",
                                                  "encoder.conv_out", "decoder.conv_in", "decoder.conv_out")]
    for part in ("encoder", "decoder"):
        rules += [
            Rule(f"{part}.norm_out", f"{part}.conv_norm_out", "vae"),
            Rule(f"{part}.mid.block_1", f"{part}.mid_block.resnets.0", "vae", VAE_RESNET_RENAMES),
            Rule(f"{part}.mid.block_2", f"{part}.mid_block.resnets.1", "vae", VAE_RESNET_RENAMES),
            Rule(f"{part}.mid.attn_1", f"{part}.mid_block.attentions.0", "vae", VAE_ATTENTION_RENAMES),
        ]
    for level in range(levels):
        for block in range(per_level):
            rules.append(Rule(f"encoder.down.{level}.block.{block}", f"encoder.down_blocks.{level}.resnets.{block}",
                              "vae", VAE_RESNET_RENAMES))
        if level < levels - 1:
            rules.append(Rule(f"encoder.down.{level}.downsample.conv", f"encoder.down_blocks.{level}.downsamplers.0.conv",
                              "vae"))
        # LDM numbers decoder levels from the bottom (finest = 0), diffusers from the top.
        up = levels - 1 - level
        for block in range(per_level + 1):
            rules.append(Rule(f"decoder.up.{level}.block.{block}", f"decoder.up_blocks.{up}.resnets.{block}",
                              "vae", VAE_RESNET_RENAMES))
        if level > 0:
            rules.append(Rule(f"decoder.up.{level}.upsample.conv", f"decoder.up_blocks.{up}.upsamplers.0.conv", "vae"))
    return rules


def convert_state(ldm: Mapping[str, torch.Tensor], keymap: KeyMap,
                  expected: Mapping[tuple[str, str], tuple[int, ...]], what: str) -> dict[str, dict[str, torch.Tensor]]:
    """Rename every tensor, strictly: raises CheckpointMismatch listing every unknown, missing or
    misshapen key. Returns {component: {our name: tensor}}."""
    out: dict[str, dict[str, torch.Tensor]] = {}
    problems: list[str] = []
    seen = set()
    for key in sorted(ldm):
        tensor = ldm[key]
        target = keymap.to_ours(key)
        if target is None or target not in expected:
            problems.append(f"unexpected key '{key}'")
            continue
        seen.add(target)
        component, name = target
        shape = expected[target]
        if tensor.ndim == 4 and len(shape) == 2 and name.endswith(VAE_CONV_AS_LINEAR) and tensor.shape[2:] == (1, 1):
            tensor = tensor[:, :, 0, 0]
        if tuple(tensor.shape) != shape:
            problems.append(f"'{key}' has shape {list(tensor.shape)}, expected {list(shape)}")
            continue
        if name in out.setdefault(component, {}):
            problems.append(f"'{key}' maps onto '{name}' twice")
        out[component][name] = tensor
    missing = [f"missing key '{keymap.to_ldm(component, name) or name}'" for component, name in sorted(expected)
               if (component, name) not in seen]
    problems.extend(missing)
    if problems:
        raise CheckpointMismatch(what, problems)
    return out


def to_ldm_state(ours: Mapping[tuple[str, str], torch.Tensor], keymap: KeyMap) -> dict[str, torch.Tensor]:
    """The inverse renaming (used to write checkpoints in the published layout, e.g. in tests)."""
    out = {}
    for (component, name), tensor in ours.items():
        key = keymap.to_ldm(component, name)
        if key is None:
            raise KeyError(f"no LDM name for {component}:{name}")
        if component == "vae" and name.endswith(VAE_CONV_AS_LINEAR) and tensor.ndim == 2:
            tensor = tensor[:, :, None, None]
        out[key] = tensor
    return out
