"""Reading a pickle (the published DEIG `model.pth`, a concept `.bin`/`.pt`) without letting it run code.

A pickle names the functions and classes that rebuild its objects ("globals"), and unpickling
calls them. `torch.load(weights_only=True)` admits tensors and a few containers only, and the
published file may hold more (the reference loads it with weights_only=False: training counters,
settings, numpy numbers). This unpickler admits exactly the globals that rebuild data: containers,
tensors (torch's and numpy's), numbers and strings. Anything else (os.system, subprocess, eval,
any class of a library) is refused before it is called, and the whole file is refused with it.
"""

from __future__ import annotations

import _compat_pickle
import pickle
from typing import Any

# Plain data beyond what pickle's own opcodes build (dict, list, tuple, str, int, float, bool, None).
_DATA = {
    ("collections", "OrderedDict"),
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"), ("builtins", "bytearray"),
    ("_codecs", "encode"),  # how protocol 2 writes bytes: _codecs.encode(str, "latin1")
}
# How torch.save writes tensors (storages are resolved by torch.load itself, before find_class).
_TORCH = {
    ("torch._utils", "_rebuild_tensor"), ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"),
    ("torch", "Size"),
}
# How numpy pickles arrays, dtypes and scalars (numpy 2 moved numpy.core to numpy._core).
_NUMPY = {
    (module, name)
    for module in ("numpy.core.multiarray", "numpy._core.multiarray")
    for name in ("_reconstruct", "scalar")
} | {("numpy", "ndarray"), ("numpy", "dtype")}
ADMITTED = _DATA | _TORCH | _NUMPY


class RefusedGlobal(pickle.UnpicklingError):
    def __init__(self, module: str, name: str):
        super().__init__(f"it names {module}.{name}, which is not data (only containers, tensors, numbers "
                         "and strings are admitted)")
        self.qualified = f"{module}.{name}"


def _torch_value(name: str) -> Any | None:
    """torch.float16 and friends: dtypes are values, not code."""
    import torch

    value = getattr(torch, name, None)
    return value if isinstance(value, torch.dtype) else None


def _numpy_dtype_class(module: str, name: str) -> Any | None:
    """numpy.dtypes.Float32DType and friends (how numpy 2 may name a dtype's class)."""
    if module != "numpy.dtypes" or not name.endswith("DType"):
        return None
    import numpy

    value = getattr(numpy.dtypes, name, None)
    return value if isinstance(value, type) and issubclass(value, numpy.dtype) else None


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        # Protocol 2 writes Python 2 names (__builtin__.set): judge them by the name pickle loads.
        module, name = _compat_pickle.NAME_MAPPING.get(
            (module, name), (_compat_pickle.IMPORT_MAPPING.get(module, module), name))
        if (module, name) in ADMITTED:
            return super().find_class(module, name)
        value = _torch_value(name) if module == "torch" else _numpy_dtype_class(module, name)
        if value is not None:
            return value
        raise RefusedGlobal(module, name)


# This module is what torch.load(pickle_module=...) takes: it needs Unpickler, load and UnpicklingError.
Unpickler = RestrictedUnpickler
UnpicklingError = pickle.UnpicklingError


def load(file, **kwargs) -> Any:
    return RestrictedUnpickler(file, **kwargs).load()
