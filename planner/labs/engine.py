"""The training side shared by every lab: device, seeding, control, data, checkpoints.

Imported only in the worker process (it imports torch). A lab module defines
`train(cfg, session) -> Iterator[LabEvent]` whose return value is the run's result dict.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from planner.core.errors import CheckpointError, LabConfigError
from planner.core.events import Checkpoint, Metric
from planner.labs.config import LabConfig, as_dict

CHECKPOINT_FORMAT = 1


class Diverged(Exception):
    """The loss became NaN or infinite."""

    def __init__(self, step: int, value: float, hint: str):
        self.step = step
        super().__init__(f"the loss became {value} at step {step}; {hint}")


class Control:
    """The parent's pause and stop requests, as seen from the training loop."""

    def __init__(self, stop=None, running=None):
        self._stop = stop  # multiprocessing.Event, set to stop
        self._running = running  # multiprocessing.Event, cleared to pause

    def stop_requested(self) -> bool:
        if self._running is not None and not self._running.is_set():
            # paused: wait here, still answering a stop request
            while not self._running.wait(0.1):
                if self._stop is not None and self._stop.is_set():
                    return True
        return self._stop is not None and self._stop.is_set()


def pick_device(requested: str = "auto") -> torch.device:
    """CUDA, then Apple's MPS, then CPU; or exactly the device asked for."""
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise LabConfigError("device", "CUDA was asked for, but this PyTorch build or machine has no "
                                       "CUDA GPU; choose auto or cpu")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise LabConfigError("device", "MPS was asked for, but this machine has no Apple GPU; "
                                       "choose auto or cpu")
    return device


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)}, mixed precision)"
    if device.type == "cpu":
        threads = torch.get_num_threads()
        return f"cpu ({threads} thread{'s' if threads > 1 else ''})"
    return device.type


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, numpy and torch; return a CPU generator for shuffling."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@dataclass
class Session:
    """What a training loop gets from the worker."""

    lab: str
    config: LabConfig
    device: torch.device
    control: Control
    checkpoint_dir: Path | None = None
    resume_path: Path | None = None
    resources_dir: Path | None = None
    started: float = 0.0

    def __post_init__(self):
        self.started = time.perf_counter()
        self.generator = seed_everything(self.config.seed)
        self.amp = self.device.type == "cuda"

    @property
    def stopped(self) -> bool:
        """True once the parent asked to stop; blocks while the run is paused."""
        return self.control.stop_requested()

    def autocast(self):
        """Mixed precision on CUDA (bfloat16 where supported); nothing elsewhere."""
        if not self.amp:
            return contextlib.nullcontext()
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.autocast("cuda", dtype=dtype)

    def check_finite(self, loss: float, step: int, hint: str = "try a lower learning rate (lr)") -> None:
        if not np.isfinite(loss):
            raise Diverged(step, loss, hint)

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    # -- checkpoints ---------------------------------------------------------------------------
    def save(self, state: dict[str, Any], step: int, tag: str = "") -> Checkpoint | None:
        """Write `state` (state_dicts and plain values) as a checkpoint; None without a folder."""
        if self.checkpoint_dir is None:
            return None
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = f"{self.lab}-{stamp}-step{step}{'-' + tag if tag else ''}.pt"
        path = self.checkpoint_dir / name
        payload = {"format": CHECKPOINT_FORMAT, "lab": self.lab, "config": as_dict(self.config),
                   "step": step, "state": state}
        partial = path.with_suffix(".pt.partial")
        torch.save(payload, partial)
        os.replace(partial, path)  # a crash mid-write never leaves a truncated .pt behind
        return Checkpoint(str(path), step)

    def resume_state(self) -> dict[str, Any] | None:
        """The state saved in the checkpoint to resume from, checked to be this lab's."""
        if self.resume_path is None:
            return None
        return load_checkpoint(self.resume_path, self.lab)["state"]


def load_checkpoint(path: Path, lab: str) -> dict[str, Any]:
    """Read a checkpoint with `weights_only=True`; refuse another lab's or a damaged file."""
    path = Path(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: no such checkpoint") from None
    except Exception as exc:
        raise CheckpointError(_refusal(path, exc)) from None
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT or "state" not in payload:
        raise CheckpointError(f"{path} is not a Lodestar checkpoint")
    if payload.get("lab") != lab:
        raise CheckpointError(f"{path} is a checkpoint of the {payload.get('lab')!r} lab, not of {lab!r}")
    return payload


def _refusal(path: Path, exc: Exception) -> str:
    """Why a checkpoint was not loaded, in our words. PyTorch's own message for a file holding
    more than tensors advises loading it with weights_only=False, which would run whatever code
    the file carries: that advice is never passed on."""
    text = str(exc)
    if "global" in text and ("weights" in text.lower() or isinstance(exc, pickle.UnpicklingError)):
        return (f"{path} is not a Lodestar checkpoint: besides weights it holds Python objects, and "
                "loading those could run code hidden in the file, so Lodestar does not open it. "
                "Use a checkpoint that Lodestar saved.")
    if isinstance(exc, pickle.UnpicklingError) or "weights" in text.lower():
        return f"{path} is not a readable Lodestar checkpoint (damaged, or not a PyTorch file)"
    first = text.splitlines()[0][:200] if text else "damaged file"
    return f"{path} is not a readable Lodestar checkpoint ({type(exc).__name__}: {first})"


def restore(module: nn.Module | torch.optim.Optimizer, state: dict, what: str) -> None:
    """Load a state_dict, turning a shape mismatch into a message about the settings."""
    try:
        module.load_state_dict(state)
    except (RuntimeError, ValueError, KeyError) as exc:
        first = str(exc).strip().splitlines()
        raise CheckpointError(f"the checkpoint's {what} does not fit these settings (was it saved with "
                              f"other sizes?): {first[1].strip() if len(first) > 1 else first[0]}") from None


Part = nn.Module | torch.optim.Optimizer


def optimise(optimiser: torch.optim.Optimizer, loss: torch.Tensor, clip: float = 0.0) -> None:
    """One update: clear the gradients, back-propagate, clip their norm when `clip` > 0, step."""
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    if clip > 0:
        nn.utils.clip_grad_norm_([p for g in optimiser.param_groups for p in g["params"]], clip)
    optimiser.step()


def resume(session: Session, **parts: Part | dict[str, Part]) -> tuple[int, int]:
    """Load the checkpoint being resumed (if any) into the named models and optimisers, which
    may be dicts of them; returns the (step, epoch) to go on from, (0, 0) for a fresh run."""
    state = session.resume_state()
    if state is None:
        return 0, 0
    for name, part in parts.items():
        if name not in state:
            raise CheckpointError(f"the checkpoint has no {name.replace('_', ' ')}")
        group = part if isinstance(part, dict) else {"": part}
        saved = state[name] if isinstance(part, dict) else {"": state[name]}
        for key, each in group.items():
            restore(each, saved[key], f"{key} {name}".strip().replace("_", " "))
    return state["step"], state["epoch"]


def save_parts(session: Session, step: int, epoch: int, extra: dict[str, Any] | None = None,
               **parts: Part | dict[str, Part]) -> Iterator[Checkpoint]:
    """Checkpoint the named models and optimisers (yields the event when a folder is set)."""
    state: dict[str, Any] = {"step": step, "epoch": epoch, **(extra or {})}
    for name, part in parts.items():
        state[name] = ({k: v.state_dict() for k, v in part.items()} if isinstance(part, dict)
                       else part.state_dict())
    saved = session.save(state, step)
    if saved is not None:
        yield saved


def count_params(*modules: nn.Module) -> int:
    return sum(p.numel() for m in modules for p in m.parameters() if p.requires_grad)


# -- data ----------------------------------------------------------------------------------------

@dataclass
class Split:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def digits(device: torch.device, test_fraction: float = 0.2) -> Split:
    """scikit-learn's 1,797 8x8 digits, pixels scaled to [0, 1], one fixed stratified split
    (the same for every seed, so runs compare on the same test set)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_fraction, random_state=0, stratify=y)
    def t(a):
        return torch.from_numpy(a).to(device)
    return Split(t(x_tr), t(y_tr), t(x_te), t(y_te))


def batches(n: int, batch_size: int, generator: torch.Generator, device: torch.device,
            shuffle: bool = True) -> Iterator[torch.Tensor]:
    """Index tensors covering range(n) once, shuffled with `generator`."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    order = order.to(device)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


@torch.no_grad()
def evaluate_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor,
                        batch_size: int = 1024) -> tuple[float, float, torch.Tensor]:
    """(mean loss, accuracy, predictions) in eval mode; restores the model's mode."""
    was_training = model.training
    model.eval()
    losses, preds = [], []
    for start in range(0, len(x), batch_size):
        logits, loss = model(x[start:start + batch_size], y[start:start + batch_size])
        losses.append(loss.float() * len(logits))
        preds.append(logits.argmax(-1))
    model.train(was_training)
    pred = torch.cat(preds)
    return (torch.stack(losses).sum() / len(x)).item(), (pred == y).float().mean().item(), pred


def fit_classifier(session: Session, model: nn.Module, optimiser: torch.optim.Optimizer, data: Split,
                   epochs: int, batch_size: int, prefix: str = "", first_epoch: int = 0,
                   step: int = 0) -> Iterator[Metric]:
    """Train `model` (forward(x, y) -> (logits, loss)) for `epochs`, yielding train loss every
    step and test loss/accuracy every epoch; returns (last step, last epoch done, test accuracy)."""
    model.train()
    accuracy = 0.0
    epoch = first_epoch
    scaler = torch.amp.GradScaler("cuda", enabled=session.amp and not torch.cuda.is_bf16_supported())
    for epoch in range(first_epoch + 1, first_epoch + epochs + 1):
        for idx in batches(len(data.x_train), batch_size, session.generator, session.device):
            if session.stopped:
                return step, epoch - 1, accuracy
            with session.autocast():
                _, loss = model(data.x_train[idx], data.y_train[idx])
            optimiser.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimiser)
            scaler.update()
            step += 1
            value = loss.item()
            session.check_finite(value, step)
            yield Metric(step, epoch, f"{prefix}train/loss", value)
        test_loss, accuracy, _ = evaluate_classifier(model, data.x_test, data.y_test)
        yield Metric(step, epoch, f"{prefix}test/loss", test_loss)
        yield Metric(step, epoch, f"{prefix}test/accuracy", accuracy)
    return step, epoch, accuracy
