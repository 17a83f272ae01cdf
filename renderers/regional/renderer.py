"""The regional renderer: detail fusion on any SD-1.5 / SDXL checkpoint, poses in the same pass.

Training-free version of DEIG's two ideas. Instance detail extraction: every instance caption is
encoded on its own by the model's own text encoder(s) (`prompts.py`). Detail fusion, in one of
three modes (`options.py`, `modes.py`): by default each region attends to its own caption,
blended with a base caption that names the things without their details (`processors.py`,
masks in `regions.py`). Posed instances are drawn into one OpenPose image that
guides the same single pass through ControlNet, whose cross-attention is regional too (which is
why this renderer runs its own denoising loop: diffusers' ControlNet pipelines do not pass
`cross_attention_kwargs` to the ControlNet).
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from renderers.base import ProgressCallback, RenderedImage, Renderer
from renderers.diffusion.runtime import DiffusionRenderer
from scenes.errors import InvalidInput, RendererUnavailable
from scenes.manifest import RendererRecord
from scenes.model import Scene

from .options import RegionalOptions, unknown_blocks

MASK_CACHE_SIZE = 8


class RegionalRenderer(DiffusionRenderer):
    name: ClassVar[str] = "regional"
    description: ClassVar[str] = ("Detail fusion on any Stable Diffusion 1.5 / SDXL checkpoint or FLUX.1: per-instance "
                                  "captions in region-masked (cross- or joint-) attention, poses through a ControlNet, "
                                  "one pass.")
    supports_flux: ClassVar[bool] = True
    supports_references: ClassVar[bool] = True  # SD-1.5 / SDXL through IP-Adapter (identity.py); not FLUX yet
    supports_concepts: ClassVar[bool] = True
    Options: ClassVar[type[RegionalOptions]] = RegionalOptions
    options: RegionalOptions

    def __init__(self, options: RegionalOptions | None = None):
        super().__init__(options)
        self._region_cache: dict[tuple, object] = {}
        self._fusion_record: dict | None = None
        self._flux = None
        self._adapter = None  # the IP-Adapter, loaded with the first scene that has references
        self._identity_record: dict | None = None
        self._concept_loader = None
        self._concept_records: list[dict] | None = None

    @property
    def flux(self):
        """The FLUX.1 side of this renderer when --model is a FLUX.1, else None (see renderers/flux)."""
        from renderers.flux.sources import is_flux

        if self._flux is None and is_flux(self.options.model):
            from renderers.flux.engine import FluxEngine

            self._flux = FluxEngine(self.options)
        return self._flux

    # -- cheap -----------------------------------------------------------------------------

    def check_environment(self) -> None:
        if self.flux is not None:
            return self.flux.check_environment()
        from renderers.flux.engine import refuse_flux_options

        refuse_flux_options(self.options)
        return super().check_environment()

    def model_family(self) -> str:
        return "flux" if self.flux is not None else super().model_family()

    def check(self, scene: Scene) -> list[str]:
        if self.flux is not None:
            if any(instance.reference is not None for instance in scene.instances):
                raise InvalidInput("identity references are not routed on FLUX.1 yet",
                                   hint="Render scenes with references on an SD-1.5 or SDXL model.")
            with_concept = next((i for i, instance in enumerate(scene.instances) if instance.concept), None)
            if with_concept is not None:
                raise InvalidInput(f"instances[{with_concept}].concept: concepts on FLUX models are not supported yet",
                                   hint="Use an SD-1.5 or SDXL model for scenes with concepts.")
            return [*Renderer.check(self, scene), *self.flux.check(scene)]
        warnings = super().check(scene)
        warnings += self._scene_concepts(scene)[1]
        self.check_layers()
        if any(instance.pose is not None for instance in scene.instances):
            if self.options.controlnet == "none":
                warnings.append("poses shape the instance regions only: the controlnet option is 'none'")
            else:
                self.check_controlnet()
        if any(instance.reference is not None for instance in scene.instances):
            self.adapter_source()
        return warnings

    def adapter_source(self):
        """Where the IP-Adapter comes from (cheap: no weights read)."""
        from renderers.diffusion import ip_adapter
        from renderers.diffusion.sources import parse_source

        return ip_adapter.resolve(self.options.ip_adapter, self.model_family(),
                                  model_is_tiny=parse_source(self.options.model).kind == "tiny",
                                  allow_pickle=self.options.allow_pickle)

    def weight_needs(self, scenes) -> list:
        # The IP-Adapter is not among them: `deig download` does not fetch adapters (its error names the files).
        return self.flux.weight_needs(scenes) if self.flux is not None else super().weight_needs(scenes)

    def _scene_concepts(self, scene: Scene):
        """The scene's concept files, recognised and checked against the model (no weights read)."""
        from renderers.diffusion.sources import parse_source

        from .concepts import scene_concepts

        if not any(instance.concept for instance in scene.instances):
            return [], []
        source = parse_source(self.options.model)
        model = source.spec if source.kind == "tiny" else self.model_family()
        return scene_concepts(scene, model, allow_pickle=self.options.allow_pickle)

    def check_layers(self) -> None:
        """Every block named in fusion_layers holds cross-attention in this model (no weights read)."""
        from renderers.diffusion.sources import parse_source

        family = "tiny" if parse_source(self.options.model).kind == "tiny" else self.model_family()
        unknown = unknown_blocks(self.options.layers, family)
        if unknown:
            from .options import CROSS_ATTENTION_BLOCKS

            raise InvalidInput(f"option 'fusion_layers': block '{unknown[0]}' has no cross-attention in this "
                               f"model", hint="Blocks with cross-attention here: "
                               f"{', '.join(CROSS_ATTENTION_BLOCKS[family])} (or all, down, mid, up).")

    # -- expensive -------------------------------------------------------------------------

    def load(self) -> None:
        if self.loaded:
            return
        if self.flux is not None:
            self.flux.load()
            self.loaded = True
            return
        super().load()
        from .processors import install

        install(self.components.unet)

    def controlnet(self, spec: str):
        from .processors import install

        fresh = spec not in self._controlnets
        controlnet = super().controlnet(spec)
        if fresh:
            install(controlnet)
        return controlnet

    def render(self, scene: Scene, seeds: list[int], progress: ProgressCallback | None = None) -> list[RenderedImage]:
        if self.flux is not None:
            return self.flux.render(scene, seeds, progress)
        import torch

        from renderers.diffusion.control import control_tensor, pose_control_image
        from renderers.diffusion.decoding import decode, use_tiling
        from renderers.diffusion.latents import generators, initial_latents, step_kwargs

        from .processors import FusionState
        from .prompts import encode_scene

        options = self.options
        # 1. Check inputs
        self.check(scene)
        self.load()
        components, device = self.components, self.execution_device
        unet = components.unet
        factor = components.vae_scale_factor
        latent_hw = (scene.height // factor, scene.width // factor)
        guided = options.guidance > 1.0
        mode = options.fusion
        off = mode != "regional" and options.fusion_strength == 0
        fusion_steps = 0 if off else options.fused_steps()
        self_steps = round(options.self_attention_steps * options.steps) if scene.instances else 0
        batches = [seeds[start : start + options.batch_size] for start in range(0, len(seeds), options.batch_size)]
        total, done = len(batches) * options.steps, 0

        with torch.no_grad():
            # 2. Encode prompts: global caption and negative prompt padded as usual; every instance
            #    caption (and the background) on its own, real tokens only; learned concept vectors
            #    only in their own instance's caption.
            concepts = self._prepare_concepts(scene)
            prompt = encode_scene(components, scene, device, self.dtype, mode=mode, caption_ids=concepts.caption_ids)
            self._fusion_record = self._describe_fusion(prompt, fusion_steps)
            self._concept_records = concepts.records
            num_train = components.scheduler_config.get("num_train_timesteps", 1000)

            # 3. Build region masks (cached per layout; per layer resolution inside), the LoRA
            #    routing (each LoRA inside its instance's region) and the pose control.
            regions = self._regions(scene)
            routing = self._routing(concepts, regions, latent_hw)
            control_image = pose_control_image(scene) if options.controlnet != "none" else None
            controlnet = self.controlnet(self.controlnet_spec()) if control_image is not None else None

            identities = self._identities(scene)

            images: list[RenderedImage] = []
            for batch_seeds in batches:
                batch = len(batch_seeds)
                rows = 2 * batch if guided else batch

                # 4. Prepare timesteps and latents: one CPU generator per image.
                scheduler = self.new_scheduler()
                scheduler.set_timesteps(options.steps, device=device)
                gens = generators(batch_seeds)
                latents = initial_latents(gens, channels=unet.config.in_channels, height=latent_hw[0],
                                          width=latent_hw[1], scheduler=scheduler, device=device, dtype=self.dtype)
                extra_step = step_kwargs(scheduler, gens)
                fusion = FusionState(
                    regions, prompt.groups, latent_hw=latent_hw, strength=options.fusion_strength,
                    negative_rows=batch if guided else 0, negative_length=prompt.negative_tokens.shape[1],
                    mode=mode, keys=prompt.concatenated(base=mode == "dense") if mode != "regional" else None,
                    sets=prompt.sets, has_background=prompt.has_background, base_ratio=options.base_ratio,
                    layers=options.layers, self_penalty=options.self_attention_penalty, routing=routing,
                    concept_columns={index: column for column, index in enumerate(concepts.lora_instances)})
                if identities:
                    from .identity import IdentityState, RoutedIdentity, batch_tokens

                    fusion.identity = IdentityState(
                        [RoutedIdentity(index, batch_tokens(positive, negative, batch, guided), scale, area, adapter)
                         for index, positive, negative, scale, area, adapter in identities], latent_hw)
                context = prompt.context(batch, guided=guided)
                added = self._added_conditions(prompt, scene, batch, guided, base=mode != "concat")
                control = None
                if controlnet is not None:
                    control = control_tensor(control_image, batch=rows, device=device, dtype=self.dtype)

                # 5. Denoise: regional attention in the UNet and in the ControlNet, then guidance;
                #    each LoRA on the UNet's layers, inside its region.
                with self._loras(concepts, routing):
                    for index, timestep in enumerate(scheduler.timesteps):
                        fusion.cross_active = index < fusion_steps and prompt.has_regions
                        fusion.self_active = index < self_steps
                        fusion.weight = (float(timestep) / num_train) ** options.fusion_decay if options.fusion_decay else 1.0
                        model_input = torch.cat([latents] * 2) if guided else latents
                        model_input = scheduler.scale_model_input(model_input, timestep)
                        residuals = {}
                        if controlnet is not None:
                            down, mid = controlnet(model_input, timestep, encoder_hidden_states=context,
                                                   controlnet_cond=control, conditioning_scale=options.control_scale,
                                                   added_cond_kwargs=added, cross_attention_kwargs={"fusion": fusion},
                                                   return_dict=False)
                            residuals = {"down_block_additional_residuals": down, "mid_block_additional_residual": mid}
                        noise = unet(model_input, timestep, encoder_hidden_states=context, added_cond_kwargs=added,
                                     cross_attention_kwargs={"fusion": fusion}, return_dict=False, **residuals)[0]
                        if guided:
                            negative, positive = noise.chunk(2)
                            noise = negative + options.guidance * (positive - negative)
                        latents = scheduler.step(noise, timestep, latents, **extra_step, return_dict=False)[0]
                        done += 1
                        if progress is not None:
                            progress(done, total)

                # 6. Decode
                self.placement.before_decode()
                tiled = use_tiling(options.vae_tiling, scene.width, scene.height, components.native_side)
                for seed, image in zip(batch_seeds, decode(components.vae, latents, tiled=tiled), strict=True):
                    extras = {"control": control_image} if control_image is not None else {}
                    images.append(RenderedImage(image=image, seed=seed, extras=extras))
        return images

    def resolved_options(self):
        if self.flux is not None:
            return self.flux.resolved_options()
        from renderers.flux.options import FLUX_ONLY

        # FLUX-only options are left out, so a replay of this manifest does not set them.
        return {key: value for key, value in super().resolved_options().items() if key not in FLUX_ONLY}

    # -- helpers ---------------------------------------------------------------------------

    def _regions(self, scene: Scene):
        from .regions import RegionMasks, layout_key

        key = layout_key(scene, self.options.mask_feather, self.options.pose_mask_dilation)
        if key not in self._region_cache:
            if len(self._region_cache) >= MASK_CACHE_SIZE:
                self._region_cache.pop(next(iter(self._region_cache)))
            self._region_cache[key] = RegionMasks(scene, feather=self.options.mask_feather,
                                                  pose_dilation=self.options.pose_mask_dilation)
        return self._region_cache[key]

    def identity_adapter(self, identities: set[str] | frozenset[str] = frozenset({"subject"})):
        """The IP-Adapter(s) for these kinds of identity (through diffusers' load_ip_adapter), given to the
        UNet's processors; loaded again, with every kind seen so far, when a kind is new."""
        if self._adapter is None or not self._adapter.covers(set(identities)):
            if self._adapter is not None:
                identities = set(identities) | {kind for kind in ("subject", "face")
                                                if self._adapter.source.weight_for(kind) in self._adapter.weights}
            from renderers.diffusion import ip_adapter
            from renderers.diffusion.loading import announce, library_bars, load_errors

            from .processors import give_identity_layers

            source = self.adapter_source()
            if source.kind != "tiny":
                announce(f"the IP-Adapter {source.spec}")
            try:
                with load_errors("IP-Adapter", source) if source.kind != "tiny" else contextlib.nullcontext(), \
                        library_bars():
                    self._adapter = ip_adapter.load(source, self.components, set(identities),
                                                    device=self.execution_device, dtype=self.dtype)
            except RendererUnavailable as error:
                if source.kind == "hub":
                    error.hint = ip_adapter.download_hint(source)
                raise
            give_identity_layers(self.components.unet, self._adapter.layers)
        return self._adapter

    def _identities(self, scene: Scene) -> list[tuple]:
        """(instance, positive tokens, negative tokens, scale, area, adapter) of every instance with references."""
        from scenes.references import default_identity, load_image, scene_references

        from .identity import identity_area

        files = scene_references(scene)  # checked and hashed again: what is read now is what is recorded
        self._identity_record = None
        if not files:
            return []
        adapter = self.identity_adapter({default_identity(scene.instances[file.instance]) for file in files})
        routed, records = [], []
        for index, instance in enumerate(scene.instances):
            mine = [file for file in files if file.instance == index]
            if not mine:
                continue
            identity = default_identity(instance)
            positive, negative = adapter.tokens([load_image(file) for file in mine], identity,
                                                self.execution_device, self.dtype)
            scale = instance.reference_strength if instance.reference_strength is not None \
                else self.options.reference_strength
            area = identity_area(instance, scene)
            routed.append((index, positive, negative, scale, area, adapter.index(identity)))
            records += [{**file.record(), "identity": identity, "adapter": adapter.source.weight_for(identity),
                         "scale": scale, "area": area.kind} for file in mine]
        self._identity_record = {"adapter": adapter.source.record(), "references": records}
        return routed

    def _prepare_concepts(self, scene: Scene):
        from .concepts import ConceptLoader, SceneConcepts

        found, _ = self._scene_concepts(scene)
        if not found:
            return SceneConcepts()
        if self._concept_loader is None:
            self._concept_loader = ConceptLoader(self.components, self.options.allow_pickle)
        return self._concept_loader.prepare(scene, found)

    def _routing(self, concepts, regions, latent_hw):
        """Each LoRA's weight per image token: its instance's region mask at the layer's resolution."""
        if not concepts.lora_instances:
            return None
        import torch

        from renderers.diffusion.lora import Routing

        from .regions import layer_size

        def masks(h: int, w: int):
            at = regions.at(h, w).reshape(regions.count, -1)
            return torch.from_numpy(at[concepts.lora_instances].T.copy())

        return Routing(masks, lambda tokens: layer_size(tokens, latent_hw), concepts.lora_scales)

    def _loras(self, concepts, routing):
        import contextlib

        if routing is None:
            return contextlib.nullcontext()
        from renderers.diffusion.lora import applied

        return applied(self.components.unet, concepts.lora_parts, routing)

    def _describe_fusion(self, prompt, fusion_steps: int) -> dict:
        """What the manifest says about fusion: mode, base, schedule and layers as used."""
        options = self.options
        record = {"mode": options.fusion, "steps": fusion_steps, "decay": options.fusion_decay,
                  "layers": options.fusion_layers}
        if options.fusion == "regional":
            record["base_ratio"] = options.base_ratio
        if prompt.base is not None:
            record.update(base=prompt.base, base_source=prompt.base_source)
        return record

    def describe(self) -> RendererRecord:
        if self.flux is not None:
            return self.flux.describe(self.name)
        record = super().describe()
        details = dict(record.details)
        if self._fusion_record is not None:
            details["fusion"] = self._fusion_record
        if self._identity_record is not None:
            details["identity"] = self._identity_record
        if self._concept_records:
            details["concepts"] = self._concept_records
        return record.model_copy(update={"details": details})

    def model_refs(self):
        refs = super().model_refs()
        return [*refs, *self._adapter.refs()] if self._adapter is not None and self._identity_record else refs

    def _added_conditions(self, prompt, scene: Scene, batch: int, guided: bool, *, base: bool) -> dict | None:
        """SDXL's extra conditioning: pooled text (the base's in regional and dense modes) and
        (original, crop, target) sizes."""
        from renderers.diffusion.sdxl import added_conditions

        if self.components.family != "sdxl":
            return None
        pooled = prompt.pooled_rows(batch, guided=guided, base=base).to(device=self.execution_device,
                                                                         dtype=self.dtype)
        return added_conditions(pooled, scene.height, scene.width)
