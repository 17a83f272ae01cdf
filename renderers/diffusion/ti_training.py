"""Textual-inversion training: a new token's vectors learned from a few images, with accelerate.

The model stays frozen; only the new rows are trained (`LearnedTable` puts them after the
encoder's own table, where no tokenizer id reaches). The loss is the diffusion loss of SD's
training (noise prediction on the VAE latents of the images, prompts "a photo of <token>" and
similar). The optional contrastive term, after CLIF, works in the text encoder where confusion
starts: it lowers the cosine similarity between the pooled text features of a prompt naming the
new token and of the same prompt naming each other concept (`contrast` vectors).

Checkpoints (the vectors, Adam's moments, the step, the random state) go into the output folder
every `checkpoint_every` steps, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .loading import Components
from .textual_inversion import caption_ids

TEMPLATES = ("a photo of {}", "a picture of {}", "a close-up photo of {}", "a rendering of {}", "a good photo of {}")
PLACEHOLDER = "sks"  # the word the templates use; replaced by the learned ids


class LearnedTable(nn.Module):
    """The encoder's frozen token table followed by trainable rows (ids from `first` on)."""

    def __init__(self, table: nn.Embedding, rows: torch.Tensor):
        super().__init__()
        self.table, self.first = table, table.num_embeddings
        self.rows = nn.Parameter(rows.clone())

    @property
    def weight(self) -> torch.Tensor:
        return self.table.weight

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        own = self.table(ids.clamp(max=self.first - 1))
        learned = self.rows[(ids - self.first).clamp(min=0, max=self.rows.shape[0] - 1)]
        return torch.where((ids >= self.first)[..., None], learned, own)


@dataclass
class TrainingSettings:
    steps: int
    vectors: int = 1
    learning_rate: float = 5e-3
    batch_size: int = 1
    seed: int = 0
    init_word: str | None = None
    contrast: list[torch.Tensor] = field(default_factory=list)  # other concepts' vectors (k, D)
    contrast_weight: float = 0.1
    checkpoint_every: int = 50
    # Draw the noise and timesteps once and reuse them every step: the loss then measures the
    # learned vectors alone (no sampling noise); for checks on tiny models, not for real training.
    fixed_noise: bool = False


@dataclass
class TrainingState:
    step: int = 0
    losses: list[float] = field(default_factory=list)
    contrast_losses: list[float] = field(default_factory=list)


def _initial_rows(components: Components, settings: TrainingSettings) -> torch.Tensor:
    """The init word's mean token vector (a class noun is a good start), or the table's mean."""
    table = components.text_encoders[0].get_input_embeddings().weight.detach()
    if settings.init_word:
        ids = components.tokenizers[0](settings.init_word, add_special_tokens=False).input_ids
        start = table[ids].mean(dim=0)
    else:
        start = table.mean(dim=0)
    return start.expand(settings.vectors, -1).clone()


def _prompt_ids(components: Components, template: str, learned: list[int]) -> torch.Tensor:
    tokenizer = components.tokenizers[0]
    words = caption_ids(tokenizer, template.format(PLACEHOLDER), PLACEHOLDER, learned)
    ids = [tokenizer.bos_token_id, *words, tokenizer.eos_token_id]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    return torch.tensor(ids + [pad] * (tokenizer.model_max_length - len(ids)))


def _pooled(encoder, ids: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """Text features at each prompt's end token (CLIP's pooled output, taken where the prompt ends)."""
    states = encoder(ids)[0]
    return states[torch.arange(ids.shape[0]), end]


def train(components: Components, images: torch.Tensor, settings: TrainingSettings, *,
          resume: dict | None = None, on_step: Callable[[int, TrainingState], None] | None = None,
          on_checkpoint: Callable[[dict], None] | None = None) -> tuple[torch.Tensor, TrainingState]:
    """Learn `settings.vectors` rows from `images` ((n, 3, H, W) in [-1, 1]); returns (rows, state)."""
    from accelerate import Accelerator
    from diffusers import DDPMScheduler

    accelerator = Accelerator(cpu=not torch.cuda.is_available())
    device = accelerator.device
    generator = torch.Generator().manual_seed(settings.seed)
    encoder, unet, vae = components.text_encoders[0], components.unet, components.vae
    for module in (encoder, unet, vae):
        module.requires_grad_(False).eval().to(device)
    original = encoder.get_input_embeddings()
    learned_table = LearnedTable(original, _initial_rows(components, settings)).to(device)
    encoder.set_input_embeddings(learned_table)
    try:
        optimizer = torch.optim.AdamW([learned_table.rows], lr=settings.learning_rate, weight_decay=0.0)
        state = TrainingState()
        if resume is not None:
            learned_table.rows.data.copy_(resume["rows"])
            optimizer.load_state_dict(resume["optimizer"])
            state = resume["state"]
            generator.set_state(resume["generator"])
        rows_param, optimizer = accelerator.prepare(learned_table.rows, optimizer)
        scheduler = DDPMScheduler.from_config(dict(components.scheduler_config))
        with torch.no_grad():
            latents = vae.encode(images.to(device)).latent_dist.mode() * vae.config.scaling_factor
        learned = list(range(learned_table.first, learned_table.first + settings.vectors))
        prompts = torch.stack([_prompt_ids(components, t, learned) for t in TEMPLATES]).to(device)
        contrast = _contrast_prompts(components, learned_table, settings, device)
        fixed = generator.get_state()
        while state.step < settings.steps:
            if settings.fixed_noise:
                generator.set_state(fixed)
            pick = torch.randint(0, latents.shape[0], (settings.batch_size,), generator=generator)
            template = torch.randint(0, len(TEMPLATES), (settings.batch_size,), generator=generator)
            noise = torch.randn(latents[pick].shape, generator=generator).to(device)
            timesteps = torch.randint(0, scheduler.config.num_train_timesteps, (settings.batch_size,),
                                      generator=generator).to(device)
            noisy = scheduler.add_noise(latents[pick], noise, timesteps)
            context = encoder(prompts[template])[0]
            prediction = unet(noisy, timesteps, context).sample
            target = noise if scheduler.config.prediction_type == "epsilon" else \
                scheduler.get_velocity(latents[pick], noise, timesteps)
            loss = F.mse_loss(prediction.float(), target.float())
            total = loss
            if contrast is not None:
                term = _contrast_term(encoder, *contrast)
                total = loss + settings.contrast_weight * term
                state.contrast_losses.append(float(term.detach()))
            accelerator.backward(total)
            optimizer.step()
            optimizer.zero_grad()
            state.step += 1
            state.losses.append(float(loss.detach()))
            if on_step is not None:
                on_step(state.step, state)
            if on_checkpoint is not None and (state.step % settings.checkpoint_every == 0 or state.step == settings.steps):
                on_checkpoint({"rows": learned_table.rows.detach().cpu().clone(), "optimizer": optimizer.state_dict(),
                               "state": state, "generator": generator.get_state()})
        return learned_table.rows.detach().cpu().clone(), state
    finally:
        encoder.set_input_embeddings(original)


def _contrast_prompts(components: Components, table: LearnedTable, settings: TrainingSettings, device):
    """(own prompt ids, end index, other concepts' pooled features) of "a photo of X", or None."""
    if not settings.contrast:
        return None
    first = table.first + settings.vectors
    learned = list(range(table.first, first))
    own = _prompt_ids(components, TEMPLATES[0], learned)[None].to(device)
    end = (own[0] == components.tokenizers[0].eos_token_id).nonzero()[0]
    # Other concepts' vectors are frozen rows of a second table for this one comparison.
    others = []
    with torch.no_grad():
        encoder = components.text_encoders[0]
        for vectors in settings.contrast:
            ids = list(range(table.first, table.first + vectors.shape[0]))
            saved = table.rows.data.clone()
            frozen = LearnedTable(table.table, vectors.to(device))
            encoder.set_input_embeddings(frozen)
            prompt = _prompt_ids(components, TEMPLATES[0], ids)[None].to(device)
            stop = (prompt[0] == components.tokenizers[0].eos_token_id).nonzero()[0]
            others.append(_pooled(encoder, prompt, stop))
            encoder.set_input_embeddings(table)
            table.rows.data.copy_(saved)
    return own, end, torch.cat(others)


def _contrast_term(encoder, own: torch.Tensor, end: torch.Tensor, others: torch.Tensor) -> torch.Tensor:
    features = _pooled(encoder, own, end)
    return F.cosine_similarity(features, others, dim=-1).mean()


def similarity(components: Components, rows: torch.Tensor, other: torch.Tensor) -> float:
    """Cosine similarity of the pooled text features of "a photo of X" for two learned concepts."""
    encoder = components.text_encoders[0]
    original = encoder.get_input_embeddings()
    features = []
    try:
        with torch.no_grad():
            for vectors in (rows, other):
                table = LearnedTable(original, vectors.to(original.weight))
                encoder.set_input_embeddings(table)
                ids = _prompt_ids(components, TEMPLATES[0], list(range(table.first, table.first + vectors.shape[0])))
                end = (ids == components.tokenizers[0].eos_token_id).nonzero()[0]
                features.append(_pooled(encoder, ids[None], end))
    finally:
        encoder.set_input_embeddings(original)
    return float(F.cosine_similarity(features[0], features[1], dim=-1))


def checkpoint_files(checkpoint: dict) -> tuple[dict[str, torch.Tensor], str]:
    """A checkpoint as safetensors tensors (rows, Adam's moments, random state) and JSON (the rest)."""
    optimizer = checkpoint["optimizer"]
    moments = optimizer["state"].get(0, {})
    tensors = {"rows": checkpoint["rows"], "generator": checkpoint["generator"]}
    tensors.update({f"adam.{k}": v.detach().cpu() if torch.is_tensor(v) else torch.tensor(v)
                    for k, v in moments.items()})
    state = checkpoint["state"]
    meta = {"step": state.step, "losses": state.losses, "contrast_losses": state.contrast_losses,
            "param_groups": optimizer["param_groups"]}
    return tensors, json.dumps(meta)


def checkpoint_from_files(tensors: dict[str, torch.Tensor], meta_json: str) -> dict:
    meta = json.loads(meta_json)
    moments = {k.removeprefix("adam."): v for k, v in tensors.items() if k.startswith("adam.")}
    optimizer = {"state": {0: moments} if moments else {}, "param_groups": meta["param_groups"]}
    state = TrainingState(meta["step"], meta["losses"], meta["contrast_losses"])
    return {"rows": tensors["rows"], "optimizer": optimizer, "state": state, "generator": tensors["generator"]}
