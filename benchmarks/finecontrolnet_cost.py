"""What FineControlNet costs per denoising step, batched and looped, against the regional renderer.

Full-size SD-1.5 UNet + ControlNet-OpenPose architecture (860 M + 361 M parameters) with random
weights, 256x256 canvas (32x32 latent), classifier-free guidance on, float32 on the CPU. For 1, 2,
4 and 8 posed people the real renderers draw a scene and the time between two progress calls is a
step's time (the median of the steps after the first):

- batched:   finecontrolnet as it ships: all branches of a step in one ControlNet and one UNet call;
- looped:    finecontrolnet with max_batch=2, i.e. one ControlNet and one UNet call per person (both
             guidance passes of that person in the call): the Python loop over people that
             batching replaces, with the same arithmetic;
- regional:  the regional renderer in its single-pass pose mode: every skeleton in one control
             image, one ControlNet and one UNet pass with region-masked attention.

Only the weights are stand-ins: the loaders of the shared runtime are replaced by functions that
build the full-size modules with random weights in memory (no weights exist on this machine); the
renderers, their loops and their options are the real ones. The text encoder is a full-size CLIP-L
with the tiny byte-level tokenizer, the VAE the tiny one (both run once per image, not per step).

Run (heavy; about 20 minutes on 2 cores):  flock /work/wt/heavy.lock python benchmarks/finecontrolnet_cost.py
The last line is batched / looped at 4 people.
"""

from __future__ import annotations

import argparse
import time

import torch

POSES = ("standing", "walking", "waving", "pointing", "arms-crossed", "hands-on-hips", "running", "arms-raised")


def sd15_modules():
    """SD-1.5's UNet and OpenPose ControlNet architectures, and CLIP-L's text encoder, random weights."""
    from diffusers import ControlNetModel, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=64, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=768, attention_head_dim=8, norm_num_groups=32,
    )
    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(16, 32, 96, 256))
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
        max_position_embeddings=77, bos_token_id=512, eos_token_id=513, pad_token_id=513))
    return unet, controlnet, text_encoder


def install_random_weights() -> tuple[int, int]:
    """Make the shared runtime's loaders hand out the full-size random modules (built once)."""
    import renderers.diffusion.loading as loading
    from renderers.diffusion import tiny
    from renderers.diffusion.sources import ModelSource
    from scenes.manifest import ModelRef

    unet, controlnet, text_encoder = sd15_modules()
    _, vae, _, tokenizers, scheduler_config = tiny.build_sd15()

    def load_components(spec, *, dtype, allow_pickle):
        return loading.Components("sd15", unet, vae, [text_encoder], tokenizers, scheduler_config,
                                  ModelSource("tiny", "tiny"), refs=[ModelRef(role="pipeline", id="random-sd15")])

    def load_controlnet(spec, family, *, dtype, allow_pickle):
        return controlnet, ModelRef(role="controlnet", id="random-sd15-openpose")

    loading.load_components, loading.load_controlnet = load_components, load_controlnet
    return sum(p.numel() for p in unet.parameters()), sum(p.numel() for p in controlnet.parameters())


def people_scene(count: int, side: int):
    from scenes.model import Scene

    width = 1.0 / count
    instances = [{"name": "person", "caption": f"person {k} in a coloured coat", "pose": POSES[k % len(POSES)],
                  "box": [k * width, 0.05, (k + 1) * width, 0.95]} for k in range(count)]
    return Scene.model_validate({"caption": f"{count} people", "background": "on a street", "width": side,
                                 "height": side, "instances": instances})


def seconds_per_step(renderer, scene, steps: int) -> float:
    stamps: list[float] = []
    renderer.render(scene, [1], progress=lambda done, total: stamps.append(time.perf_counter()))
    intervals = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    return min(intervals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--steps", type=int, default=4, help="denoising steps per measurement (>= 2)")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each variant; the fastest counts")
    parser.add_argument("--side", type=int, default=256)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from renderers.finecontrolnet import FineControlNetOptions, FineControlNetRenderer
    from renderers.regional import RegionalRenderer
    from renderers.regional.renderer import RegionalOptions

    unet_params, controlnet_params = install_random_weights()
    print(f"# SD-1.5 UNet {unet_params / 1e6:.0f} M + ControlNet {controlnet_params / 1e6:.0f} M parameters, random "
          f"weights; {args.side}x{args.side}, CFG on, float32, CPU, {torch.get_num_threads()} threads; "
          f"fastest of steps 2..{args.steps} over {args.rounds} rounds")
    common = {"model": "tiny", "steps": args.steps, "device": "cpu"}
    # ddim with its own spacing: exactly `steps` iterations for every renderer.
    renderers = {
        "batched": FineControlNetRenderer(FineControlNetOptions(**common, ddim_timesteps="diffusers")),
        "looped": FineControlNetRenderer(FineControlNetOptions(**common, ddim_timesteps="diffusers", max_batch=2)),
    }
    scenes = {count: people_scene(count, args.side) for count in args.people}
    renderers["batched"].render(scenes[args.people[0]], [1])  # warm-up: first-touch of the weights
    best: dict[tuple[str, int], float] = {}

    def measure(name: str, count: int) -> None:
        step = seconds_per_step(renderers[name], scenes[count], args.steps)
        best[name, count] = min(best.get((name, count), step), step)

    # Rounds interleave the variants, so that a slow spell of the machine does not hit one variant only.
    for _ in range(args.rounds):
        for count in scenes:
            measure("batched", count)
            measure("looped", count)
    # The regional renderer installs its attention processors on the shared UNet: measure it last.
    renderers["regional"] = RegionalRenderer(RegionalOptions(**common, scheduler="ddim"))
    for _ in range(args.rounds):
        for count in scenes:
            measure("regional", count)
    rows = [[count, best["batched", count], best["looped", count], best["regional", count]] for count in scenes]

    print("people  batched_s  looped_s  regional_s  batched/looped  finecontrolnet/regional")
    for count, fine, loop, single in rows:
        print(f"{count:6d}  {fine:9.2f}  {loop:8.2f}  {single:10.2f}  {fine / loop:14.3f}  {fine / single:23.2f}")
    by_count = {row[0]: row for row in rows}
    if 4 in by_count:
        _, fine, loop, _ = by_count[4]
        print(f"batched / looped at 4 people: {fine / loop:.3f}")


if __name__ == "__main__":
    main()
