"""Small decision rules of the reference evaluators, each exactly as its authors wrote it."""

from __future__ import annotations

import math
from collections.abc import Sequence

# DEIG-Bench's judge prompt (eval/eval_deigbench.py). The source line ends in a backslash inside the
# string, so the string carries the next line's 17 leading spaces between ';' and 'if'.
DEIG_JUDGE_TEMPLATE = ("Does this image meet the description '{}'? If so, please answer a single 'yes';"
                       + " " * 17 + "if not, please answer a single 'no'")


def deig_yes(answer: str) -> bool:
    """DEIG-Bench's rule: `"yes" in response`, case-sensitive, so "Yes" fails."""
    return "yes" in answer


def yes_any_case(answer: str) -> bool:
    """The case-insensitive variant deig reports beside it (labelled as such)."""
    return "yes" in answer.lower()


def blip_p_yes(p_yes: float, p_no: float) -> float:
    """T2I-CompBench's B-VQA score of one question: P(yes) / (P(yes) + P(no)) of the first answer token."""
    total = p_yes + p_no
    return p_yes / total if total > 0 else 0.0


def bvqa_image_score(question_scores: Sequence[float]) -> float:
    """The image score: the product over its questions (noun phrases); no question scores 1."""
    return math.prod(question_scores)


def cio_scores(logits: Sequence[Sequence[float]]) -> list[dict[str, float | None]]:
    """FineControlNet's CIO per instance from logits[crop_j][text_k] (100 x cosine for real CLIP).

    CIO_sim = logits[j][j]; CIO_sigma = softmax(logits[j])[j]; CIO_diff = logits[j][j] minus the mean
    of the row's other entries (None with a single instance, where it is undefined)."""
    rows = []
    n = len(logits)
    for j, row in enumerate(logits):
        top = max(row)
        exps = [math.exp(value - top) for value in row]
        sigma = exps[j] / sum(exps)
        diff = row[j] - (sum(row) - row[j]) / (n - 1) if n > 1 else None
        rows.append({"cio_sim": float(row[j]), "cio_sigma": float(sigma),
                     "cio_diff": None if diff is None else float(diff)})
    return rows
