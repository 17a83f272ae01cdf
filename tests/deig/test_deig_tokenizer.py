"""The T5 tokenizer: the spec names the sentencepiece `T5Tokenizer` (spec §2.1); we load the
tokenizers-backed one transformers 5 builds from the same `spiece.model`. They must give the same
ids: checked against the sentencepiece library itself on a few thousand varied captions, with a
small sentencepiece model trained here (the hub cannot be reached), both as the checkpoint's
T5-XL/ folder is read and as the converted folder is read again.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
import sentencepiece as spm
from conftest import REPO

MAX_LENGTH = 128  # the published model's (spec §2.1)
SETS = REPO / "benchmarks" / "data"


def _plain_captions() -> list[str]:
    lines = []
    for name in ("geneval/generation_prompts.txt", "t2i_compbench/spatial_val.txt",
                 "t2i_compbench/numeracy_val.txt", "t2i_compbench/3d_spatial_val.txt"):
        lines += [line.strip() for line in (SETS / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def _captions() -> list[str]:
    lines = _plain_captions()
    rng = random.Random(0)
    varied = []
    for line in lines:  # what users type: capitals, punctuation, digits, accents, odd spacing, length
        varied.append(line.upper())
        varied.append(f"  {line},  with 3 extra-large café chairs!! ")
        varied.append(" ".join(rng.sample(line.split(), len(line.split()))) + " (über-detailed; 4k) ☕")
    varied += ["", " ", "a", "x" * 400, " ".join(lines[:60]), "２つの赤いりんご", "ﬁne ligatures", "tab\tand\nnewline"]
    return lines + varied


@pytest.fixture(scope="module")
def t5_folder(tmp_path_factory) -> tuple[Path, bytes]:
    """A T5-XL-like tokenizer folder: spiece.model (T5's ids: pad 0, eos 1, unk 2) and its config."""
    model = io.BytesIO()
    corpus = _plain_captions()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(corpus), model_writer=model, vocab_size=300,
                                   model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
                                   character_coverage=1.0, normalization_rule_name="nmt_nfkc",
                                   minloglevel=2)
    folder = tmp_path_factory.mktemp("T5-XL")
    (folder / "spiece.model").write_bytes(model.getvalue())
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "T5Tokenizer", "model_max_length": 512, "extra_ids": 0}))
    return folder, model.getvalue()


def _reference_ids(processor: spm.SentencePieceProcessor, text: str) -> list[int]:
    """The slow T5Tokenizer (legacy): the pieces' ids, cut to leave room for </s>, </s>, then <pad>s."""
    ids = processor.encode(text)[: MAX_LENGTH - 1] + [1]
    return ids + [0] * (MAX_LENGTH - len(ids))


def test_the_loaded_tokenizer_gives_the_sentencepiece_ids_on_thousands_of_captions(t5_folder, tmp_path) -> None:
    from transformers import AutoTokenizer

    folder, proto = t5_folder
    processor = spm.SentencePieceProcessor(model_proto=proto)
    captions = _captions()
    assert len(captions) > 5000
    expected = [_reference_ids(processor, text) for text in captions]
    read = AutoTokenizer.from_pretrained(folder, local_files_only=True)  # as weights._read_t5 reads T5-XL/
    read.save_pretrained(tmp_path / "tokenizer")  # as the conversion writes it
    reread = AutoTokenizer.from_pretrained(tmp_path / "tokenizer", local_files_only=True)  # as renders load it
    for tokenizer in (read, reread):
        batch = tokenizer(captions, padding="max_length", max_length=MAX_LENGTH, truncation=True)
        mismatched = [text for text, ours, ref in zip(captions, batch.input_ids, expected, strict=True) if ours != ref]
        assert not mismatched, f"{len(mismatched)} captions differ, e.g. {mismatched[:3]}"
    # The comparison covered the edge cases: unknown pieces (capitals are not in the lowercase
    # training text), captions cut at 128 tokens, and plain captions made of known pieces only.
    assert any(2 in ids for ids in expected) and any(ids[-1] == 1 for ids in expected)
    plain = len(_plain_captions())
    assert sum(2 not in ids for ids in expected[:plain]) > plain * 0.9
