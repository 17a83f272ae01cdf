"""On a GPU with real weights: which fusion mode binds outfits to the right person (CLIP crop scores).

Renders a fixed set of two-person scenes whose outfits swap colours, in every fusion mode, crops
each person's box and asks CLIP whether the crop matches that person's caption better than the
other person's. Prints, per mode, the binding rate (own caption wins) and the mean margin; the
numbers are for people to compare modes on real weights, so the test asserts only that every
render and score happened. Run it where the models are in the Hugging Face cache:

    hf download stable-diffusion-v1-5/stable-diffusion-v1-5
    hf download openai/clip-vit-large-patch14
    python -m pytest -m gpu tests/test_regional_gpu.py -s

`DEIG_GPU_MODEL` and `DEIG_GPU_CLIP` choose other models (an SDXL checkpoint works too).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from renderers.regional import RegionalRenderer
from scenes.model import Scene

pytestmark = pytest.mark.gpu

MODEL = os.environ.get("DEIG_GPU_MODEL", "stable-diffusion-v1-5/stable-diffusion-v1-5")
CLIP = os.environ.get("DEIG_GPU_CLIP", "openai/clip-vit-large-patch14")
OUTFITS = [
    ("a man wearing a red shirt and blue jeans", "a woman wearing a yellow dress and a green hat"),
    ("a man wearing a yellow shirt and green trousers", "a woman wearing a red dress and a blue hat"),
    ("a man wearing a black suit and a white tie", "a woman wearing a white coat and a black scarf"),
    ("a man wearing a purple hoodie", "a woman wearing an orange jacket"),
]
SEEDS = (1, 2)


def scenes() -> list[Scene]:
    out = []
    for man, woman in OUTFITS:
        out.append(Scene(caption=f"{man} standing next to {woman} in a park", summary="a man and a woman in a park",
                         background="a park", negative="blurry, low quality", width=768, height=512,
                         instances=[{"name": "man", "caption": man, "box": [0.04, 0.08, 0.46, 0.98]},
                                    {"name": "woman", "caption": woman, "box": [0.54, 0.08, 0.96, 0.98]}]))
    return out


def crop(image, box):
    width, height = image.size
    return image.crop((int(box[0] * width), int(box[1] * height), int(box[2] * width), int(box[3] * height)))


@pytest.fixture(scope="module")
def clip():
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    from transformers import CLIPModel, CLIPProcessor

    try:
        model = CLIPModel.from_pretrained(CLIP, local_files_only=True).to("cuda").eval()
        processor = CLIPProcessor.from_pretrained(CLIP, local_files_only=True)
    except OSError as exc:
        pytest.skip(f"{CLIP} is not in the local cache: {exc}")
    return model, processor


def test_fusion_modes_bind_outfits_by_clip_crop_scores(clip):
    model, processor = clip
    report = {}
    for mode in ("regional", "concat", "dense"):
        renderer = RegionalRenderer(RegionalRenderer.Options(model=MODEL, device="cuda", steps=30, fusion=mode))
        try:
            renderer.check_environment()
        except Exception as exc:  # noqa: BLE001 - weights missing on this machine
            pytest.skip(f"{MODEL} cannot be loaded here: {exc}")
        wins, margins = [], []
        for scene in scenes():
            for result in renderer.render(scene, list(SEEDS)):
                crops = [crop(result.image, instance.box) for instance in scene.instances]
                captions = [instance.caption for instance in scene.instances]
                inputs = processor(text=captions, images=crops, return_tensors="pt", padding=True).to("cuda")
                with torch.no_grad():
                    logits = model(**inputs).logits_per_image.float().cpu().numpy()  # (crops, captions)
                for index in range(2):
                    margins.append(float(logits[index, index] - logits[index, 1 - index]))
                    wins.append(margins[-1] > 0)
        report[mode] = (float(np.mean(wins)), float(np.mean(margins)))
        del renderer
        torch.cuda.empty_cache()
    for mode, (rate, margin) in report.items():
        print(f"{mode:>8}: own caption wins {rate:.2f} of {len(OUTFITS) * len(SEEDS) * 2} crops, "
              f"mean CLIP margin {margin:+.2f}")
    assert set(report) == {"regional", "concat", "dense"}
    assert all(np.isfinite(margin) for _, margin in report.values())
