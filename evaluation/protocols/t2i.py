"""T2I-CompBench's B-VQA (BLIPvqa_eval/BLIP_vqa.py): the product of BLIP's P(yes) over the noun phrases."""

from __future__ import annotations

import re

from PIL import Image

from ..evaluators.base import Evaluators
from ..scoring import blip_p_yes, bvqa_image_score
from .base import Metric, Protocol, Sample, Scored

MAX_PHRASES = 8
DROPPED = ("top", "the side", "the left", "the right")  # T2I-CompBench removes these chunks
# Words that end a noun phrase in deig's own chunker (used without spaCy).
_BREAKS = set("and with on in of at near next to beside under above below behind inside over onto into "
              "while is are , .".split())


def noun_phrases(prompt: str) -> tuple[list[str], str]:
    """(phrases, which chunker): spaCy's noun chunks with en_core_web_sm when installed (T2I-CompBench's
    own), else deig's chunker, which splits at conjunctions and prepositions (not bit-for-bit spaCy)."""
    try:
        import spacy

        nlp = spacy.load("en_core_web_sm")
    except (ImportError, OSError):
        return _own_chunks(prompt), "deig-chunker (spaCy en_core_web_sm not installed)"
    return [c.text for c in nlp(prompt).noun_chunks if c.text not in DROPPED], "spacy en_core_web_sm"


def _own_chunks(prompt: str) -> list[str]:
    words = re.findall(r"[\w'-]+|[,.]", prompt.lower())
    phrases, current = [], []
    for word in words:
        if word in _BREAKS:
            if current:
                phrases.append(" ".join(current))
            current = []
        else:
            current.append(word)
    if current:
        phrases.append(" ".join(current))
    return [p for p in phrases if p not in DROPPED and p not in ("a", "an", "the")]


class T2iBvqaProtocol(Protocol):
    name = "t2i-bvqa"
    title = "T2I-CompBench B-VQA: product of BLIP-VQA P(yes) over the prompt's noun phrases"
    roles = {"vqa": "Salesforce/blip-vqa-capfilt-large"}
    thresholds = {"image_size": 480, "score": "P(yes) / (P(yes) + P(no)) of the first answer token",
                  "question": "{noun phrase}?", "max_phrases": MAX_PHRASES}
    needs = "prompt"
    notes = ("Salesforce/blip-vqa-capfilt-large is the converted model_base_vqa_capfilt_large.pth; deig swaps "
             "the question's first token for [ENC] and scores at 480 px as the original does. Parity with the "
             "original is unverified until a calibration run.",)

    def score(self, image: Image.Image, sample: Sample, evaluators: Evaluators) -> Scored:
        phrases, chunker = noun_phrases(sample.item.prompt)
        phrases = phrases[:MAX_PHRASES]
        probabilities = evaluators.require("vqa").p_yes(image, [f"{p}?" for p in phrases]) if phrases else []
        scores = [blip_p_yes(yes, no) for yes, no in probabilities]
        scored = Scored({"tag": sample.item.tag, "score": bvqa_image_score(scores), "chunker": chunker})
        for index, (phrase, value) in enumerate(zip(phrases, scores, strict=True)):
            scored.instances.append({"index": index, "name": phrase, "caption": f"{phrase}?", "p_yes": value,
                                     "ok": value >= 0.5})
            scored.crops.append(image)
        return scored

    def metrics(self) -> list[Metric]:
        return [Metric("bvqa", "B-VQA (mean image score)", "image", lambda r: r["score"], kind="score")]
