"""`deig download [MODEL…]`: exactly the files a render loads, said before, resumable, nothing more."""

from __future__ import annotations

from typing import Annotated

import typer

from scenes.errors import InvalidInput

from .. import console, flags, registry
from ..weights import describe, fetch, plan_download, refuse_unaccepted


def download(
    models: Annotated[list[str] | None, typer.Argument(metavar="MODEL", help="Hub ids (owner/name): base "
                      "models, OpenPose ControlNets, dushy5/DEIG. Default: the renderer's default model.")] = None,
    renderer: Annotated[str, typer.Option("--renderer", help="Whose weights: regional, finecontrolnet or deig.")
                        ] = "regional",
    dtype: Annotated[str, typer.Option("--dtype", help="The dtype you will render in: auto (float16 on a GPU, "
                     "float32 on the CPU), float16 (fp16 files where published), float32 or bfloat16.")] = "auto",
    device: Annotated[str, typer.Option("--device", help="Resolves --dtype auto: auto, cpu, mps, cuda.")] = "auto",
    controlnet: Annotated[bool, typer.Option("--controlnet/--no-controlnet", help="Also fetch the OpenPose "
                          "ControlNet that goes with each base model (posed scenes need it).")] = True,
    accept_license: Annotated[bool, typer.Option("--accept-license", help="Fetch weights that are gated, not "
                              "openly licensed or of unstated licence: you have read and accept their licence.")
                              ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be fetched, fetch nothing.")] = False,
    quiet: flags.Quiet = False,
) -> None:
    """Download the weights a render needs, and only those: diffusers layout, safetensors, the run's dtype.

    Says what and how much before it starts, shows progress on a terminal, and resumes an
    interrupted download when run again. Prints each downloaded snapshot folder on stdout.

    Examples:

      deig download

      deig download stabilityai/stable-diffusion-xl-base-1.0 --dtype float16

      deig download --renderer deig --accept-license && deig convert deig dushy5/DEIG
    """
    console.set_quiet(quiet)
    if dtype not in ("auto", "float32", "float16", "bfloat16"):
        raise InvalidInput(f"unknown --dtype '{dtype}'", hint="Use auto, float32, float16 or bfloat16.")
    from renderers.diffusion.sources import offline, parse_source, require_hub

    cls = registry.load("renderer", renderer)
    if renderer == "preview":
        raise InvalidInput("the preview renderer needs no weights", hint="deig download --renderer regional")
    ids = list(models or [])
    if not ids:
        default = cls.Options.model_fields.get("model")
        if default is None or not isinstance(default.default, str):
            raise InvalidInput(f"renderer '{renderer}' uses no downloadable weights",
                               hint="Name the models: deig download OWNER/NAME …")
        ids = [default.default]
    for repo_id in ids:
        if parse_source(repo_id).kind != "hub":
            raise InvalidInput(f"'{repo_id}' is not a hub id (owner/name)",
                               hint="deig download fetches from the hub; local folders and files need nothing.")
    if offline():
        raise InvalidInput("HF_HUB_OFFLINE is set: nothing can be downloaded",
                           hint="Unset HF_HUB_OFFLINE (and TRANSFORMERS_OFFLINE) where there is network access.")
    require_hub(ids[0])
    planned = plan_download(ids, renderer=renderer, dtype=dtype, device=device,
                            controlnet=controlnet and renderer != "deig")
    console.note("Will download:" if not dry_run else "Would download:")
    for line in describe(planned):
        console.note(line)
    refuse_unaccepted(planned, accept_license)
    if dry_run:
        return
    for folder in fetch(planned):
        console.emit(str(folder))
    for item in planned:
        if item.need.then:
            console.note(f"Next: {item.need.then}")
