"""Running one batch on several processes started by `torchrun` or `accelerate launch`.

The launcher starts one `deig render` per device (and per machine); accelerate's process state
tells each process its rank, its device and how to talk to the others. Every process sees the
same planned batch: process 0 plans (an LLM asked once, stdin read once) and shares the scenes,
each renders its own contiguous share of the unfinished images, and process 0 writes the batch
index once all have finished. Seeds come from the scenes, never from the rank, so a batch split
over N processes gives the same files as on one.

Without a launcher (WORLD_SIZE unset or 1) nothing here imports torch or accelerate.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from typing import Any, TypeVar

from scenes.errors import RendererUnavailable

T = TypeVar("T")

LAUNCHER_VARIABLES = ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE")


def launched() -> bool:
    """True when a distributed launcher started this process as one of several."""
    for name in LAUNCHER_VARIABLES:
        try:
            if int(os.environ.get(name, "1")) > 1:
                return True
        except ValueError:
            continue
    return False


class Processes:
    """This process alone: rank 0 of 1. The distributed variant below has the same methods."""

    index = 0
    count = 1
    is_main = True
    device: str | None = None  # None: the renderer picks its device itself

    def share(self, value: T) -> T:
        """Process 0's `value`, on every process."""
        return value

    def wait(self) -> None:
        """Return once every process has arrived here."""

    def split(self, items: list[T]) -> list[T]:
        """This process's contiguous share of `items` (the same list on every process)."""
        return list(items)

    def gather(self, items: list[Any]) -> list[Any]:
        """Every process's `items`, concatenated in rank order, on every process."""
        return list(items)

    def close(self) -> None:
        pass


class LaunchedProcesses(Processes):
    """One of the processes of `torchrun` / `accelerate launch`, through accelerate's PartialState."""

    def __init__(self, *, cpu: bool = False):
        try:
            import torch
            from accelerate import PartialState
        except ImportError as exc:
            raise RendererUnavailable(f"a distributed launch needs torch and accelerate: {exc}",
                                      hint="Install deig with its dependencies.") from None
        # Without CUDA, accelerate only forms a process group when told to use the CPU (gloo).
        self._state = PartialState(cpu=cpu or not torch.cuda.is_available())
        self.index = self._state.process_index
        self.count = self._state.num_processes
        self.is_main = self._state.is_main_process
        device = self._state.device
        self.device = None if device.type == "cpu" else str(device)

    def share(self, value: T) -> T:
        from accelerate.utils import broadcast_object_list

        holder = [value if self.is_main else None]
        broadcast_object_list(holder, from_process=0)
        return holder[0]

    def wait(self) -> None:
        self._state.wait_for_everyone()

    def split(self, items: list[T]) -> list[T]:
        with self._state.split_between_processes(list(items)) as share:
            return list(share)

    def gather(self, items: list[Any]) -> list[Any]:
        from accelerate.utils import gather_object

        return list(gather_object(list(items)))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # at exit; never worth a second error
            self._state.destroy_process_group()
            # Free the group's C++ side now, while the interpreter is whole: gloo work objects left
            # for interpreter shutdown can abort the process (SIGABRT) after a successful run.
            gc.collect()


@contextlib.contextmanager
def processes(*, cpu: bool = False) -> Iterator[Processes]:
    """The processes this run is part of: several under a launcher, else just this one."""
    group = LaunchedProcesses(cpu=cpu) if launched() else Processes()
    try:
        yield group
        # Tear down together: no process closes its connections while another still uses them.
        # (Not after an error: the others may be inside another collective, and would never come.
        # A peer that died here has reported its own error; this one has finished its work.)
        with contextlib.suppress(Exception):
            group.wait()
    finally:
        group.close()
