"""The published DEIG files on the Hugging Face Hub: model.pth and T5-XL/, fetched into the Hub cache."""

from __future__ import annotations

from scenes.errors import RendererUnavailable


def download(repo_id: str):
    """The published files of a Hub repository (model.pth and T5-XL/), into the Hub cache."""
    from pathlib import Path

    from renderers.diffusion.sources import offline, require_hub

    if not offline():
        require_hub(repo_id)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id=repo_id, allow_patterns=["model.pth", "T5-XL/*"],
                                      local_files_only=offline()))
    except Exception as exc:  # offline, not found, gated, network: all mean "weights unavailable"
        raise RendererUnavailable(f"cannot download '{repo_id}': {str(exc).splitlines()[0]}",
                                  hint=f"Run `deig download {repo_id} --accept-license` where there is network "
                                       f"access, then `deig convert deig {repo_id}`; or convert a local copy: "
                                       "`deig convert deig FOLDER`.") from None
