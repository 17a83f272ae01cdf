"""IP-Adapter weights and image tokens, through diffusers' own loader and image projection.

`load_ip_adapter` is a pipeline method, so a pipeline is assembled around the renderer's own
modules (nothing is copied). It installs diffusers' IP processors and `unet.encoder_hid_proj`;
we take from it the per-layer `to_k_ip` / `to_v_ip` projections (`layers`), the image encoder and
the image projection, then give the UNet its plain configuration back, so that a scene without
references runs exactly as before. Routing the image tokens to regions is the renderer's own
(renderers/regional/identity.py).

Sources (`ip_adapter` option): `auto` (h94/IP-Adapter's plus adapter of the model's family, or
the tiny adapter for the tiny models), a hub id, a local folder holding one adapter file and an
`image_encoder/` folder, or a single adapter file with `image_encoder/` beside it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenes.errors import InvalidInput, RendererUnavailable
from scenes.manifest import ModelRef

from .sources import offline

HUB_ADAPTER = "h94/IP-Adapter"
# (subfolder, plus adapter for subjects, plus-face adapter for faces, image encoder folder) per
# family: the SDXL files use the ViT-H encoder of the SD-1.5 folder (its own folder holds bigG).
HUB_FILES = {
    "sd15": ("models", "ip-adapter-plus_sd15.safetensors", "ip-adapter-plus-face_sd15.safetensors",
             "image_encoder"),
    "sdxl": ("sdxl_models", "ip-adapter-plus_sdxl_vit-h.safetensors", "ip-adapter-plus-face_sdxl_vit-h.safetensors",
             "models/image_encoder"),
}
ADAPTER_SUFFIXES = (".safetensors", ".bin")
TINY = "tiny"


@dataclass(frozen=True)
class AdapterSource:
    kind: str  # tiny, hub, folder, file
    spec: str
    location: Any = None  # what load_ip_adapter reads: a repo id, a folder, or the tiny state dict
    subfolder: str | None = None
    weight_name: str | None = None
    encoder_folder: str | None = "image_encoder"
    face_weight_name: str | None = None  # a face adapter of its own (hub, tiny); else faces use weight_name

    def record(self) -> dict:
        return {"id": self.spec, "kind": self.kind, "weight_name": self.weight_name,
                "face_weight_name": self.face_weight_name or self.weight_name}

    def weight_for(self, identity: str) -> str | None:
        return self.face_weight_name if identity == "face" and self.face_weight_name else self.weight_name


def resolve(spec: str, family: str, *, model_is_tiny: bool, allow_pickle: bool) -> AdapterSource:
    """Where the adapter comes from; cheap (no weights read) and refused early when it cannot fit."""
    if spec == "auto":
        spec = TINY if model_is_tiny else HUB_ADAPTER
    if spec == TINY:
        if not model_is_tiny:
            raise InvalidInput("the tiny IP-Adapter only fits the tiny models",
                               hint="Leave the ip_adapter option at 'auto', or use --model tiny.")
        return AdapterSource(TINY, TINY, weight_name="tiny-subject", face_weight_name="tiny-face")
    path = Path(spec).expanduser()
    if path.is_file():
        _refuse_pickle(path, allow_pickle)
        if not (path.parent / "image_encoder").is_dir():
            raise RendererUnavailable(f"IP-Adapter file {spec}: no image_encoder folder beside it",
                                      hint="Put the CLIP vision encoder (config.json + weights) in "
                                           f"{path.parent / 'image_encoder'}.")
        return AdapterSource("file", spec, str(path.parent), "", path.name, "image_encoder")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in ADAPTER_SUFFIXES)
        if len(files) != 1 or not (path / "image_encoder").is_dir():
            raise RendererUnavailable(f"IP-Adapter folder {spec} needs exactly one adapter file "
                                      "(.safetensors) and an image_encoder folder",
                                      hint="Or name the adapter file itself with -O ip_adapter=FILE.")
        _refuse_pickle(files[0], allow_pickle)
        return AdapterSource("folder", spec, str(path), "", files[0].name, "image_encoder")
    if spec.count("/") == 1 and not spec.startswith((".", "/")):
        subfolder, weight, face, encoder = HUB_FILES[family]
        return AdapterSource("hub", spec, spec, subfolder, weight, encoder, face)
    raise InvalidInput(f"IP-Adapter '{spec}' is neither a file, a folder nor a hub id",
                       hint="Use -O ip_adapter=auto, a hub id like h94/IP-Adapter, a folder or a file.")


def download_hint(source: AdapterSource) -> str:
    encoder = source.encoder_folder if "/" in (source.encoder_folder or "") else f"{source.subfolder}/{source.encoder_folder}"
    weights = " ".join(f"{source.subfolder}/{name}" for name in dict.fromkeys([source.weight_name,
                                                                              source.face_weight_name]) if name)
    return f"Download it: hf download {source.spec} {weights} {encoder}/config.json {encoder}/model.safetensors"


def _refuse_pickle(path: Path, allow_pickle: bool) -> None:
    if path.suffix == ".bin" and not allow_pickle:
        raise InvalidInput(f"IP-Adapter {path} is a pickle checkpoint (.bin)",
                           hint="Use its .safetensors copy, or pass --allow-pickle if you trust the file.")


class LoadedAdapter:
    """The pieces the renderer needs: per-layer key/value projections, encoder, projection."""

    def __init__(self, source: AdapterSource, pipe, weights: list[str], layers: dict[str, list[tuple[Any, Any]]],
                 projections: list):
        self.source, self.pipe, self.weights, self.layers, self.projections = source, pipe, weights, layers, projections

    def covers(self, identities: set[str]) -> bool:
        return {self.source.weight_for(kind) for kind in identities} <= set(self.weights)

    def index(self, identity: str) -> int:
        """Which loaded adapter serves this kind of identity."""
        return self.weights.index(self.source.weight_for(identity))

    def tokens(self, images: list, identity: str, device, dtype):
        """(positive, negative) image tokens of one identity, each (1, T, D): the references' encoder
        outputs averaged (several pictures of one identity make one, not a stronger one), projected.
        The negative is what diffusers uses for guidance: zeros, or the encoding of a black image."""
        import torch
        from diffusers.models.embeddings import ImageProjection

        projection = self.projections[self.index(identity)]
        hidden_states = not isinstance(projection, ImageProjection)
        embeds, negative = self.pipe.encode_image(images, device, 1, hidden_states)
        embeds, negative = embeds.mean(dim=0, keepdim=True), negative[:1]
        with torch.no_grad():
            return projection(embeds.to(dtype)), projection(negative.to(dtype))

    def refs(self) -> list[ModelRef]:
        import hashlib

        from .sources import cached_file

        revision = None
        if self.source.kind in ("file", "folder"):
            data = (Path(self.source.location) / self.source.weight_name).read_bytes()
            revision = "sha256:" + hashlib.sha256(data).hexdigest()
        elif self.source.kind == "hub":
            path = cached_file(self.source.spec, f"{self.source.subfolder}/{self.source.weight_name}")
            # the snapshot folder's name is the commit: .../snapshots/<commit>/models/<file>
            parts = path.parts if path is not None else ()
            revision = parts[parts.index("snapshots") + 1] if "snapshots" in parts else None
        return [ModelRef(role="ip_adapter", id=self.source.spec, revision=revision)]


def load(source: AdapterSource, components, identities: set[str], *, device, dtype) -> LoadedAdapter:
    """Load the adapters these kinds of identity need in one `load_ip_adapter` call (a second call
    would replace the first), keep what routing needs, restore the plain UNet."""
    from diffusers.models.attention_processor import IPAdapterAttnProcessor2_0

    unet = components.unet
    before = dict(unet.attn_processors)
    weights = list(dict.fromkeys(source.weight_for(kind) for kind in sorted(identities, reverse=True)))
    pipe = _pipeline(components, image_encoder=tiny_image_encoder() if source.kind == TINY else None)
    if source.kind == TINY:
        locations = [tiny_state_dict(unet, seed=TINY_SEEDS[name]) for name in weights]
        subfolders, names = [None] * len(weights), [None] * len(weights)
    else:
        locations, subfolders, names = [source.location] * len(weights), [source.subfolder] * len(weights), weights
    pipe.load_ip_adapter(locations, subfolder=subfolders, weight_name=names,
                         image_encoder_folder=None if source.kind == TINY else source.encoder_folder,
                         # offline() at call time, as the model loaders do: diffusers reads HF_HUB_OFFLINE
                         # once, at import, and without this a process that set it later would still try
                         # the network (and retry with backoff) before reporting a missing adapter.
                         local_files_only=True if source.kind != "hub" or offline() else None)
    layers = {name: [(k.to(device, dtype), v.to(device, dtype)) for k, v in zip(proc.to_k_ip, proc.to_v_ip,
                                                                                strict=True)]
              for name, proc in unet.attn_processors.items() if isinstance(proc, IPAdapterAttnProcessor2_0)}
    projections = [layer.to(device, dtype).eval() for layer in unet.encoder_hid_proj.image_projection_layers]
    pipe.image_encoder.to(device, dtype).eval().requires_grad_(False)
    # The UNet's own configuration back: image tokens reach attention through our processors only.
    unet.encoder_hid_proj = None
    unet.config.encoder_hid_dim_type = None
    unet.set_attn_processor(before)
    return LoadedAdapter(source, pipe, weights, layers, projections)


def _pipeline(components, image_encoder=None):
    """A diffusers pipeline around the renderer's own modules, for its `load_ip_adapter` and `encode_image`."""
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline
    from diffusers.schedulers import DDIMScheduler

    common = dict(vae=components.vae, unet=components.unet, scheduler=DDIMScheduler(clip_sample=False, steps_offset=1),
                  image_encoder=image_encoder, feature_extractor=tiny_feature_extractor() if image_encoder else None)
    if components.family == "sdxl":
        return StableDiffusionXLPipeline(text_encoder=components.text_encoders[0],
                                         text_encoder_2=components.text_encoders[1],
                                         tokenizer=components.tokenizers[0], tokenizer_2=components.tokenizers[1],
                                         **common)
    return StableDiffusionPipeline(text_encoder=components.text_encoders[0], tokenizer=components.tokenizers[0],
                                   safety_checker=None, requires_safety_checker=False, **common)


# -- the tiny adapter: a random CLIP vision encoder and adapter, built here from a fixed seed ------

TINY_IMAGE_SIZE = 32
TINY_TOKENS = 4
TINY_SEEDS = {"tiny-subject": 2, "tiny-face": 5}  # two different tiny adapters, as plus and plus-face are


@functools.cache
def _tiny_encoder_config():
    from transformers import CLIPVisionConfig

    return CLIPVisionConfig(hidden_size=16, projection_dim=8, num_hidden_layers=2, num_attention_heads=2,
                            image_size=TINY_IMAGE_SIZE, intermediate_size=16, patch_size=8)


def tiny_image_encoder():
    import torch
    from transformers import CLIPVisionModelWithProjection

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        return CLIPVisionModelWithProjection(_tiny_encoder_config()).eval()


def tiny_feature_extractor():
    from transformers import CLIPImageProcessor

    return CLIPImageProcessor(size=TINY_IMAGE_SIZE, crop_size=TINY_IMAGE_SIZE)


def tiny_state_dict(unet, seed: int = TINY_SEEDS["tiny-subject"]) -> dict:
    """The tiny adapter in the original checkpoint layout load_ip_adapter reads: `image_proj` (an
    ImageProjection: 4 tokens from the encoder's 8-wide image embedding) and `ip_adapter`
    ("{k}.to_k_ip.weight" / "{k}.to_v_ip.weight", k = 1, 3, 5, … over the cross-attention layers)."""
    import torch
    from diffusers.models.embeddings import ImageProjection

    generator = torch.Generator().manual_seed(seed)
    cross = unet.config.cross_attention_dim
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 1)
        projection = ImageProjection(cross_attention_dim=cross, image_embed_dim=_tiny_encoder_config().projection_dim,
                                     num_image_text_embeds=TINY_TOKENS).state_dict()
    layers, key = {}, 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        width = unet.get_submodule(name.removesuffix(".processor")).to_q.out_features
        for part in ("to_k_ip", "to_v_ip"):
            layers[f"{key}.{part}.weight"] = torch.randn(width, cross, generator=generator) * 0.5
        key += 2
    return {"image_proj": {"proj.weight": projection["image_embeds.weight"],
                           "proj.bias": projection["image_embeds.bias"],
                           "norm.weight": projection["norm.weight"], "norm.bias": projection["norm.bias"]},
            "ip_adapter": layers}


def save_tiny(unet, folder: Path, *, single_file: str = "ip-adapter_tiny.safetensors",
              seed: int = TINY_SEEDS["tiny-subject"]) -> Path:
    """The tiny adapter as files (flat `image_proj.*` / `ip_adapter.*` keys + an image_encoder folder),
    as a published adapter is laid out; returns the adapter file."""
    from safetensors.torch import save_file

    state = tiny_state_dict(unet, seed)
    folder.mkdir(parents=True, exist_ok=True)
    flat = {f"{group}.{key}": value.contiguous() for group, values in state.items() for key, value in values.items()}
    save_file(flat, folder / single_file)
    tiny_image_encoder().save_pretrained(folder / "image_encoder")
    return folder / single_file
