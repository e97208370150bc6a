"""Diffusion lab: a denoising diffusion probabilistic model (DDPM, Ho et al., 2020) on the 8x8
digits. A network learns to predict the noise that was added to a digit at a random step t of
the forward process; sampling runs the process backwards from pure noise. Samples are judged by
the CNN lab's classifier, as the GAN lab's are."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator

import torch
from torch import nn
from torch.nn import functional as F

from planner.core.events import LabEvent, Log, Metric, Started, Visual
from planner.labs import engine
from planner.labs.catalogue import DiffusionConfig
from planner.labs.gan import CONFIDENCE, JUDGE_SAMPLES, TARGET_CONFIDENT, judge_samples, train_judge

JUDGE_EVERY = 50  # epochs between judgements of 1,000 samples


def beta_schedule(kind: str, timesteps: int) -> torch.Tensor:
    """The noise added at each forward step, beta_1..beta_T, shape (T,).

    linear: Ho et al.'s 1e-4 to 0.02 over 1,000 steps, scaled by 1000/T so that T steps destroy
    the signal as thoroughly. cosine: Nichol & Dhariwal's alphabar(t) = f(t)/f(0) with
    f(t) = cos^2(((t/T + s)/(1 + s)) pi/2), which lowers the signal-to-noise ratio more evenly."""
    if kind == "linear":
        scale = 1000 / timesteps
        return torch.linspace(1e-4 * scale, 0.02 * scale, timesteps, dtype=torch.float64).clamp(max=0.999)
    s = 0.008
    t = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    alpha_bar = f / f[0]
    return (1 - alpha_bar[1:] / alpha_bar[:-1]).clamp(max=0.999)


class Schedule:
    """The forward process q(x_t | x_0) and the reverse step p(x_{t-1} | x_t), for t = 0..T-1
    (index t here is step t + 1 of the paper)."""

    def __init__(self, kind: str, timesteps: int, device: torch.device):
        betas = beta_schedule(kind, timesteps)
        alpha_bars = torch.cumprod(1 - betas, 0)
        previous = torch.cat([torch.ones(1, dtype=betas.dtype), alpha_bars[:-1]])
        # the Gaussian posterior q(x_{t-1} | x_t, x_0): its mean's two coefficients and its variance
        coef_x0 = betas * previous.sqrt() / (1 - alpha_bars)
        coef_xt = (1 - previous) * (1 - betas).sqrt() / (1 - alpha_bars)
        variance = betas * (1 - previous) / (1 - alpha_bars)
        def f32(a):
            return a.float().to(device)
        self.timesteps = timesteps
        self.betas, self.alpha_bars = f32(betas), f32(alpha_bars)
        self.coef_x0, self.coef_xt, self.sigma = f32(coef_x0), f32(coef_xt), f32(variance.sqrt())

    def noise(self, x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """x_t = sqrt(alphabar_t) x_0 + sqrt(1 - alphabar_t) eps, in one jump from x_0."""
        alpha_bar = self.alpha_bars[t].unsqueeze(1)                   # (B, 1)
        return alpha_bar.sqrt() * x0 + (1 - alpha_bar).sqrt() * eps   # (B, 64)

    def step(self, x: torch.Tensor, t: int, eps_hat: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """One reverse step x_t -> x_{t-1}: estimate x_0 from the predicted noise, clip it to the
        data's range [-1, 1], and draw from the posterior q(x_{t-1} | x_t, x_0 = that estimate)."""
        alpha_bar = self.alpha_bars[t]
        x0_hat = ((x - (1 - alpha_bar).sqrt() * eps_hat) / alpha_bar.sqrt()).clamp(-1, 1)
        mean = self.coef_x0[t] * x0_hat + self.coef_xt[t] * x
        return mean + self.sigma[t] * z if t > 0 else mean


def sinusoidal_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """The Transformer's position encoding applied to time steps: (B,) -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000) * torch.arange(half, device=t.device) / half)  # (dim/2,)
    angles = t.float().unsqueeze(1) * freqs                                              # (B, dim/2)
    return F.pad(torch.cat([angles.sin(), angles.cos()], 1), (0, dim % 2))              # (B, dim)


class Block(nn.Module):
    """A residual MLP block told the time step: h + W2 SiLU(W1 LayerNorm(h) + W_t time)."""

    def __init__(self, width: int):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, 2 * width)
        self.time = nn.Linear(width, 2 * width)
        self.fc2 = nn.Linear(2 * width, width)

    def forward(self, h: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        return h + self.fc2(F.silu(self.fc1(self.norm(h)) + self.time(time)))  # (B, width)


class Denoiser(nn.Module):
    """eps_theta(x_t, t): predicts the noise in a noisy 8x8 digit (flattened to 64 values)."""

    def __init__(self, hidden: int, blocks: int, n_pixels: int = 64):
        super().__init__()
        self.hidden = hidden
        self.time = nn.Sequential(nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
        self.inp = nn.Linear(n_pixels, hidden)
        self.blocks = nn.ModuleList(Block(hidden) for _ in range(blocks))
        self.out = nn.Sequential(nn.LayerNorm(hidden), nn.SiLU(), nn.Linear(hidden, n_pixels))

    def forward(self, x: torch.Tensor, t: torch.Tensor, targets: torch.Tensor | None = None):
        """(predicted noise (B, 64), mean squared error against `targets`, the true noise, or None)."""
        time = self.time(sinusoidal_embedding(t, self.hidden))  # (B, hidden)
        h = self.inp(x)                                          # (B, hidden)
        for block in self.blocks:
            h = block(h, time)
        eps_hat = self.out(h)                                    # (B, 64)
        loss = F.mse_loss(eps_hat, targets) if targets is not None else None
        return eps_hat, loss


@torch.no_grad()
def sample(model: Denoiser, schedule: Schedule, n: int, generator: torch.Generator,
           keep: tuple[int, ...] = ()) -> tuple[torch.Tensor, dict[int, torch.Tensor]]:
    """Ancestral sampling: x_T ~ N(0, I), then T reverse steps. Returns x_0 (n, 64) in [-1, 1]
    and the intermediate x_t at the steps in `keep`. Restores the model's mode."""
    was_training = model.training
    model.eval()
    device = schedule.betas.device
    x = torch.randn(n, 64, generator=generator).to(device)
    kept = {}
    for t in reversed(range(schedule.timesteps)):
        if t + 1 in keep:
            kept[t + 1] = x
        eps_hat, _ = model(x, torch.full((n,), t, device=device))
        x = schedule.step(x, t, eps_hat, torch.randn(n, 64, generator=generator).to(device))
    kept[0] = x
    model.train(was_training)
    return x, kept


def lr_at(step: int, total: int, peak: float) -> float:
    """Cosine decay from `peak` to a tenth of it over `total` steps."""
    return peak * (0.1 + 0.45 * (1 + math.cos(math.pi * min(step, total) / max(1, total))))


def snapshot_steps(timesteps: int) -> tuple[int, ...]:
    """Where to look along the process: T, 3T/4, T/2, T/4, T/8, T/16 and 0, without repeats."""
    return tuple(sorted({timesteps * k // 16 for k in (16, 12, 8, 4, 2, 1, 0)}, reverse=True))


def train(cfg: DiffusionConfig, session: engine.Session) -> Iterator[LabEvent]:
    dev = session.device
    split = engine.digits(dev)
    data = split.x_train * 2 - 1  # pixels in [-1, 1], the range of the Gaussian noise's bulk
    schedule = Schedule(cfg.schedule, cfg.timesteps, dev)
    model = Denoiser(cfg.hidden, cfg.blocks).to(dev)
    ema = copy.deepcopy(model).requires_grad_(False)  # what samples are drawn from
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    step, epoch = engine.resume(session, model=model, ema=ema, optimiser=optimiser)
    yield Started(session.lab, "", engine.count_params(model), {})
    if step:
        yield Log(f"Resumed at epoch {epoch}, step {step}.")
    yield Log("Training a digit classifier to judge the generated samples…")
    judge = train_judge(session, split)
    yield from forward_pictures(data, schedule, step)
    total = cfg.epochs * math.ceil(len(data) / cfg.batch_size)
    while epoch < cfg.epochs and not session.stopped:
        epoch += 1
        for idx in engine.batches(len(data), cfg.batch_size, session.generator, dev):
            if session.stopped:
                break
            x0 = data[idx]
            t = torch.randint(0, cfg.timesteps, (len(x0),), generator=session.generator).to(dev)
            eps = torch.randn(x0.shape, generator=session.generator).to(dev)
            for group in optimiser.param_groups:
                group["lr"] = lr_at(step, total, cfg.lr)
            with session.autocast():
                _, loss = model(schedule.noise(x0, t, eps), t, eps)
            engine.optimise(optimiser, loss)
            step += 1
            session.check_finite(loss.item(), step, "try a lower learning rate (lr)")
            with torch.no_grad():
                for averaged, current in zip(ema.parameters(), model.parameters(), strict=True):
                    averaged.lerp_(current, 1 - cfg.ema)
            yield Metric(step, epoch, "train/loss", loss.item())
        if epoch % 10 == 0 or epoch == cfg.epochs:
            yield from reverse_pictures(ema, schedule, cfg, step)
        if epoch % JUDGE_EVERY == 0 and epoch < cfg.epochs:
            yield from judged(ema, schedule, judge, step, epoch)
    yield from engine.save_parts(session, step, epoch, model=model, ema=ema, optimiser=optimiser)
    confident, classes = yield from judged(ema, schedule, judge, step, epoch)
    reached = confident >= TARGET_CONFIDENT and classes == 10
    yield Log(f"What just happened: the network learned to predict the noise hidden in a digit at any of "
              f"{cfg.timesteps} noise levels. Starting from pure noise and removing the predicted noise "
              f"step by step turned random pixels into digits: {confident:.0%} of 1,000 samples were "
              f"recognised by a classifier with confidence above {CONFIDENCE}, covering {classes} of the "
              f"10 digits ({'target reached' if reached else 'target not reached'}).")
    return {"metrics": {"samples/confident": confident, "samples/digits_present": classes},
            "target_reached": reached}


def judged(model: Denoiser, schedule: Schedule, judge: nn.Module, step: int,
           epoch: int) -> Iterator[Metric]:
    """Judge 1,000 samples and report it; returns (share confident, digits present)."""
    confident, classes = judge_model(model, schedule, judge)
    yield Metric(step, epoch, "samples/confident", confident)
    yield Metric(step, epoch, "samples/digits_present", classes)
    return confident, classes


@torch.no_grad()
def judge_model(model: Denoiser, schedule: Schedule, judge: nn.Module) -> tuple[float, int]:
    """(share of 1,000 samples the classifier is confident about, digits present among them)."""
    samples, _ = sample(model, schedule, JUDGE_SAMPLES, torch.Generator().manual_seed(99))
    return judge_samples(judge, (samples + 1) / 2)


@torch.no_grad()
def forward_pictures(data: torch.Tensor, schedule: Schedule, step: int) -> Iterator[Visual]:
    keep = snapshot_steps(schedule.timesteps)[::-1]  # 0 first
    x0 = data[:6]
    eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(0)).to(x0.device)
    noisy = [x0 if k == 0 else schedule.noise(x0, torch.full((len(x0),), k - 1, device=x0.device), eps)
             for k in keep]
    grid = torch.stack(noisy, 1).view(-1, 8, 8).float().cpu().numpy()  # one row per digit
    steps = ", ".join(map(str, keep[1:]))
    yield Visual("images", f"forward process: digits (left) noised in one jump to t = {steps} (right); "
                 "the digit fades into pure noise", grid, step, {"columns": len(keep)})


@torch.no_grad()
def reverse_pictures(model: Denoiser, schedule: Schedule, cfg: DiffusionConfig,
                     step: int) -> Iterator[Visual]:
    keep = snapshot_steps(cfg.timesteps)
    final, kept = sample(model, schedule, 64, torch.Generator().manual_seed(cfg.seed), keep)
    rows = torch.stack([kept[k][:6] for k in keep], 1).view(-1, 8, 8).float().cpu().numpy()
    yield Visual("images", f"reverse process: noise at t = {keep[0]} (left) to a digit at t = 0 (right); "
                 "the shape settles first, the detail last", rows, step, {"columns": len(keep)})
    yield Visual("images", "64 samples from the same noise each time: look for all ten digits and "
                 "clean strokes", ((final + 1) / 2).view(-1, 8, 8).float().cpu().numpy(), step,
                 {"columns": 8})
