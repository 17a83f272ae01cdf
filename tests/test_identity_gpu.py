"""On a GPU with real weights: does each instance keep its own reference's identity (CLIP-I, DINO)?

Makes its own references first: one picture of each subject alone, rendered by the same model.
Then renders two-subject scenes with each subject's reference routed to its box, and the same
scenes without references, crops each instance's box and measures the image similarity of the
crop to its own reference and to the other instance's reference: CLIP-I (cosine of CLIP image
embeddings) and, when facebook/dinov2-small is in the cache, DINO. Routing should raise the own
similarity and keep it above the other's (no mixing). The numbers are printed for people to
judge on real weights; the test asserts only that every render and score happened. Run it where
the models are in the Hugging Face cache:

    hf download stable-diffusion-v1-5/stable-diffusion-v1-5
    hf download h94/IP-Adapter models/ip-adapter-plus_sd15.safetensors models/image_encoder/config.json \
        models/image_encoder/model.safetensors
    hf download openai/clip-vit-large-patch14
    hf download facebook/dinov2-small            # optional: the DINO score
    python -m pytest -m gpu tests/test_identity_gpu.py -s

`DEIG_GPU_MODEL`, `DEIG_GPU_IP_ADAPTER` and `DEIG_GPU_CLIP` choose other models.
"""

from __future__ import annotations

import os

import pytest
import torch

from renderers.regional import RegionalRenderer
from scenes.model import Scene

pytestmark = pytest.mark.gpu

MODEL = os.environ.get("DEIG_GPU_MODEL", "stable-diffusion-v1-5/stable-diffusion-v1-5")
ADAPTER = os.environ.get("DEIG_GPU_IP_ADAPTER", "auto")
CLIP = os.environ.get("DEIG_GPU_CLIP", "openai/clip-vit-large-patch14")
DINO = "facebook/dinov2-small"
SUBJECTS = [("a vintage red sports car", "a blue ceramic teapot with white dots"),
            ("a golden retriever puppy", "a green cactus in a terracotta pot")]
BOXES = ([0.03, 0.1, 0.48, 0.95], [0.52, 0.1, 0.97, 0.95])
SEEDS = (1, 2)


def _scene(captions, references=None) -> Scene:
    instances = []
    for index, (caption, box) in enumerate(zip(captions, BOXES, strict=True)):
        instance = {"name": "thing", "caption": caption, "box": box}
        if references:
            instance.update(reference=str(references[index]), identity="subject")
        instances.append(instance)
    return Scene(caption=" and ".join(captions) + " on a table", width=768, height=512, instances=instances,
                 negative="blurry, low quality")


def _crop(image, box):
    w, h = image.size
    return image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))


@pytest.fixture(scope="module")
def embedders():
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    from transformers import AutoImageProcessor, AutoModel, CLIPModel, CLIPProcessor

    try:
        clip = CLIPModel.from_pretrained(CLIP, local_files_only=True).to("cuda").eval()
        clip_processor = CLIPProcessor.from_pretrained(CLIP, local_files_only=True)
    except OSError as exc:
        pytest.skip(f"{CLIP} is not in the local cache: {exc}")

    def clip_embed(images):
        inputs = clip_processor(images=images, return_tensors="pt").to("cuda")
        with torch.no_grad():
            return torch.nn.functional.normalize(clip.get_image_features(**inputs), dim=-1)

    found = {"CLIP-I": clip_embed}
    try:
        dino = AutoModel.from_pretrained(DINO, local_files_only=True).to("cuda").eval()
        dino_processor = AutoImageProcessor.from_pretrained(DINO, local_files_only=True)

        def dino_embed(images):
            inputs = dino_processor(images=images, return_tensors="pt").to("cuda")
            with torch.no_grad():
                return torch.nn.functional.normalize(dino(**inputs).last_hidden_state[:, 0], dim=-1)

        found["DINO"] = dino_embed
    except OSError:
        print(f"\n{DINO} is not in the local cache: DINO scores left out")
    return found


def test_routed_references_keep_each_instance_recognisable(embedders, tmp_path):
    renderer = RegionalRenderer(RegionalRenderer.Options(model=MODEL, device="cuda", steps=30, ip_adapter=ADAPTER))
    try:
        renderer.check_environment()
        renderer.load()
        renderer.identity_adapter()
    except Exception as exc:  # noqa: BLE001 - weights missing on this machine
        pytest.skip(f"{MODEL} or its IP-Adapter cannot be loaded here: {exc}")
    scores = {(metric, routed): {"own": [], "other": []} for metric in embedders for routed in (False, True)}
    for pair, captions in enumerate(SUBJECTS):
        references = []
        for index, caption in enumerate(captions):  # each subject alone, as its reference
            alone = Scene(caption=f"a photo of {caption}", width=512, height=512)
            path = tmp_path / f"ref-{pair}-{index}.png"
            renderer.render(alone, [100 + index])[0].image.save(path)
            references.append(path)
        from PIL import Image

        pictures = [Image.open(path).convert("RGB") for path in references]
        for routed in (False, True):
            scene = _scene(captions, references if routed else None)
            for result in renderer.render(scene, list(SEEDS)):
                crops = [_crop(result.image, box) for box in BOXES]
                for metric, embed in embedders.items():
                    refs, got = embed(pictures), embed(crops)
                    similarity = got @ refs.T
                    for index in range(2):
                        scores[(metric, routed)]["own"].append(float(similarity[index, index]))
                        scores[(metric, routed)]["other"].append(float(similarity[index, 1 - index]))
    print()
    for (metric, routed), values in scores.items():
        own, other = values["own"], values["other"]
        assert len(own) == len(SUBJECTS) * len(SEEDS) * 2
        wins = sum(o > t for o, t in zip(own, other, strict=True)) / len(own)
        print(f"{metric:>6} {'routed' if routed else 'no refs':>8}: own {sum(own) / len(own):.3f}, other "
              f"{sum(other) / len(other):.3f}, own > other in {wins:.0%} of crops")
