"""Wrappers around transformers models: one class per seam, shared by real and tiny evaluators."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from .base import Detection


def _torch():
    import torch

    return torch


def _device(model: Any) -> Any:
    return next(model.parameters()).device


class GroundingDinoDetector:
    """GroundingDINO through transformers: the text is the query labels, dot-joined and lower-cased."""

    kind = "grounding-dino"

    def __init__(self, model: Any, processor: Any):
        self.model, self.processor = model, processor

    def detect(self, image: Image.Image, queries: list[str], *, threshold: float,
               text_threshold: float = 0.25) -> list[Detection]:
        torch = _torch()
        inputs = self.processor(images=image, text=[queries], return_tensors="pt").to(_device(self.model))
        with torch.no_grad():
            outputs = self.model(**inputs)
        result = self.processor.post_process_grounded_object_detection(
            outputs, inputs["input_ids"], threshold=threshold, text_threshold=text_threshold,
            target_sizes=[(image.height, image.width)])[0]
        found = []
        for box, score, text in zip(result["boxes"].tolist(), result["scores"].tolist(), result["text_labels"],
                                    strict=True):
            label = _label_of(text, queries)
            found.append(Detection(tuple(float(v) for v in box), float(score), label, text))
        return found


def _label_of(text: str, queries: list[str]) -> int:
    """The query a GroundingDINO phrase belongs to (the first whose words it contains; 0 if none)."""
    lowered = text.lower()
    for index, query in enumerate(queries):
        if query.lower() in lowered:
            return index
    return 0


class OwlViTDetector:
    """OWL-ViT v1: every predicted box with its best query's sigmoid score (the old `post_process`)."""

    kind = "owlvit"

    def __init__(self, model: Any, processor: Any, *, square_pad: bool = False):
        self.model, self.processor = model, processor
        self.square_pad = square_pad  # OWLv2 pads to a square: boxes are relative to the padded side

    def detect(self, image: Image.Image, queries: list[str], *, threshold: float,
               text_threshold: float = 0.25) -> list[Detection]:
        torch = _torch()
        inputs = self.processor(text=[queries], images=image, return_tensors="pt", truncation=True)
        inputs = inputs.to(_device(self.model))
        with torch.no_grad():
            outputs = self.model(**inputs)
        probs = torch.sigmoid(outputs.logits[0].float())
        scores, labels = probs.max(dim=-1)
        cx, cy, w, h = outputs.pred_boxes[0].float().unbind(-1)
        side_x = side_y = max(image.width, image.height) if self.square_pad else None
        sx = side_x or image.width
        sy = side_y or image.height
        boxes = torch.stack([(cx - w / 2) * sx, (cy - h / 2) * sy, (cx + w / 2) * sx, (cy + h / 2) * sy], dim=-1)
        found = []
        for box, score, label in zip(boxes.tolist(), scores.tolist(), labels.tolist(), strict=True):
            if score >= threshold:
                found.append(Detection(tuple(box), float(score), int(label), queries[int(label)]))
        return found


class ClipScorer:
    """CLIP: `logits_per_image` (logit_scale x cosine; 100 x cosine for the released models)."""

    def __init__(self, model: Any, processor: Any):
        self.model, self.processor = model, processor

    def logits(self, images: list[Image.Image], texts: list[str]) -> list[list[float]]:
        torch = _torch()
        inputs = self.processor(text=texts, images=images, return_tensors="pt", padding=True, truncation=True)
        with torch.no_grad():
            outputs = self.model(**inputs.to(_device(self.model)))
        return outputs.logits_per_image.float().cpu().tolist()

    def image_features(self, images: list[Image.Image]) -> np.ndarray:
        torch = _torch()
        inputs = self.processor(images=images, return_tensors="pt").to(_device(self.model))
        with torch.no_grad():
            features = self.model.get_image_features(**inputs)
        features = getattr(features, "pooler_output", features)
        return _normalise(features.float().cpu().numpy())

    def text_features(self, texts: list[str]) -> np.ndarray:
        torch = _torch()
        inputs = self.processor(text=texts, return_tensors="pt", padding=True, truncation=True)
        with torch.no_grad():
            features = self.model.get_text_features(**inputs.to(_device(self.model)))
        features = getattr(features, "pooler_output", features)
        return _normalise(features.float().cpu().numpy())


def _normalise(array: np.ndarray) -> np.ndarray:
    return array / np.linalg.norm(array, axis=-1, keepdims=True)


class BlipVqa:
    """BLIP-VQA as T2I-CompBench scores it: [ENC] replaces the question's first token, the decoder
    starts from [DEC], and the first answer token's P(yes) / (P(yes) + P(no)) is the score."""

    def __init__(self, model: Any, processor: Any, *, image_size: int | None = None):
        self.model, self.processor = model, processor
        tokenizer = processor.tokenizer
        self.enc_id = tokenizer.convert_tokens_to_ids("[ENC]")
        self.yes_id = tokenizer.convert_tokens_to_ids("yes")
        self.no_id = tokenizer.convert_tokens_to_ids("no")
        self.image_size = image_size

    def _pixels(self, image: Image.Image) -> Any:
        kwargs = {"size": {"height": self.image_size, "width": self.image_size}} if self.image_size else {}
        return self.processor.image_processor(image, return_tensors="pt", **kwargs)["pixel_values"]

    def p_yes(self, image: Image.Image, questions: list[str]) -> list[tuple[float, float]]:
        """(P(yes), P(no)) of the first answer token for each question."""
        torch = _torch()
        device = _device(self.model)
        pixels = self._pixels(image).to(device, dtype=next(self.model.parameters()).dtype)
        out = []
        with torch.no_grad():
            vision = self.model.vision_model(pixel_values=pixels, interpolate_pos_encoding=True).last_hidden_state
            for question in questions:
                q = self.processor.tokenizer(question, return_tensors="pt").to(device)
                ids = q["input_ids"].clone()
                ids[:, 0] = self.enc_id
                hidden = self.model.text_encoder(
                    input_ids=ids, attention_mask=q["attention_mask"], encoder_hidden_states=vision,
                    encoder_attention_mask=torch.ones(vision.shape[:-1], dtype=torch.long, device=device),
                ).last_hidden_state
                bos = torch.full((1, 1), self.model.config.text_config.bos_token_id, device=device)
                logits = self.model.text_decoder(input_ids=bos, encoder_hidden_states=hidden,
                                                 encoder_attention_mask=q["attention_mask"]).logits[:, 0]
                probs = logits.float().softmax(-1)[0]
                out.append((float(probs[self.yes_id]), float(probs[self.no_id])))
        return out

    def answer(self, image: Image.Image, question: str) -> str:
        """A free-text answer (greedy), so BLIP can stand in as a judge."""
        torch = _torch()
        inputs = self.processor(images=image, text=question, return_tensors="pt").to(_device(self.model))
        with torch.no_grad():
            generated = self.model.generate(**inputs, max_new_tokens=8, do_sample=False)
        return self.processor.tokenizer.decode(generated[0], skip_special_tokens=True).strip()


class VlmJudge:
    """A chat VLM (Qwen2.5-VL for DEIG-Bench): the crop and the question as one user turn, greedy
    decoding, the new tokens decoded as the answer."""

    def __init__(self, model: Any, processor: Any, *, max_new_tokens: int = 128):
        self.model, self.processor = model, processor
        self.max_new_tokens = max_new_tokens

    def answer(self, image: Image.Image, question: str) -> str:
        torch = _torch()
        messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": question}]}]
        text = self.processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        inputs = self.processor(text=[text], images=[image], return_tensors="pt").to(_device(self.model))
        with torch.no_grad():
            generated = self.model.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False)
        new = generated[:, inputs["input_ids"].shape[1]:]
        return self.processor.batch_decode(new, skip_special_tokens=True, clean_up_tokenization_spaces=False)[0]


class SamSegmenter:
    """SAM prompted with one box, multimask output, the mask with the best predicted IoU (as MIG)."""

    def __init__(self, model: Any, processor: Any):
        self.model, self.processor = model, processor

    def mask(self, image: Image.Image, box: tuple[float, float, float, float]) -> np.ndarray:
        torch = _torch()
        inputs = self.processor(images=image, input_boxes=[[list(box)]], return_tensors="pt").to(_device(self.model))
        with torch.no_grad():
            outputs = self.model(**inputs, multimask_output=True)
        masks = self.processor.image_processor.post_process_masks(
            outputs.pred_masks.cpu(), inputs["original_sizes"].cpu(), inputs["reshaped_input_sizes"].cpu())[0][0]
        best = int(outputs.iou_scores[0, 0].argmax())
        return masks[best].numpy().astype(bool)
