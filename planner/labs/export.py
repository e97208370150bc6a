"""`lab export`: a lab as one standalone, readable PyTorch script with no Lodestar import.

The script carries the lab's own model classes (copied from their source), a small data
function, and a training loop that runs on one device with `python script.py` or on several
GPUs with `torchrun --nproc_per_node=N script.py` (DistributedDataParallel; gloo on CPU).
Torch-free: it reads the lab modules' source text, never imports them.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

from planner.labs.catalogue import lab_info
from planner.labs.corpus import lesson_text, track_texts

HERE = Path(__file__).resolve().parent

# lab -> (loop family, names copied from the lab's module)
PARTS = {
    "mlp-from-scratch": ("classifier", "optimisers", ["DigitsMLP"]),
    "cnn": ("classifier", "cnn", ["DigitsCNN"]),
    "rnn-lstm-gru": ("classifier", "recurrent", ["CELLS", "SequenceModel"]),
    "optimisers": ("classifier", "optimisers", ["DigitsMLP"]),
    "compression": ("classifier", "cnn", ["DigitsCNN"]),
    "attention": ("seq2seq", "attention", ["Attention", "Seq2Seq", "make_batch"]),
    "transformer": ("language_model", "transformer", ["CausalSelfAttention", "Block", "CharTransformer"]),
    "gan": ("gan", "gan", ["Generator", "Discriminator"]),
    "vae": ("vae", "vae", ["VAE"]),
    "vit": ("classifier", "vit", ["patchify", "RandomShift", "SelfAttention", "Block", "DigitsViT"]),
    "diffusion": ("diffusion", "diffusion",
                  ["beta_schedule", "Schedule", "sinusoidal_embedding", "Block", "Denoiser", "sample",
                   "lr_at"]),
    "bpe-tokeniser": ("tokeniser", "bpe", ["Pair", "PRE_TOKEN", "pre_tokens", "merge_pair", "WordTable",
                                           "Vocabulary", "best_pair", "Learner"]),
    "lora": ("lora", "lora", ["transformer:CausalSelfAttention", "transformer:Block",
                              "transformer:CharTransformer", "transformer:lr_at", "LoRALinear", "add_lora",
                              "windows", "evaluate"]),
}

MODEL_BUILDERS = {
    "mlp-from-scratch": "DigitsMLP(cfg.hidden)",
    "cnn": "DigitsCNN(cfg.channels, cfg.dropout)",
    "rnn-lstm-gru": "SequenceModel('lstm', 8, cfg.hidden, 10, classify=True)",
    "optimisers": "DigitsMLP(cfg.hidden)",
    "compression": "DigitsCNN(cfg.channels)",
    "vit": "DigitsViT(cfg.patch, cfg.width, cfg.layers, cfg.heads, cfg.dropout, cfg.shift)",
}

HEADER = '''\
"""{title} — exported from Lodestar.

A standalone PyTorch script: no Lodestar needed, only torch, numpy and scikit-learn.

    python {name}                           # one device: CUDA, then MPS, then CPU
    torchrun --nproc_per_node=4 {name}      # DistributedDataParallel on 4 GPUs (or CPU processes)
    python {name} --epochs 5 --lr 0.01      # any setting below can be changed with --<setting>
{note}"""

import argparse
import math
import os

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn import functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

# Settings (Lodestar's defaults for this lab).
DEFAULTS = {defaults}


def settings():
    parser = argparse.ArgumentParser(description="{title}")
    for name, value in DEFAULTS.items():
        kind = type(value) if not isinstance(value, bool) else (lambda s: s.lower() in ("1", "true", "yes"))
        parser.add_argument("--" + name, type=kind, default=value)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    return parser.parse_args()


def setup(cfg):
    """Join the process group when started by torchrun; pick this process's device."""
    distributed = "WORLD_SIZE" in os.environ
    if cfg.device == "auto":
        kind = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    else:
        kind = cfg.device
    if distributed:
        dist.init_process_group("nccl" if kind == "cuda" else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    if kind == "cuda":
        local = int(os.environ.get("LOCAL_RANK", 0))
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    else:
        device = torch.device(kind)
    torch.manual_seed(cfg.seed)  # the same initial weights in every process
    return device, rank, world, distributed


def finish(distributed):
    """Leave the process group together: a rank that tears down while another still talks to it
    aborts the other ("terminate called without an active exception"), which a busy machine makes
    likely."""
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


def shard(n, rank, world, generator):
    """This process's share of a shuffled epoch (every process shuffles with the same seed)."""
    order = torch.randperm(n, generator=generator)
    return order[rank::world]


def digits(device):
    """scikit-learn's 8x8 digits (shipped inside the package), scaled to [0, 1], fixed split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.data / 16.0).astype(np.float32)
    x_tr, x_te, y_tr, y_te = train_test_split(x, data.target, test_size=0.2, random_state=0,
                                              stratify=data.target)
    t = lambda a, dtype: torch.tensor(a, dtype=dtype, device=device)  # noqa: E731
    return t(x_tr, torch.float32), t(y_tr, torch.long), t(x_te, torch.float32), t(y_te, torch.long)
'''

LOOPS: dict[str, str] = {}

LOOPS["classifier"] = '''

def main():
    cfg = settings()
    device, rank, world, distributed = setup(cfg)
    x_tr, y_tr, x_te, y_te = digits(device)
    {reshape}model = {builder}.to(device)
    net = DDP(model) if distributed else model   # DDP averages gradients across processes
    optimiser = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed)
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        mine = shard(len(x_tr), rank, world, generator).to(device)
        for start in range(0, len(mine), cfg.batch_size):
            idx = mine[start:start + cfg.batch_size]
            _, loss = net(x_tr[idx], y_tr[idx])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
        if rank == 0:
            model.eval()
            with torch.no_grad():
                logits, test_loss = model(x_te, y_te)
            accuracy = (logits.argmax(-1) == y_te).float().mean().item()
            print(f"epoch {{epoch}}: train loss {{loss.item():.4f}}  test loss {{test_loss.item():.4f}}  "
                  f"test accuracy {{accuracy:.4f}}", flush=True)
    if rank == 0:
        torch.save(model.state_dict(), "{stem}.pt")
        print("saved {stem}.pt")
    finish(distributed)
'''

LOOPS["vae"] = '''

def main():
    cfg = settings()
    device, rank, world, distributed = setup(cfg)
    x_tr, _, x_te, _ = digits(device)
    model = VAE(cfg.latent, cfg.hidden).to(device)
    net = DDP(model) if distributed else model
    optimiser = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed)
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        mine = shard(len(x_tr), rank, world, generator).to(device)
        for start in range(0, len(mine), cfg.batch_size):
            _, (reconstruction, kl) = net(x_tr[mine[start:start + cfg.batch_size]])
            loss = reconstruction + cfg.beta * kl
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
        if rank == 0:
            model.eval()
            with torch.no_grad():
                _, (reconstruction, kl) = model(x_te)
            print(f"epoch {{epoch}}: test reconstruction {{reconstruction.item():.2f}} nats  "
                  f"KL {{kl.item():.2f}} nats", flush=True)
    if rank == 0:
        torch.save(model.state_dict(), "{stem}.pt")
        print("saved {stem}.pt")
    finish(distributed)
'''

LOOPS["gan"] = '''

def main():
    cfg = settings()
    device, rank, world, distributed = setup(cfg)
    real, _, _, _ = digits(device)
    gen = Generator(cfg.latent, cfg.hidden, 64, bounded=True).to(device)
    disc = Discriminator(64, cfg.hidden).to(device)
    g_net, d_net = (DDP(gen), DDP(disc)) if distributed else (gen, disc)
    opt_g = torch.optim.Adam(g_net.parameters(), lr=cfg.lr, betas=(cfg.beta1, 0.999))
    opt_d = torch.optim.Adam(d_net.parameters(), lr=cfg.lr, betas=(cfg.beta1, 0.999))
    generator = torch.Generator().manual_seed(cfg.seed)
    for epoch in range(1, cfg.epochs + 1):
        mine = shard(len(real), rank, world, generator).to(device)
        for start in range(0, len(mine) - 1, cfg.batch_size):
            x = real[mine[start:start + cfg.batch_size]]
            ones, zeros = torch.ones(len(x), device=device), torch.zeros(len(x), device=device)
            fake = g_net(torch.randn(len(x), cfg.latent, device=device))
            d_loss = (F.binary_cross_entropy_with_logits(d_net(x), ones)
                      + F.binary_cross_entropy_with_logits(d_net(fake.detach()), zeros))
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
            g_loss = F.binary_cross_entropy_with_logits(d_net(fake), ones)  # non-saturating
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
        if rank == 0 and (epoch % 10 == 0 or epoch == cfg.epochs):
            print(f"epoch {{epoch}}: discriminator {{d_loss.item():.3f}}  "
                  f"generator {{g_loss.item():.3f}}", flush=True)
    if rank == 0:
        torch.save(gen.state_dict(), "{stem}.pt")
        print("saved the generator to {stem}.pt")
    finish(distributed)
'''

LOOPS["seq2seq"] = '''

def main():
    cfg = settings()
    device, rank, world, distributed = setup(cfg)
    model = Seq2Seq(cfg.vocab, cfg.hidden - cfg.hidden % 2, cfg.score).to(device)
    net = DDP(model) if distributed else model
    optimiser = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed + rank)   # each process draws its own batches
    x_te, y_te = make_batch(cfg.task, 1000, cfg.length, cfg.vocab, torch.Generator().manual_seed(10_000))
    x_te, y_te = x_te.to(device), y_te.to(device)
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        for _ in range(cfg.steps_per_epoch):
            x, y = make_batch(cfg.task, cfg.batch_size, cfg.length, cfg.vocab, generator)
            _, loss = net(x.to(device), y.to(device))
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimiser.step()
        if rank == 0:
            model.eval()
            with torch.no_grad():
                (logits, _), _ = model(x_te)
            exact = (logits.argmax(-1) == y_te).all(1).float().mean().item()
            print(f"epoch {{epoch}}: train loss {{loss.item():.4f}}  "
                  f"sequences exact {{exact:.4f}}", flush=True)
    if rank == 0:
        torch.save(model.state_dict(), "{stem}.pt")
        print("saved {stem}.pt")
    finish(distributed)
'''

LOOPS["language_model"] = '''

def main():
    cfg = settings()
    device, rank, world, distributed = setup(cfg)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "{stem}.txt"), encoding="utf-8") as f:   # the training text
        text = f.read()
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text], dtype=torch.long)
    cut = int(0.9 * len(data))
    train_data, val_data = data[:cut], data[cut:]
    model = CharTransformer(len(chars), cfg).to(device)
    net = DDP(model) if distributed else model
    optimiser = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=0.1, betas=(0.9, 0.95))
    generator = torch.Generator().manual_seed(cfg.seed + rank)

    def batch(source, g):
        starts = torch.randint(0, len(source) - cfg.block_size - 1, (cfg.batch_size,), generator=g)
        x = torch.stack([source[s:s + cfg.block_size] for s in starts])
        y = torch.stack([source[s + 1:s + cfg.block_size + 1] for s in starts])
        return x.to(device), y.to(device)

    total, warmup = cfg.epochs * cfg.steps_per_epoch, 100
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        for _ in range(cfg.steps_per_epoch):
            progress = min(1.0, max(0, step - warmup) / max(1, total - warmup))
            # linear warm-up, then cosine decay to a tenth of the peak
            cosine = 0.1 + 0.45 * (1 + math.cos(math.pi * progress))
            lr = cfg.lr * ((step + 1) / warmup if step < warmup else cosine)
            for group in optimiser.param_groups:
                group["lr"] = lr
            _, loss = net(*batch(train_data, generator))
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimiser.step()
            step += 1
        if rank == 0:
            model.eval()
            with torch.no_grad():
                g = torch.Generator().manual_seed(1234)
                val = sum(model(*batch(val_data, g))[1].item() for _ in range(20)) / 20
            prompt = torch.tensor([[chars.index(c) if c in chars else 0 for c in "\\n# "]], device=device)
            sample = model.generate(prompt, cfg.sample_length, torch.Generator().manual_seed(epoch))
            print(f"epoch {{epoch}}: validation loss {{val:.3f}} nats/char", flush=True)
            print("".join(chars[i] for i in sample[0].tolist()), flush=True)
    if rank == 0:
        torch.save(model.state_dict(), "{stem}.pt")
        print("saved {stem}.pt")
    finish(distributed)
'''

TOKENISER_HEADER = '''\
"""{title} — exported from Lodestar.

A standalone script: no Lodestar needed, only Python (and torch, to save the merges as the app's
checkpoints do). It learns byte-pair-encoding merges on {stem}.txt (the lessons' text at export)
and measures tokens per character on {stem}-heldout.txt (one track kept out of training).

    python {name}                           # the app's default settings
    python {name} --epochs 3 --base characters
{note}"""

import argparse
import heapq
import math
import os
import re
from collections import Counter, defaultdict
from itertools import pairwise

import torch

# Settings (Lodestar's defaults for this lab; the held-out track was chosen at export).
DEFAULTS = {defaults}


def settings():
    parser = argparse.ArgumentParser(description="{title}")
    for name, value in DEFAULTS.items():
        parser.add_argument("--" + name, type=type(value), default=value)
    parser.add_argument("--device", default="cpu", help="ignored: BPE runs in plain Python")
    return parser.parse_args()
'''

LOOPS["tokeniser"] = '''

def main():
    cfg = settings()
    if os.environ.get("RANK", "0") != "0":
        return  # BPE is not data parallel: under torchrun only the first process learns
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "{stem}.txt"), encoding="utf-8") as f:
        training = f.read()
    with open(os.path.join(here, "{stem}-heldout.txt"), encoding="utf-8") as f:
        held_out = f.read()
    vocab = Vocabulary(cfg.base, "".join(sorted(set(training))) if cfg.base == "characters" else "")
    learner = Learner(vocab, training, held_out)
    learner.replay([], [])  # no merges yet: rank the training text's pairs
    for epoch in range(1, cfg.epochs + 1):
        for _ in range(cfg.merges_per_epoch):
            if not learner.step():
                break  # no pair occurs twice any more
        print(f"epoch {{epoch}}: vocabulary {{len(vocab)}}  tokens per character: "
              f"training {{learner.train_words.tokens / len(training):.4f}}  "
              f"held out {{learner.test_words.tokens / len(held_out):.4f}}", flush=True)
    print("first merges:", ", ".join(vocab.show(vocab.base + k) for k in range(min(10, len(vocab.merges)))))
    print("tokenisation ->", "|".join(vocab.show(t) for t in vocab.encode("tokenisation")))
    torch.save({{"base": cfg.base, "merges": [list(p) for p in vocab.merges]}}, "{stem}.pt")
    print("saved the merges to {stem}.pt")
'''

LOOPS["lora"] = '''

def main():
    cfg = settings()
    device, rank, world, distributed = setup(cfg)
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "{stem}-lessons")
    tracks = {{}}
    for name in sorted(os.listdir(folder)):                  # one file of lessons per track
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            tracks[name.removesuffix(".txt")] = f.read()
    held_out = tracks.pop(cfg.track)
    pretext = "\\n\\n".join(tracks.values())
    chars = sorted(set(pretext + held_out))
    index = {{c: i for i, c in enumerate(chars)}}
    pre_data = torch.tensor([index[c] for c in pretext], dtype=torch.long)
    tune = torch.tensor([index[c] for c in held_out], dtype=torch.long)
    cut = int(0.9 * len(tune))
    tune_train, (val_x, val_y) = tune[:cut], (t.to(device) for t in windows(tune[cut:], cfg.block_size))
    generator = torch.Generator().manual_seed(cfg.seed + rank)

    def batch(source):
        starts = torch.randint(0, len(source) - cfg.block_size - 1, (cfg.batch_size,), generator=generator)
        x = torch.stack([source[s:s + cfg.block_size] for s in starts])
        y = torch.stack([source[s + 1:s + cfg.block_size + 1] for s in starts])
        return x.to(device), y.to(device)

    # 1. pre-train on every track but the held-out one
    base = CharTransformer(len(chars), cfg).to(device)
    net = DDP(base) if distributed else base
    optimiser = torch.optim.AdamW(net.parameters(), lr=cfg.pretrain_lr, weight_decay=0.1, betas=(0.9, 0.95))
    warmup = min(100, cfg.pretrain_steps // 10 + 1)
    for step in range(cfg.pretrain_steps):
        for group in optimiser.param_groups:
            group["lr"] = lr_at(step, cfg.pretrain_steps, cfg.pretrain_lr, warmup)
        _, loss = net(*batch(pre_data))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser.step()
    if rank == 0:
        before = evaluate(base, val_x, val_y)
        print(f"pre-trained: held-out validation loss {{before:.3f}} nats/char", flush=True)

    # 2. fine-tune copies on the held-out track: every weight, and LoRA adapters at three ranks
    models = {{"full": copy.deepcopy(base)}}
    for r in sorted({{1, cfg.rank, 16}}):
        torch.manual_seed(cfg.seed + r)
        models[f"lora-r{{r}}"] = add_lora(copy.deepcopy(base), r, cfg.alpha, cfg.adapt)
    nets = {{n: DDP(m) if distributed else m for n, m in models.items()}}
    optimisers = {{n: torch.optim.Adam([p for p in m.parameters() if p.requires_grad],
                                      lr=cfg.lr if n == "full" else cfg.lora_lr) for n, m in nets.items()}}
    for epoch in range(1, cfg.epochs + 1):
        for _ in range(cfg.steps_per_epoch):
            x, y = batch(tune_train)
            for name, net in nets.items():
                _, loss = net(x, y)
                optimisers[name].zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_([p for p in net.parameters() if p.requires_grad], 1.0)
                optimisers[name].step()
        if rank == 0:
            report = "  ".join(f"{{n}} {{evaluate(m, val_x, val_y):.3f}}" for n, m in models.items())
            print(f"epoch {{epoch}}: validation loss (nats/char) {{report}}", flush=True)
    if rank == 0:
        for name, model in models.items():
            count = sum(p.numel() for p in model.parameters() if p.requires_grad)
            print(f"{{name:10}} {{count:>9,}} trainable parameters", flush=True)
        torch.save({{n: m.state_dict() for n, m in models.items()}}, "{stem}.pt")
        print("saved {stem}.pt")
    finish(distributed)
'''

LOOPS["diffusion"] = '''

def main():
    cfg = settings()
    device, rank, world, distributed = setup(cfg)
    x_tr, _, _, _ = digits(device)
    data = x_tr * 2 - 1                                    # pixels in [-1, 1]
    schedule = Schedule(cfg.schedule, cfg.timesteps, device)
    model = Denoiser(cfg.hidden, cfg.blocks).to(device)
    ema = Denoiser(cfg.hidden, cfg.blocks).to(device).requires_grad_(False)
    ema.load_state_dict(model.state_dict())                # samples come from the averaged weights
    net = DDP(model) if distributed else model
    optimiser = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    generator = torch.Generator().manual_seed(cfg.seed + rank)
    total = cfg.epochs * math.ceil(len(data) / world / cfg.batch_size)
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        mine = shard(len(data), rank, world, generator).to(device)
        for start in range(0, len(mine), cfg.batch_size):
            x0 = data[mine[start:start + cfg.batch_size]]
            t = torch.randint(0, cfg.timesteps, (len(x0),), generator=generator).to(device)
            eps = torch.randn(x0.shape, generator=generator).to(device)
            for group in optimiser.param_groups:
                group["lr"] = lr_at(step, total, cfg.lr)
            _, loss = net(schedule.noise(x0, t, eps), t, eps)   # predict the noise that was added
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            step += 1
            with torch.no_grad():
                for averaged, current in zip(ema.parameters(), model.parameters()):
                    averaged.lerp_(current, 1 - cfg.ema)
        if rank == 0 and (epoch % 50 == 0 or epoch == cfg.epochs):
            print(f"epoch {{epoch}}: train loss {{loss.item():.4f}}", flush=True)
    if rank == 0:
        torch.save(ema.state_dict(), "{stem}.pt")
        samples, _ = sample(ema, schedule, 8, torch.Generator().manual_seed(0))
        for image in samples.view(-1, 8, 8).cpu():                      # a look at a few samples
            print("\\n".join("".join(" .:*#"[int((v + 1) / 2 * 4.99)] for v in row) for row in image))
            print()
        print("saved the averaged denoiser to {stem}.pt")
    finish(distributed)
'''


FOOTER = '''

if __name__ == "__main__":
    main()
'''

NOTES = {
    "mlp-from-scratch": "\nIn the app this lab writes the forward and backward passes in numpy; this\n"
                        "script trains the same network with autograd and Adam.\n",
    "rnn-lstm-gru": "\nIn the app the three cells train side by side; this script trains the LSTM on the\n"
                    "digits read row by row (change 'lstm' to 'rnn' or 'gru' in main()).\n",
    "optimisers": "\nIn the app three copies train with SGD, momentum and Adam; this script trains\n"
                  "one with Adam.\n",
    "compression": "\nThis script trains the CNN that the app's compression lab then quantises,\n"
                   "prunes and distils.\n",
    "lora": "\nThe lessons of each track are in the {stem}-lessons folder beside this script;\n"
            "--track picks the one held out of pre-training and fine-tuned on.\n",
    "diffusion": "\nThe app also shows the forward and reverse processes and judges samples with a\n"
                 "classifier; this script prints a few samples as text.\n",
    "gan": "\nThe digits version; the app also trains on 2-D toy data and judges samples with a\n"
           "classifier.\n",
    "vit": "\nIn the app this lab trains with AdamW, warm-up and cosine decay and draws the attention\n"
           "maps; this script trains the same model with Adam at a constant learning rate.\n",
}


def export_script(lab: str, target: Path, resources: Path | None = None) -> Path:
    """Write `lab` as a standalone script at `target` (and its training text, for the transformer)."""
    info = lab_info(lab)
    family, module, names = PARTS[info.slug]
    target = Path(target)
    if target.suffix != ".py":
        target = target.with_suffix(".py")
    defaults = {f.name: f.default for f in dataclasses.fields(info.config)}
    header = TOKENISER_HEADER if family == "tokeniser" else HEADER
    note = NOTES.get(info.slug, "").replace("{stem}", target.stem)
    code = header.format(title=info.title, name=target.name, note=note,
                         defaults=_pretty(defaults), stem=target.stem)
    code += "\n\n" + "\n\n\n".join(_source_of(HERE / f"{module}.py", name) for name in names) + "\n"
    reshape = "x_tr, x_te = x_tr.view(-1, 8, 8), x_te.view(-1, 8, 8)  # one row per time step\n    " \
        if info.slug == "rnn-lstm-gru" else ""
    code += LOOPS[family].format(stem=target.stem, builder=MODEL_BUILDERS.get(info.slug, ""), reshape=reshape)
    if family == "lora":
        code = code.replace("import argparse\n", "import argparse\nimport copy\n", 1)
    if info.slug in ("mlp-from-scratch", "optimisers"):
        # the app's learning rates there are for plain SGD; the script uses Adam
        code = code.replace("lr=cfg.lr)", "lr=1e-3)")
        code = code.replace("--epochs 5 --lr 0.01", "--epochs 5 --hidden 128")
    code += FOOTER
    ast.parse(code)  # never write a script that does not parse
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(code, encoding="utf-8")
    partial.replace(target)
    if family == "language_model":
        target.with_suffix(".txt").write_text(lesson_text(resources), encoding="utf-8")
    if family == "tokeniser":
        texts = track_texts(resources)
        held_out = texts.pop(defaults["held_out"], "")
        target.with_suffix(".txt").write_text("\n\n".join(texts.values()), encoding="utf-8")
        target.with_name(target.stem + "-heldout.txt").write_text(held_out, encoding="utf-8")
    if family == "lora":
        folder = target.with_name(target.stem + "-lessons")
        folder.mkdir(exist_ok=True)
        for track, text in track_texts(resources).items():
            (folder / f"{track}.txt").write_text(text, encoding="utf-8")
    return target


def _pretty(values: dict) -> str:
    lines = ",\n".join(f"    {k!r}: {v!r}" for k, v in values.items())
    return "{\n" + lines + ",\n}"


def _source_of(path: Path, name: str) -> str:
    """The source text of a top-level class, function or assignment, without its annotations'
    references to Lodestar config classes."""
    if ":" in name:  # "module:name", from another lab's module
        module, name = name.split(":")
        path = path.with_name(f"{module}.py")
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    for node in tree.body:
        names = [node.name] if isinstance(node, (ast.ClassDef, ast.FunctionDef)) else \
            [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        if name in names:
            source = ast.get_source_segment(text, node)
            decorators = "".join(f"@{ast.get_source_segment(text, d)}\n" for d in
                                 getattr(node, "decorator_list", []))
            source = decorators + source
            return re.sub(r"cfg: [A-Z]\w*Config", "cfg", source)
    raise LookupError(f"{name} not found in {path.name}")
