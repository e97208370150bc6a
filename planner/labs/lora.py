"""LoRA lab: pre-train the Transformer lab's character-level model on most of the lessons, then
fine-tune it on a track it has not seen, with low-rank adapters (Hu et al., 2022) at several ranks
and with every weight trainable, all on the same batches."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from planner.core.errors import CheckpointError, LabConfigError, LodestarError
from planner.core.events import LabEvent, Log, Metric, Started, Visual
from planner.labs import engine
from planner.labs.catalogue import LoraConfig
from planner.labs.corpus import track_texts
from planner.labs.transformer import CharTransformer, lr_at

TARGET_GAP = 0.1        # nats per character above full fine-tuning
TARGET_SHARE = 0.05     # of full fine-tuning's trainable parameters
COMPARED_RANKS = (1, 16)  # trained beside the chosen rank


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update: y = W x + b + (alpha / r) B A x.
    B starts at zero, so training starts exactly from the pre-trained layer; A is random, so B's
    gradient (proportional to A x) is not zero."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base.requires_grad_(False)
        self.scale = alpha / rank
        self.A = nn.Parameter(torch.empty(rank, base.in_features))       # (r, in)
        self.B = nn.Parameter(torch.zeros(base.out_features, rank))      # (out, r)
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))                  # as nn.Linear's weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.scale * (x @ self.A.T) @ self.B.T     # (B, T, out)

    def delta(self) -> torch.Tensor:
        """The update to the weight, (alpha / r) B A: a matrix of rank at most r."""
        return self.scale * self.B @ self.A                              # (out, in)

    def merged(self) -> nn.Linear:
        """One plain linear layer computing the same function: what is served after training."""
        out = copy.deepcopy(self.base)
        out.weight.data += self.delta()
        return out


def add_lora(model: CharTransformer, rank: int, alpha: float, adapt: str = "attention") -> CharTransformer:
    """Freeze every weight of `model`, then wrap its attention projections (and, with
    adapt="attention+mlp", its MLP layers) in trainable LoRA adapters. Changes `model` in place."""
    model.requires_grad_(False)
    for block in model.blocks:
        block.attn.qkv = LoRALinear(block.attn.qkv, rank, alpha)
        block.attn.proj = LoRALinear(block.attn.proj, rank, alpha)
        if adapt == "attention+mlp":
            block.mlp[0] = LoRALinear(block.mlp[0], rank, alpha)
            block.mlp[2] = LoRALinear(block.mlp[2], rank, alpha)
    return model


def windows(data: torch.Tensor, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The whole of `data` as non-overlapping (input, next-character) windows of `size`."""
    n = (len(data) - 1) // size
    return data[:n * size].view(n, size), data[1:n * size + 1].view(n, size)


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 256) -> float:
    """Mean cross-entropy (nats per character) over every window, in eval mode."""
    was_training = model.training
    model.eval()
    total = sum(model(x[i:i + batch], y[i:i + batch])[1].item() * len(x[i:i + batch])
                for i in range(0, len(x), batch))
    model.train(was_training)
    return total / len(x)


def lesson_data(cfg: LoraConfig, session: engine.Session):
    """The alphabet, the pre-training text (every other track) and the held-out track's text,
    as character indices."""
    tracks = track_texts(session.resources_dir)
    if cfg.track not in tracks:
        raise LabConfigError("track", f"there are no lessons in the {cfg.track!r} track")
    held_out = tracks[cfg.track]
    pretext = "\n\n".join(text for name, text in tracks.items() if name != cfg.track)
    if min(len(pretext), len(held_out)) < 20 * cfg.block_size:
        raise LodestarError(f"too little lesson text for a context of {cfg.block_size} characters")
    chars = sorted(set(pretext + held_out))
    index = {c: i for i, c in enumerate(chars)}
    encode = lambda text: torch.tensor([index[c] for c in text], dtype=torch.long)  # noqa: E731
    return chars, encode(pretext), encode(held_out)


def train(cfg: LoraConfig, session: engine.Session) -> Iterator[LabEvent]:
    if cfg.width % cfg.heads:
        raise LabConfigError("heads", f"{cfg.heads} does not divide the width {cfg.width}")
    chars, pre_data, tune = lesson_data(cfg, session)
    index = {c: i for i, c in enumerate(chars)}
    dev = session.device
    cut = int(0.9 * len(tune))
    tune_train, (val_x, val_y) = tune[:cut], (t.to(dev) for t in windows(tune[cut:], cfg.block_size))

    def batch(source: torch.Tensor):
        high = len(source) - cfg.block_size - 1
        starts = torch.randint(0, high, (cfg.batch_size,), generator=session.generator)
        x = torch.stack([source[s:s + cfg.block_size] for s in starts])
        y = torch.stack([source[s + 1:s + cfg.block_size + 1] for s in starts])
        return x.to(dev), y.to(dev)

    base = CharTransformer(len(chars), cfg).to(dev)
    yield Started(session.lab, "", engine.count_params(base), {})
    yield Log(f"Pre-training on {len(pre_data):,} characters of lessons; fine-tuning on the "
              f"{cfg.track!r} track ({len(tune):,} characters, the last 10% for validation).")
    state = session.resume_state()
    if state is not None:
        if state.get("track") != cfg.track:
            raise CheckpointError(f"the checkpoint's model was pre-trained with the {state.get('track')!r} "
                                  f"track held out, so it has read the {cfg.track!r} lessons; choose "
                                  f"track {state.get('track')} or start afresh")
        engine.restore(base, state["base"], "pre-trained model")
        yield Log("Resumed with the checkpoint's pre-trained model: pre-training skipped.")
    else:
        yield from _pretrain(base, cfg, session, batch, pre_data)
    before = evaluate(base, val_x, val_y)
    yield Metric(cfg.pretrain_steps, 0, "base/val/loss", before)
    yield Log(f"Before fine-tuning: {before:.3f} nats per character on the held-out validation text. "
              "Watch the val/loss curves: every model starts there; look for how far each rank follows "
              "full fine-tuning down.")

    models, trainable, val, step, epoch = yield from _fine_tune(base, before, cfg, session, batch,
                                                                tune_train, val_x, val_y)
    yield from _pictures(models, val, trainable, cfg, session, step, chars, index)
    chosen = f"lora-r{cfg.rank}"
    gap, share = val[chosen] - val["full"], trainable[chosen] / trainable["full"]
    yield Metric(step, epoch, "lora/gap", gap)
    yield Metric(step, epoch, "lora/share", share)
    yield Log(_report(val, trainable, before, chosen))
    extra = {"chars": "".join(chars), "track": cfg.track}
    yield from engine.save_parts(session, step, epoch, extra, base=base,
                                 adapters={n: m for n, m in models.items() if n != "full"})
    metrics = ({f"{n}/val/loss": v for n, v in val.items()}
               | {f"{n}/params": float(p) for n, p in trainable.items()})
    return {"metrics": metrics | {"base/val/loss": before, "lora/gap": gap, "lora/share": share},
            "target_reached": gap <= TARGET_GAP and share < TARGET_SHARE and epoch == cfg.epochs}


def _fine_tune(base, before, cfg: LoraConfig, session: engine.Session, batch, data, val_x, val_y):
    """Copies of `base`, one trained whole and one per rank with LoRA adapters, each step on the
    same batch; returns (models, trainable parameters, final validation losses, step, epoch)."""
    step = cfg.pretrain_steps
    models = {"full": copy.deepcopy(base)}
    for rank in sorted({COMPARED_RANKS[0], cfg.rank, COMPARED_RANKS[1]}):
        torch.manual_seed(cfg.seed + rank)  # each rank's A drawn the same on every run
        models[f"lora-r{rank}"] = add_lora(copy.deepcopy(base), rank, cfg.alpha, cfg.adapt)
    trainable = {name: engine.count_params(m) for name, m in models.items()}
    peaks = {name: cfg.lr if name == "full" else cfg.lora_lr for name in models}
    optimisers = {name: torch.optim.Adam([p for p in m.parameters() if p.requires_grad], lr=peaks[name])
                  for name, m in models.items()}
    total = cfg.epochs * cfg.steps_per_epoch
    for name in models:
        yield Metric(step, 0, f"{name}/val/loss", before)
    val = dict.fromkeys(models, before)
    epoch = 0
    while epoch < cfg.epochs and not session.stopped:
        epoch += 1
        for _ in range(cfg.steps_per_epoch):
            if session.stopped:
                break
            x, y = batch(data)
            for name, optimiser in optimisers.items():   # warm-up, then cosine decay, as in pre-training
                for group in optimiser.param_groups:
                    group["lr"] = lr_at(step - cfg.pretrain_steps, total, peaks[name], warmup=10)
            step += 1
            for name, model in models.items():
                _, loss = model(x, y)
                engine.optimise(optimisers[name], loss, clip=1.0)
                session.check_finite(loss.item(), step, f"{name} diverged; try a lower learning rate "
                                                        f"({'lr' if name == 'full' else 'lora_lr'})")
                yield Metric(step, epoch, f"{name}/train/loss", loss.item())
        for name, model in models.items():
            val[name] = evaluate(model, val_x, val_y)
            yield Metric(step, epoch, f"{name}/val/loss", val[name])
    return models, trainable, val, step, epoch


def _pretrain(model, cfg: LoraConfig, session: engine.Session, batch, data) -> Iterator[LabEvent]:
    """The Transformer lab's loop, shortened: AdamW, warm-up then cosine decay."""
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.pretrain_lr, weight_decay=0.1, betas=(0.9, 0.95))
    warmup = min(100, cfg.pretrain_steps // 10 + 1)
    for step in range(cfg.pretrain_steps):
        if session.stopped:
            return
        for group in optimiser.param_groups:
            group["lr"] = lr_at(step, cfg.pretrain_steps, cfg.pretrain_lr, warmup)
        _, loss = model(*batch(data))
        engine.optimise(optimiser, loss, clip=1.0)
        session.check_finite(loss.item(), step + 1, "pre-training diverged; try a lower pretrain_lr")
        yield Metric(step + 1, 0, "pretrain/train/loss", loss.item())


def _pictures(models, val, trainable, cfg, session, step, chars, index) -> Iterator[LabEvent]:
    names = list(models)
    points = np.array([[math.log10(trainable[n]), val[n]] for n in names])
    yield Visual("scatter", "val loss (y), log10 trainable parameters (x): how near full each rank gets",
                 points, step, {"labels": np.arange(len(names)), "names": names})
    lora = models[f"lora-r{cfg.rank}"].blocks[0].attn.proj
    full_delta = models["full"].blocks[0].attn.proj.weight - lora.base.weight
    both = torch.cat([full_delta, torch.zeros_like(full_delta[:, :2]), lora.delta()], 1)
    yield Visual("heatmap", f"change to block 1's attention output weights, full (left) and rank "
                 f"{cfg.rank} (right): look for the same broad stripes from far fewer numbers",
                 both.detach().float().cpu().numpy(), step,
                 {"axes": ("input unit (full, then LoRA)", "output unit")})
    if cfg.sample_length:
        prompt = torch.tensor([[index.get(c, 0) for c in "\n# "]], device=session.device)
        texts = []
        for name, model in models.items():
            out = model.generate(prompt, cfg.sample_length, torch.Generator().manual_seed(cfg.seed))
            texts.append(f"--- {name} ---\n" + "".join(chars[i] for i in out[0].tolist()))
        yield Visual("text", "samples after fine-tuning, same prompt and random draws: look for the "
                     "held-out track's words in every one", None, step, {"text": "\n\n".join(texts)})


def _report(val, trainable, before, chosen) -> str:
    """What just happened, in a table and a few sentences."""
    gap, share = val[chosen] - val["full"], trainable[chosen] / trainable["full"]
    gained, full_gain = before - val[chosen], before - val["full"]
    rows = [f"{'model':12} {'trainable':>10} {'val loss':>9}", f"{'base':12} {0:>10,} {before:9.3f}"]
    rows += [f"{n:12} {trainable[n]:>10,} {v:9.3f}" for n, v in val.items()]
    verdict = "within" if gap <= TARGET_GAP else "not within"
    recovered = (f"it gained {gained:.3f} nats/char where full fine-tuning gained {full_gain:.3f}"
                 if full_gain > 0 else "full fine-tuning did not improve on the base model")
    return ("\n".join(rows) + f"\n\nWhat just happened: {chosen} trained {share:.1%} of the parameters "
            f"full fine-tuning did and ended {gap:+.3f} nats/char from it, {verdict} the "
            f"{TARGET_GAP} target margin; {recovered}. The adapters add only a low-rank (alpha/r) B A "
            "to frozen weights, and the higher the rank, the closer they follow full fine-tuning. "
            "Merged into W, they cost nothing at inference.")
