"""A tiny random Qwen2.5-VL, the DEIG-Bench judge's architecture, built in-process with its tokenizer.

Qwen's own processor also wants a video processor, which needs torchvision; this image-only processor
does what it does for images: the chat template places one <|image_pad|> per image, and each is
expanded to the number of merged patches the image processor produced. Its answers are gibberish:
it exercises the judge's code path (chat template, generation, decoding), not its judgement.
"""

from __future__ import annotations

from typing import Any

from transformers import BatchFeature
from transformers.processing_utils import ProcessorMixin

SPECIALS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>",
            "<|video_pad|>")
CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% for c in m['content'] %}"
                 "{% if c['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>{% else %}{{ c['text'] }}"
                 "{% endif %}{% endfor %}<|im_end|>\n{% endfor %}"
                 "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
IMAGE_TOKEN = "<|image_pad|>"


class ImageOnlyQwenProcessor(ProcessorMixin):
    attributes = ["image_processor", "tokenizer"]
    image_processor_class = "AutoImageProcessor"
    tokenizer_class = "AutoTokenizer"

    def __init__(self, image_processor=None, tokenizer=None, chat_template=None):
        self.image_token = IMAGE_TOKEN
        self.image_token_id = tokenizer.convert_tokens_to_ids(IMAGE_TOKEN)
        super().__init__(image_processor, tokenizer, chat_template=chat_template)

    def __call__(self, text=None, images=None, return_tensors="pt", **kwargs: Any) -> BatchFeature:
        pixels = self.image_processor(images=images, return_tensors=return_tensors)
        per_image = [int(g.prod()) // self.image_processor.merge_size ** 2 for g in pixels["image_grid_thw"]]
        expanded, index = [], 0
        for piece in text:
            parts = piece.split(IMAGE_TOKEN)
            out = parts[0]
            for part in parts[1:]:
                out += IMAGE_TOKEN * per_image[index] + part
                index += 1
            expanded.append(out)
        encoded = self.tokenizer(expanded, return_tensors=return_tensors, padding=True)
        return BatchFeature({**encoded, **pixels})


def _tokenizer():
    from transformers import Qwen2Tokenizer

    from renderers.diffusion.tiny import byte_symbols

    vocab = {symbol: index for index, symbol in enumerate(byte_symbols())}
    for special in SPECIALS:
        vocab[special] = len(vocab)
    return Qwen2Tokenizer(vocab=vocab, merges=[], unk_token=None, bos_token=None, eos_token="<|im_end|>",
                          pad_token="<|endoftext|>", additional_special_tokens=list(SPECIALS[1:]),
                          model_max_length=4096)


def build():
    """(model, processor) of the tiny judge, weights from a fixed seed."""
    import torch
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    tokenizer = _tokenizer()
    ids = {special: tokenizer.convert_tokens_to_ids(special) for special in SPECIALS}
    config = Qwen2_5_VLConfig(
        text_config=dict(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096,
                         rope_scaling={"type": "mrope", "mrope_section": [2, 1, 1]},  # sums to head_dim / 2
                         bos_token_id=ids["<|im_start|>"], eos_token_id=ids["<|im_end|>"],
                         pad_token_id=ids["<|endoftext|>"]),
        vision_config=dict(depth=2, hidden_size=32, intermediate_size=32, out_hidden_size=32, num_heads=4,
                           patch_size=14, spatial_merge_size=2, temporal_patch_size=2, fullatt_block_indexes=[1],
                           window_size=56),
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = Qwen2_5_VLForConditionalGeneration(config).eval()
    image_processor = Qwen2VLImageProcessorPil(min_pixels=56 * 56, max_pixels=4 * 56 * 56, patch_size=14, merge_size=2,
                                               temporal_patch_size=2)
    return model, ImageOnlyQwenProcessor(image_processor, tokenizer, chat_template=CHAT_TEMPLATE)
