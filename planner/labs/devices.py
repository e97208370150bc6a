"""Which devices PyTorch can train on here. The app never imports torch, so it asks a spawned
process once (`planner.labs.runner.probe_devices`); this module imports torch only inside
`available`, which runs in that process."""

from __future__ import annotations

import os


def worker_threads() -> int:
    """The threads a lab's worker trains with: every core but one, which the app keeps."""
    return max(1, (os.cpu_count() or 2) - 1)


def available() -> list[tuple[str, str]]:
    """(device, label) pairs, CPU first: every CUDA GPU this PyTorch build can use, then Apple's
    MPS where present."""
    import torch

    threads = worker_threads()
    devices = [("cpu", f"CPU ({threads} thread{'s' if threads > 1 else ''})")]
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            devices.append((f"cuda:{index}" if index else "cuda",
                            f"CUDA: {props.name} ({props.total_memory / 2**30:.0f} GiB)"))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append(("mps", "Apple GPU (MPS)"))
    return devices
