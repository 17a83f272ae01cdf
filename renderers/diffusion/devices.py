"""Which device and which number format a render runs on.

auto picks cuda, then mps, then the CPU; dtype auto is float16 on a GPU and float32 on the CPU
(half precision on the CPU is slow and, for some layers, unsupported). A device that is asked for
but absent is `RendererUnavailable` (exit 4); offload on anything but CUDA is `InvalidInput`.
"""

from __future__ import annotations

from scenes.errors import InvalidInput, RendererUnavailable


def resolve_device(name: str):
    """The torch.device for an option value (auto, cpu, mps, cuda, cuda:N); raises when absent."""
    import torch

    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", torch.cuda.current_device())
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "mps":
        if not _mps_available():
            raise RendererUnavailable("device 'mps' is not available on this machine",
                                      hint="Use --device cpu, or --device auto to take what is there.")
        return torch.device("mps")
    # cuda or cuda:N
    if not torch.cuda.is_available():
        raise RendererUnavailable(
            f"device '{name}' is not available: this torch build or machine has no CUDA GPU",
            hint="Use --device cpu (slow), or install a CUDA build of torch on a machine with an NVIDIA GPU.",
        )
    index = int(name.split(":")[1]) if ":" in name else torch.cuda.current_device()
    count = torch.cuda.device_count()
    if index >= count:
        raise RendererUnavailable(f"device '{name}' does not exist: this machine has {count} CUDA device(s)",
                                  hint=f"Use --device cuda:0 … cuda:{count - 1}.")
    return torch.device("cuda", index)


def _mps_available() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_dtype(name: str, device):
    import torch

    if name == "auto":
        return torch.float32 if device.type == "cpu" else torch.float16
    return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[name]


def check_offload(offload: str, device) -> None:
    if offload != "none" and device.type != "cuda":
        raise InvalidInput(
            f"--offload {offload} needs a CUDA device; this render runs on '{device}'",
            hint="Drop --offload, or render on an NVIDIA GPU (--device cuda).",
        )


def dtype_name(dtype) -> str:
    return str(dtype).removeprefix("torch.")
