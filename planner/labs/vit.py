"""Vision Transformer lab: a small ViT (Dosovitskiy et al., 2021) on the 8x8 digits. Each digit is
cut into patches, each patch becomes a token, a learned class token and learned position
embeddings are added, and a few pre-norm Transformer blocks read the sequence; the class token's
final state is classified. Shows the patches, where the class token looks, and what the position
embeddings learned."""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch
from torch import nn
from torch.nn import functional as F

from planner.core.errors import LabConfigError
from planner.core.events import LabEvent, Log, Metric, Started, Visual
from planner.labs import engine
from planner.labs.catalogue import VitConfig

TARGET_ACCURACY = 0.95
CNN_ACCURACY = 0.978  # the CNN lab's median test accuracy at its defaults (docs/benchmarks.md)
SHOWN = 8  # test digits whose attention is drawn

CAPTIONS = {
    "patches": "the digit as the model sees it: one token per patch, read left to right, top to bottom",
    "attention": "bright patches are where the class token looks; they should follow the strokes",
    "heads": "one picture per head (rows: blocks); heads specialise in different regions",
    "positions": "each square: how alike one position's embedding is to every other's; from 1,437 digits "
                 "they learn to tell positions apart, not (as big ViTs do) that neighbours are alike",
}


def patchify(x: torch.Tensor, patch: int, side: int = 8) -> torch.Tensor:
    """(B, side*side) pixels -> (B, N, patch*patch): N = (side/patch)^2 non-overlapping patches,
    in reading order (left to right, then top to bottom)."""
    grid = side // patch
    x = x.view(-1, grid, patch, grid, patch)          # (B, gy, py, gx, px)
    return x.permute(0, 1, 3, 2, 4).reshape(-1, grid * grid, patch * patch)


class RandomShift(nn.Module):
    """Augmentation, in training only: move each digit by up to `pixels` in x and y (zeros fill in).
    A ViT has no built-in notion that a shifted digit is the same digit; this teaches it."""

    def __init__(self, pixels: int, side: int = 8):
        super().__init__()
        self.pixels, self.side = pixels, side

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.pixels == 0:
            return x
        b, s, p = x.size(0), self.side, self.pixels
        padded = F.pad(x.view(b, s, s), (p, p, p, p))                          # (B, s+2p, s+2p)
        dy, dx = torch.randint(0, 2 * p + 1, (2, b, 1), device=x.device)
        rows = (dy + torch.arange(s, device=x.device))[:, :, None]             # (B, s, 1)
        cols = (dx + torch.arange(s, device=x.device))[:, None, :]             # (B, 1, s)
        return padded[torch.arange(b, device=x.device)[:, None, None], rows, cols].view(b, s * s)


class SelfAttention(nn.Module):
    """Multi-head self-attention in which every token sees every other (no causal mask). Returns
    the attention weights too, so the lab can draw them."""

    def __init__(self, width: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b, t, c = x.shape                                                     # (B, T, C)
        q, k, v = self.qkv(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        weights = F.softmax(q @ k.transpose(-2, -1) / math.sqrt(c // self.heads), dim=-1)  # (B, h, T, T)
        y = self.drop(weights) @ v                                            # (B, h, T, C/h)
        return self.drop(self.proj(y.transpose(1, 2).reshape(b, t, c))), weights


class Block(nn.Module):
    """Pre-norm residual block: x + attention(norm(x)), then x + MLP(norm(x))."""

    def __init__(self, width: int, heads: int, dropout: float):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attn = SelfAttention(width, heads, dropout)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width),
                                 nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        attended, weights = self.attn(self.ln1(x))
        x = x + attended
        return x + self.mlp(self.ln2(x)), weights


class DigitsViT(nn.Module):
    """patches -> linear embedding -> [class token; tokens] + positions -> blocks -> norm -> linear(10)
    read from the class token."""

    def __init__(self, patch: int = 2, width: int = 48, layers: int = 3, heads: int = 4,
                 dropout: float = 0.1, shift: int = 0, side: int = 8, classes: int = 10):
        super().__init__()
        self.patch, self.side = patch, side
        tokens = (side // patch) ** 2
        self.shift = RandomShift(shift, side)
        self.embed = nn.Linear(patch * patch, width)   # one matrix for every patch (a strided conv)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.pos = nn.Parameter(torch.randn(1, tokens + 1, width) * 0.02)   # learned, class token first
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(width, heads, dropout) for _ in range(layers))
        self.ln = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """(final tokens (B, 1+N, C), attention weights of each block (B, h, 1+N, 1+N))."""
        tokens = self.embed(patchify(self.shift(x), self.patch, self.side))     # (B, N, C)
        cls = self.cls.expand(tokens.size(0), -1, -1)                           # (B, 1, C)
        x = self.drop(torch.cat([cls, tokens], dim=1) + self.pos)               # (B, 1+N, C)
        attention = []
        for block in self.blocks:
            x, weights = block(x)
            attention.append(weights)
        return self.ln(x), attention

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        tokens, _ = self.encode(x)
        logits = self.head(tokens[:, 0])                                        # (B, 10)
        loss = F.cross_entropy(logits, targets) if targets is not None else None
        return logits, loss


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.45 * (1 + math.cos(math.pi * progress)))


def train(cfg: VitConfig, session: engine.Session) -> Iterator[LabEvent]:
    if cfg.width % cfg.heads:
        raise LabConfigError("heads", f"{cfg.heads} does not divide the width {cfg.width}")
    dev = session.device
    data = engine.digits(dev)
    model = DigitsViT(cfg.patch, cfg.width, cfg.layers, cfg.heads, cfg.dropout, cfg.shift).to(dev)
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    step, epoch = engine.resume(session, model=model, optimiser=optimiser)
    yield Started(session.lab, "", engine.count_params(model), {})
    grid = 8 // cfg.patch
    yield Log(f"Each digit is {grid * grid} patches of {cfg.patch}x{cfg.patch} pixels plus a class token: "
              f"{grid * grid + 1} tokens of width {cfg.width}. What to look for: "
              + "; ".join(f"{key}: {text}" for key, text in CAPTIONS.items()) + ".")
    yield from patch_picture(data, cfg.patch, step)
    per_epoch = math.ceil(len(data.x_train) / cfg.batch_size)
    total = cfg.epochs * per_epoch
    while epoch < cfg.epochs and not session.stopped:
        epoch += 1
        model.train()
        for idx in engine.batches(len(data.x_train), cfg.batch_size, session.generator, dev):
            if session.stopped:
                break
            for group in optimiser.param_groups:
                group["lr"] = lr_at(step, total, cfg.lr, warmup=per_epoch)
            with session.autocast():
                _, loss = model(data.x_train[idx], data.y_train[idx])
            engine.optimise(optimiser, loss, clip=1.0)
            step += 1
            value = loss.item()
            session.check_finite(value, step)
            yield Metric(step, epoch, "train/loss", value)
        test_loss, accuracy, _ = engine.evaluate_classifier(model, data.x_test, data.y_test)
        yield Metric(step, epoch, "test/loss", test_loss)
        yield Metric(step, epoch, "test/accuracy", accuracy)
        yield from pictures(model, data, step)
    _, accuracy, _ = engine.evaluate_classifier(model, data.x_test, data.y_test)
    yield from engine.save_parts(session, step, epoch, model=model, optimiser=optimiser)
    yield Log(summary(accuracy, engine.count_params(model), grid * grid))
    return {"metrics": {"test/accuracy": accuracy}, "target_reached": accuracy >= TARGET_ACCURACY}


def summary(accuracy: float, params: int, patches: int) -> str:
    """What just happened, in a few sentences, against the CNN lab's figure."""
    verdict = "behind" if accuracy < CNN_ACCURACY - 0.005 else "level with"
    return (f"What just happened: the ViT read each digit as {patches} patch tokens and a class token. "
            f"Self-attention let the class token gather evidence from any patch, and position "
            f"embeddings learned from scratch told it where each patch sits. It reached {accuracy:.1%} "
            f"test accuracy with {params:,} parameters, {verdict} the CNN lab's {CNN_ACCURACY:.1%}. "
            f"A CNN has locality and translation built in; a ViT must learn them from data, which is "
            f"why ViTs need large data sets or augmentation to match convnets on images.")


def patch_picture(data: engine.Split, patch: int, step: int) -> Iterator[Visual]:
    sample = data.x_test[:1]
    patches = patchify(sample, patch)[0].view(-1, patch, patch).float().cpu().numpy()   # (N, p, p)
    yield Visual("images", "patches of a test digit", patches, step,
                 {"columns": 8 // patch, "caption": CAPTIONS["patches"],
                  "input": sample.view(8, 8).float().cpu().numpy()})


def upsample(maps: torch.Tensor, patch: int) -> torch.Tensor:
    """(..., g, g) patch maps -> (..., 8, 8) pixels: each patch's value over its pixels."""
    return maps.repeat_interleave(patch, dim=-2).repeat_interleave(patch, dim=-1)


@torch.no_grad()
def pictures(model: DigitsViT, data: engine.Split, step: int) -> Iterator[Visual]:
    was_training = model.training
    model.eval()
    grid = model.side // model.patch
    digits = data.x_test[:SHOWN]
    _, attention = model.encode(digits)
    # class token (row 0) to the patches (columns 1:), last block, averaged over heads
    cls = attention[-1][:, :, 0, 1:].mean(1).view(-1, grid, grid).float()         # (k, g, g)
    cls = cls / cls.amax(dim=(1, 2), keepdim=True)                                # brightest = 1
    pair = torch.cat([digits.view(-1, 8, 8).float(), upsample(cls, model.patch)])  # (2k, 8, 8)
    yield Visual("images", "test digits (top) and where the class token looks (bottom)",
                 pair.cpu().numpy(), step, {"columns": SHOWN, "caption": CAPTIONS["attention"]})
    per_head = torch.stack([a[0, :, 0, 1:] for a in attention]).view(-1, grid, grid)  # (L*h, g, g)
    yield Visual("images", "class-token attention of each head, first digit", per_head.float().cpu().numpy(),
                 step, {"columns": attention[0].size(1), "caption": CAPTIONS["heads"]})
    pos = F.normalize(model.pos[0, 1:].float(), dim=-1)                          # (N, C)
    similarity = (pos @ pos.T).view(-1, grid, grid)                               # (N, g, g)
    yield Visual("images", "position-embedding similarity", similarity.cpu().numpy(), step,
                 {"columns": grid, "caption": CAPTIONS["positions"]})
    model.train(was_training)
