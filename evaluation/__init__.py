"""`deig eval`: score rendered scenes the way each benchmark's authors did.

One per-instance pipeline (detect -> match to the scene's box by IoU -> crop -> attribute check ->
decisions) parameterised by a protocol preset that pins thresholds, prompts and quirks of each
benchmark's reference code. Heavy libraries (torch, transformers) load only inside the evaluators.
"""
