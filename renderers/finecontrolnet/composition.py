"""FineControlNet's 'h-control' composition (spec §6.6): every branch of an iteration in one batch.

A branch is one instance: the shared latent, that instance's caption and, when it has a pose, its
own skeleton as the ControlNet input. With classifier-free guidance each branch runs twice (its
caption, and the negative text), so one iteration is a batch of passes x N rows, guidance-major:
rows 0..N-1 are the negative pass, rows N..2N-1 the positive one.

Per iteration:

1. ControlNet on the rows of posed branches, one call: 12 skip residuals and one middle residual
   per row, each times the control strength. Branches without a pose contribute zeros.
2. Residuals for the UNet's skip connections. The lowest-resolution decoder block (diffusers'
   `up_blocks[0]`, the reference's decoder blocks 0-2) takes each branch's own residuals, as does
   the middle block; every other decoder block takes one shared residual per guidance pass,
   Σ_k W_k ⊙ r_k with the weight maps bilinearly resized to the skip's resolution.
3. UNet on all rows, one call, with those residuals. A forward hook on the last decoder block
   reads each row's final features h_n; the composite Σ_n W_n ⊙ h_n per guidance pass goes
   through the UNet's own output head (GroupNorm, SiLU, conv) once.

Why this needs no forked UNet and no driver that re-implements the forward pass: 'h-control' adds
ControlNet residuals exactly where diffusers' `down_block_additional_residuals` and
`mid_block_additional_residual` go (to the skips and to the middle output), and the reference's
boundary between own and shared residuals (decoder block j <= 2 vs j >= 3) falls exactly between
diffusers' `up_blocks[0]` and `up_blocks[1]`. So the shared residuals are computed before the UNet
call and passed through diffusers' own arguments; the one step diffusers has no seam for, the
composite before the output head, is taken from a hook and finished with `conv_norm_out`,
`conv_act` and `conv_out`. (The UNet also runs its head on the branch rows; that output is
discarded. It is one GroupNorm and one 3x3 convolution to 4 channels per row, a negligible part of
a UNet pass, and it keeps the time embedding, SDXL conditioning and offload hooks diffusers' own.)

`max_batch` caps the rows of one call: the ControlNet and UNet then run in chunks of rows, the
shared residuals and the composite are summed over the chunks, and the result equals the single
call's up to float rounding.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch

from .weights import WeightSchedule


@dataclass
class BranchBatch:
    """What the rows of one image's iterations hold; fixed for the whole denoising loop."""

    branches: int  # N
    passes: int  # 2 with guidance (negative, positive), else 1
    context: torch.Tensor  # (passes * N, L, D) text states, row order
    posed: list[int]  # branches that have a control image
    controls: torch.Tensor | None  # (passes * len(posed), 3, H, W) control images of the posed rows
    added: dict[str, torch.Tensor] | None = None  # per-row extra conditioning (SDXL), row order

    @property
    def rows(self) -> int:
        return self.passes * self.branches

    def branch_of(self, row: int) -> int:
        return row % self.branches

    def pass_of(self, row: int) -> int:
        return row // self.branches

    @property
    def posed_rows(self) -> list[int]:
        return [guidance * self.branches + branch for guidance in range(self.passes) for branch in self.posed]

    def added_for(self, rows: list[int]) -> dict[str, torch.Tensor] | None:
        if self.added is None:
            return None
        index = torch.tensor(rows, device=self.context.device)
        return {key: value.index_select(0, index) for key, value in self.added.items()}


@dataclass
class ControlResiduals:
    """ControlNet residuals ready for the UNet: shared ones per guidance pass, own ones per row."""

    shared: list[torch.Tensor | None]  # per skip: (passes, C, h, w) float32, or None where the skip is own
    own: list[torch.Tensor | None]  # per skip: (rows, C, h, w), or None where the skip is shared
    mid: torch.Tensor  # (rows, C, h, w)

    def for_rows(self, rows: list[int], passes: list[int]) -> tuple[list[torch.Tensor], torch.Tensor]:
        device = self.mid.device
        row_index = torch.tensor(rows, device=device)
        pass_index = torch.tensor(passes, device=device)
        dtype = self.mid.dtype
        down = [shared.index_select(0, pass_index).to(dtype) if shared is not None else own.index_select(0, row_index)
                for shared, own in zip(self.shared, self.own, strict=True)]
        return down, self.mid.index_select(0, row_index)


def chunks(rows: list[int], max_batch: int | None) -> list[list[int]]:
    size = max_batch or max(len(rows), 1)
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def own_skip_count(unet) -> int:
    """Skips that keep each branch's own residual: those the lowest-resolution decoder block reads."""
    return len(unet.up_blocks[0].resnets)


def control_residuals(controlnet, sample: torch.Tensor, timestep, batch: BranchBatch, schedule: WeightSchedule,
                      iteration: int, *, strength: float, own_skips: int,
                      max_batch: int | None = None) -> ControlResiduals:
    """Step 1-2: the ControlNet on every posed row, and its residuals mixed for the UNet."""
    posed_rows = batch.posed_rows
    shared: list[torch.Tensor | None] | None = None
    own: list[torch.Tensor | None] | None = None
    mid: torch.Tensor | None = None
    start = 0
    for rows in chunks(posed_rows, max_batch):
        positions = list(range(start, start + len(rows)))
        start += len(rows)
        down, middle = controlnet(
            sample.expand(len(rows), -1, -1, -1), timestep,
            encoder_hidden_states=batch.context[rows], controlnet_cond=batch.controls[positions],
            conditioning_scale=strength, added_cond_kwargs=batch.added_for(rows), return_dict=False,
        )
        if shared is None:
            first_own = len(down) - own_skips
            # Sums are kept in float32 so that chunked and single calls agree closely in half precision.
            shared = [_zeros(r, batch.passes, torch.float32) if q < first_own else None for q, r in enumerate(down)]
            own = [_zeros(r, batch.rows) if q >= first_own else None for q, r in enumerate(down)]
            mid = _zeros(middle, batch.rows)
        index = torch.tensor(rows, device=middle.device)
        mid.index_copy_(0, index, middle)
        for q, residual in enumerate(down):
            if own[q] is not None:
                own[q].index_copy_(0, index, residual)
                continue
            weights = schedule.at(iteration, residual.shape[-2:], device=residual.device, dtype=torch.float32)
            add_weighted(shared[q], residual, rows, batch, weights)
    return ControlResiduals(shared=shared, own=own, mid=mid)


def add_weighted(total: torch.Tensor, values: torch.Tensor, rows: list[int], batch: BranchBatch,
                 weights: torch.Tensor) -> None:
    """total[p] += Σ_n W_n ⊙ values[n] over the `rows` (of `values`) that belong to guidance pass p."""
    for guidance in sorted({batch.pass_of(row) for row in rows}):
        mine = [k for k, row in enumerate(rows) if batch.pass_of(row) == guidance]
        branches = torch.tensor([batch.branch_of(rows[k]) for k in mine], device=values.device)
        total[guidance] += (values[mine].float() * weights.index_select(0, branches)).sum(dim=0)


def _zeros(like: torch.Tensor, rows: int, dtype: torch.dtype | None = None) -> torch.Tensor:
    return torch.zeros((rows, *like.shape[1:]), device=like.device, dtype=dtype or like.dtype)


@contextmanager
def decoder_output(unet):
    """Collect what the UNet's last decoder block returns (the features before the output head)."""
    captured: list[torch.Tensor] = []
    handle = unet.up_blocks[-1].register_forward_hook(lambda module, args, output: captured.append(output))
    try:
        yield captured
    finally:
        handle.remove()


def composite_features(unet, sample: torch.Tensor, timestep, batch: BranchBatch, schedule: WeightSchedule,
                       iteration: int, residuals: ControlResiduals | None, *,
                       max_batch: int | None = None) -> torch.Tensor:
    """Step 3: the UNet on every row; (passes, C, h, w) = Σ_n W_n ⊙ h_n per guidance pass."""
    composite = None
    for rows in chunks(list(range(batch.rows)), max_batch):
        passes = [batch.pass_of(row) for row in rows]
        control = {}
        if residuals is not None:
            down, mid = residuals.for_rows(rows, passes)
            control = {"down_block_additional_residuals": down, "mid_block_additional_residual": mid}
        with decoder_output(unet) as captured:
            unet(sample.expand(len(rows), -1, -1, -1), timestep, encoder_hidden_states=batch.context[rows],
                 added_cond_kwargs=batch.added_for(rows), return_dict=False, **control)
        (features,) = captured
        weights = schedule.at(iteration, features.shape[-2:], device=features.device, dtype=torch.float32)
        if composite is None:
            composite = torch.zeros((batch.passes, *features.shape[1:]), device=features.device, dtype=torch.float32)
        add_weighted(composite, features, rows, batch, weights)
    return composite.to(features.dtype)


def output_head(unet, features: torch.Tensor) -> torch.Tensor:
    """The UNet's own last layers, on the composited features."""
    if unet.conv_norm_out is not None:
        features = unet.conv_act(unet.conv_norm_out(features))
    return unet.conv_out(features)


def predict_noise(unet, controlnet, sample: torch.Tensor, timestep, batch: BranchBatch, schedule: WeightSchedule,
                  iteration: int, *, strength: float, max_batch: int | None = None) -> torch.Tensor:
    """One iteration's noise prediction per guidance pass, (passes, C, h, w): negative first."""
    residuals = None
    if controlnet is not None and batch.posed:
        residuals = control_residuals(controlnet, sample, timestep, batch, schedule, iteration, strength=strength,
                                      own_skips=own_skip_count(unet), max_batch=max_batch)
    features = composite_features(unet, sample, timestep, batch, schedule, iteration, residuals, max_batch=max_batch)
    return output_head(unet, features)
