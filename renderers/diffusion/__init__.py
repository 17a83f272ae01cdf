"""The runtime that diffusion renderers share (regional, finecontrolnet, deig).

- `options`     the common Options fields (model, steps, guidance, scheduler, device, dtype, offload,
                allow_pickle, vae_tiling); no torch import.
- `sources`     what a --model value names (tiny, hub id, folder, file) and cheap availability checks.
- `loading`     SD-1.5 / SDXL components and OpenPose ControlNets; load failures become exit 4.
- `tiny`        the `tiny` / `tiny-sdxl` presets: random, deterministic, built in-process.
- `devices`     device and dtype resolution; offload only on CUDA.
- `offload`     placing models on the device, or accelerate's model / sequential CPU offload.
- `schedulers`  sampler names to diffusers schedulers, built on the checkpoint's config.
- `text`        CLIP encoding: padded prompts, and captions as real tokens only.
- `latents`     one CPU generator per seed, initial noise, stochastic sampler arguments.
- `control`     the OpenPose control image of a scene, as a tensor.
- `decoding`    VAE decoding (tiled for large canvases) to PIL images.
- `records`     model references for the manifest (hub commits, sha256 of local weights).
- `runtime`     `DiffusionRenderer`, the base class that ties these together.
"""
