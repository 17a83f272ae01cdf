"""Tiny random evaluators built in-process: no download, deterministic, a fraction of a second on a CPU.

Their numbers mean nothing; they run every protocol's real code path (processors, post-processing,
crops, records) for tests, CI and checking an installation. Tokenizers are built here too: the CLIP
and OWL-ViT byte-level tokenizer of the tiny render preset, and a small BERT word vocabulary for
GroundingDINO and BLIP.
"""

from __future__ import annotations

import functools
from typing import Any

TINY = "tiny"
TINY_SEED = 0
# Words the BERT-style tiny tokenizers know; anything else is [UNK], which is fine for random models.
_WORDS = ("a an the of photo on in and with to left right top bottom above below red orange yellow green "
          "blue purple pink brown black white gray grey person man woman dog cat car bottle bowl book chair "
          "cup laptop backpack bench bird apple table umbrella hat dress shirt jacket is there this image "
          "yes no").split()


def _seeded(build):
    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        import torch

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(TINY_SEED)
            return build(*args, **kwargs).eval()

    return wrapper


def _bert_tokenizer(extra_specials: tuple[str, ...] = ()) -> Any:
    from transformers import BertTokenizer

    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "?", ",", "'", ";", *extra_specials, *_WORDS]
    vocab = {token: index for index, token in enumerate(dict.fromkeys(tokens))}
    kwargs = {"bos_token": "[DEC]"} if "[DEC]" in extra_specials else {}
    tokenizer = BertTokenizer(vocab=vocab, **kwargs)
    if "[ENC]" in extra_specials:
        tokenizer.add_special_tokens({"additional_special_tokens": ["[ENC]"]})
    return tokenizer


def _clip_text_config() -> dict:
    return dict(vocab_size=1000, hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
                max_position_embeddings=77, bos_token_id=512, eos_token_id=513, pad_token_id=513)


@_seeded
def _grounding_dino_model(vocab_size: int):
    from transformers import GroundingDinoConfig, GroundingDinoForObjectDetection, SwinConfig

    config = GroundingDinoConfig(
        backbone_config=SwinConfig(window_size=7, embed_dim=8, depths=[1, 1, 1, 1], num_heads=[1, 1, 1, 1],
                                   image_size=128, out_indices=[2, 3, 4]),
        text_config={"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
                     "intermediate_size": 8, "max_position_embeddings": 64, "vocab_size": vocab_size},
        d_model=32, encoder_layers=1, decoder_layers=2, encoder_attention_heads=2, decoder_attention_heads=2,
        encoder_ffn_dim=8, decoder_ffn_dim=8, num_queries=12, encoder_n_points=2, decoder_n_points=2,
        max_text_len=32, use_timm_backbone=False)
    return GroundingDinoForObjectDetection(config)


def grounding_dino():
    from transformers import GroundingDinoProcessor
    from transformers.models.grounding_dino.image_processing_pil_grounding_dino import (
        GroundingDinoImageProcessorPil,
    )

    from .models import GroundingDinoDetector

    tokenizer = _bert_tokenizer()
    # GroundingDINO needs images of at least ~98 px at its smallest feature level.
    processor = GroundingDinoProcessor(GroundingDinoImageProcessorPil(size={"shortest_edge": 128, "longest_edge": 128}),
                                       tokenizer)
    return GroundingDinoDetector(_grounding_dino_model(len(tokenizer)), processor)


@_seeded
def _owlvit_model():
    from transformers import OwlViTConfig, OwlViTForObjectDetection

    config = OwlViTConfig(text_config=_clip_text_config(),
                          vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                             num_attention_heads=2, image_size=64, patch_size=16), projection_dim=16)
    model = OwlViTForObjectDetection(config)
    import torch

    with torch.no_grad():
        # Random init makes the box head's outputs so large that every box is a zero-width sliver;
        # scaled down, boxes have varied sizes and positions and NMS has something to do.
        model.box_head.dense2.weight.mul_(0.1)
    return model


def owlvit():
    from transformers import OwlViTProcessor
    from transformers.models.owlvit.image_processing_pil_owlvit import OwlViTImageProcessorPil

    from renderers.diffusion.tiny import tiny_tokenizer

    from .models import OwlViTDetector

    processor = OwlViTProcessor(image_processor=OwlViTImageProcessorPil(size={"height": 64, "width": 64},
                                                                        crop_size={"height": 64, "width": 64}),
                                tokenizer=tiny_tokenizer())
    return OwlViTDetector(_owlvit_model(), processor)


@_seeded
def _clip_model():
    from transformers import CLIPConfig, CLIPModel

    config = CLIPConfig(text_config=_clip_text_config(),
                        vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                           num_attention_heads=2, image_size=32, patch_size=8), projection_dim=16)
    return CLIPModel(config)


def clip():
    from transformers import CLIPProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    from renderers.diffusion.tiny import tiny_tokenizer

    from .models import ClipScorer

    processor = CLIPProcessor(image_processor=CLIPImageProcessorPil(size={"shortest_edge": 32},
                                                                    crop_size={"height": 32, "width": 32}),
                              tokenizer=tiny_tokenizer())
    return ClipScorer(_clip_model(), processor)


@_seeded
def _blip_model(tokenizer):
    from transformers import BlipConfig, BlipForQuestionAnswering

    text = dict(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                num_attention_heads=2, encoder_hidden_size=16, max_position_embeddings=64,
                bos_token_id=tokenizer.convert_tokens_to_ids("[DEC]"), pad_token_id=0,
                sep_token_id=tokenizer.convert_tokens_to_ids("[SEP]"),
                eos_token_id=tokenizer.convert_tokens_to_ids("[SEP]"))
    config = BlipConfig(text_config=text, vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                                             num_attention_heads=2, image_size=32, patch_size=8),
                        projection_dim=16)
    return BlipForQuestionAnswering(config)


def blip():
    from transformers import BlipProcessor
    from transformers.models.blip.image_processing_pil_blip import BlipImageProcessorPil

    from .models import BlipVqa

    tokenizer = _bert_tokenizer(("[DEC]", "[ENC]"))
    processor = BlipProcessor(image_processor=BlipImageProcessorPil(size={"height": 32, "width": 32}),
                              tokenizer=tokenizer)
    return BlipVqa(_blip_model(tokenizer), processor)


@_seeded
def _sam_model():
    from transformers import SamConfig, SamModel
    from transformers.models.sam.configuration_sam import (
        SamMaskDecoderConfig,
        SamPromptEncoderConfig,
        SamVisionConfig,
    )

    config = SamConfig(
        vision_config=SamVisionConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=2, mlp_dim=32,
                                      image_size=64, patch_size=8, output_channels=16, global_attn_indexes=[1],
                                      window_size=4, num_pos_feats=8),
        prompt_encoder_config=SamPromptEncoderConfig(hidden_size=16, image_size=64, patch_size=8, mask_input_channels=4),
        mask_decoder_config=SamMaskDecoderConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                                                 mlp_dim=32, iou_head_hidden_dim=16))
    return SamModel(config)


def sam():
    from transformers import SamProcessor
    from transformers.models.sam.image_processing_pil_sam import SamImageProcessorPil

    from .models import SamSegmenter

    processor = SamProcessor(image_processor=SamImageProcessorPil(
        size={"longest_edge": 64}, pad_size={"height": 64, "width": 64}, mask_size={"longest_edge": 16},
        mask_pad_size={"height": 16, "width": 16}))
    return SamSegmenter(_sam_model(), processor)


def qwen_vl():
    from . import tiny_vlm
    from .models import VlmJudge

    model, processor = tiny_vlm.build()
    return VlmJudge(model, processor, max_new_tokens=8)


BUILDERS = {"grounding-dino": grounding_dino, "owlvit": owlvit, "clip": clip, "blip-vqa": blip, "sam": sam,
            "vlm": qwen_vl}
