"""VAE lab: a variational auto-encoder (Kingma & Welling, 2014) on the 8x8 digits, with its two
loss terms, reconstructions, samples and the latent space coloured by digit."""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn
from torch.nn import functional as F

from planner.core.events import LabEvent, Metric, Started, Visual
from planner.labs import engine
from planner.labs.catalogue import VaeConfig

TARGET_RECONSTRUCTION = 21.0  # nats per image, with an 8-D latent


class VAE(nn.Module):
    def __init__(self, latent: int, hidden: int, n_pixels: int = 64):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_pixels, hidden), nn.ReLU(),
                                     nn.Linear(hidden, hidden), nn.ReLU())
        self.mu = nn.Linear(hidden, latent)
        self.log_var = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
                                     nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, n_pixels))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x)                                    # (B, hidden)
        return self.mu(h), self.log_var(h).clamp(-12, 12)      # (B, latent) each

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        """Returns (reconstruction logits, (reconstruction nats, KL nats)) per image, batch mean."""
        mu, log_var = self.encode(x)
        z = mu + torch.randn_like(mu) * (0.5 * log_var).exp()  # reparameterisation trick
        logits = self.decoder(z)                               # (B, 64)
        # Bernoulli likelihood of each pixel intensity in [0, 1]; summed over pixels, nats per image
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1).mean()
        kl = 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(1).mean()
        return logits, (reconstruction, kl)


@torch.no_grad()
def evaluate(model: VAE, x: torch.Tensor) -> tuple[float, float]:
    model.eval()
    _, (reconstruction, kl) = model(x)
    model.train()
    return reconstruction.item(), kl.item()


def train(cfg: VaeConfig, session: engine.Session) -> Iterator[LabEvent]:
    dev = session.device
    data = engine.digits(dev)
    model = VAE(cfg.latent, cfg.hidden).to(dev)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    step, epoch = engine.resume(session, model=model, optimiser=optimiser)
    yield Started(session.lab, "", engine.count_params(model), {})
    reconstruction = kl = float("nan")
    while epoch < cfg.epochs and not session.stopped:
        epoch += 1
        for idx in engine.batches(len(data.x_train), cfg.batch_size, session.generator, dev):
            if session.stopped:
                break
            with session.autocast():
                _, (rec, kl_term) = model(data.x_train[idx])
                loss = rec + cfg.beta * kl_term
            engine.optimise(optimiser, loss)
            step += 1
            session.check_finite(loss.item(), step)
            yield Metric(step, epoch, "train/reconstruction", rec.item())
            yield Metric(step, epoch, "train/kl", kl_term.item())
        reconstruction, kl = evaluate(model, data.x_test)
        yield Metric(step, epoch, "test/reconstruction", reconstruction)
        yield Metric(step, epoch, "test/kl", kl)
        yield Metric(step, epoch, "test/negative_elbo", reconstruction + kl)
        yield from pictures(model, data, cfg, step)
    yield from engine.save_parts(session, step, epoch, model=model, optimiser=optimiser)
    reconstruction, kl = evaluate(model, data.x_test)
    return {"metrics": {"test/reconstruction": reconstruction, "test/kl": kl},
            "target_reached": (reconstruction <= TARGET_RECONSTRUCTION) if cfg.latent == 8 else None}


@torch.no_grad()
def pictures(model: VAE, data: engine.Split, cfg: VaeConfig, step: int) -> Iterator[Visual]:
    model.eval()
    originals = data.x_test[:8]
    mu, _ = model.encode(originals)
    recon = torch.sigmoid(model.decoder(mu))
    pairs = torch.cat([originals, recon]).view(-1, 8, 8).float().cpu().numpy()
    yield Visual("images", "test digits (top) and their reconstructions (bottom)", pairs, step,
                 {"columns": 8})
    z = torch.randn(16, cfg.latent, generator=torch.Generator().manual_seed(7)).to(mu.device)
    samples = torch.sigmoid(model.decoder(z)).view(-1, 8, 8).float().cpu().numpy()
    yield Visual("images", "samples from the prior", samples, step, {"columns": 8})
    codes, _ = model.encode(data.x_test)
    if codes.size(1) >= 2:
        shown, caption = latent_axes(codes)
        title = "latent means of the test digits" + ("" if cfg.latent == 2 else
                                                      f" (two of {cfg.latent} dimensions)")
        yield Visual("scatter", title, codes[:, shown].float().cpu().numpy(), step,
                     {"labels": data.y_test.cpu().numpy(), "names": [str(d) for d in range(10)],
                      "axes": (f"z{shown[0]}", f"z{shown[1]}"), "caption": caption})
    model.train()


ACTIVE = 0.1  # a latent dimension whose means vary less than this across digits carries nothing


def latent_axes(codes: torch.Tensor) -> tuple[list[int], str]:
    """The two latent dimensions to plot and a caption saying which. With the default 8-D latent the
    KL term switches some dimensions off (their means stay near 0 for every digit, e.g. a spread
    of 0.03 against 0.9 for the others): the first two would show a flat line, so the two whose
    means vary most are shown, and the title says how many are in use."""
    spread = codes.float().std(0)
    active = int((spread > ACTIVE).sum())
    in_use = f"{active} of {codes.size(1)} dimensions in use (spread of their means above {ACTIVE})"
    if codes.size(1) == 2:
        return [0, 1], in_use
    shown = sorted(spread.topk(2).indices.tolist())
    return shown, f"z{shown[0]} and z{shown[1]}, the two most spread; {in_use}"
