"""The LoRA lab: the adapter's mathematics, what a tiny run reports, and its resume and refusals."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from planner.core.errors import CheckpointError, LabConfigError
from planner.labs import engine
from tests.labs.conftest import run_inline
from tests.labs.test_labs import TINY

LORA = TINY["lora"]


def test_an_adapter_starts_as_the_frozen_layer_and_merges_into_one():
    from planner.labs.lora import LoRALinear

    torch.manual_seed(0)
    base = nn.Linear(12, 8)
    layer = LoRALinear(base, rank=3, alpha=6.0)
    x = torch.randn(5, 12)
    assert torch.equal(layer(x), base(x))  # B = 0: training starts from the pre-trained layer
    assert [n for n, p in layer.named_parameters() if p.requires_grad] == ["A", "B"]
    assert sum(p.numel() for p in layer.parameters() if p.requires_grad) == 3 * (12 + 8)

    nn.init.normal_(layer.B)
    assert torch.linalg.matrix_rank(layer.delta()) == 3
    assert torch.allclose(layer.delta(), 2.0 * layer.B @ layer.A)  # alpha / r = 6 / 3
    assert torch.allclose(layer.merged()(x), layer(x), atol=1e-6)


def test_at_the_start_only_b_gets_a_gradient():
    from planner.labs.lora import LoRALinear

    layer = LoRALinear(nn.Linear(6, 4), rank=2, alpha=2.0)
    layer(torch.randn(3, 6)).sum().backward()
    assert layer.A.grad.abs().max() == 0  # its gradient goes through B, which is zero
    assert layer.B.grad.abs().max() > 0
    assert layer.base.weight.grad is None


def test_add_lora_freezes_the_model_and_adapts_the_chosen_projections():
    from planner.labs.catalogue import LoraConfig
    from planner.labs.lora import add_lora
    from planner.labs.transformer import CharTransformer

    cfg = LoraConfig(width=16, heads=2, layers=2, block_size=8)
    attention = add_lora(CharTransformer(10, cfg), rank=4, alpha=8.0)
    both = add_lora(CharTransformer(10, cfg), rank=4, alpha=8.0, adapt="attention+mlp")
    # per block: qkv (16 -> 48) and proj (16 -> 16); the MLP adds 16 -> 64 and 64 -> 16
    assert engine.count_params(attention) == 2 * 4 * ((16 + 48) + (16 + 16))
    assert engine.count_params(both) == 2 * 4 * ((16 + 48) + (16 + 16) + (16 + 64) + (64 + 16))


def test_a_tiny_run_compares_full_and_low_rank_fine_tuning(tmp_path):
    run = run_inline("lora", checkpoint_dir=tmp_path, **LORA)
    for name in ("full", "lora-r1", "lora-r2", "lora-r16"):
        assert len(run.curve(f"{name}/train/loss")) == 2
        assert len(run.curve(f"{name}/val/loss")) == 2  # before fine-tuning and after the epoch
    assert len(run.curve("pretrain/train/loss")) == 3
    metrics = run.result["metrics"]
    assert metrics["lora/gap"] == pytest.approx(metrics["lora-r2/val/loss"] - metrics["full/val/loss"])
    assert metrics["lora-r1/params"] < metrics["lora-r2/params"] < metrics["lora-r16/params"]
    assert metrics["lora/share"] == pytest.approx(metrics["lora-r2/params"] / metrics["full/params"])
    visuals = {v.kind: v for v in run.of("Visual")}
    scatter = visuals["scatter"]
    assert scatter.array.shape == (4, 2)
    assert scatter.meta["names"] == ["full", "lora-r1", "lora-r2", "lora-r16"]
    assert visuals["heatmap"].array.shape == (16, 16 + 2 + 16)
    assert visuals["text"].meta["text"].count("--- ") == 4
    assert "What just happened" in run.of("Log")[-1].text


def test_resuming_reuses_the_pre_trained_model(tmp_path):
    first = run_inline("lora", checkpoint_dir=tmp_path, **LORA)
    path = first.of("Checkpoint")[0].path
    again = run_inline("lora", resume=path, **LORA)
    assert again.curve("pretrain/train/loss") == []
    assert again.curve("base/val/loss") == pytest.approx(first.curve("base/val/loss"))
    with pytest.raises(CheckpointError, match="pre-trained with the 'product' track held out"):
        run_inline("lora", resume=path, **{**LORA, "track": "teaching"})


def test_heads_that_do_not_divide_the_width_are_refused():
    with pytest.raises(LabConfigError, match="heads"):
        run_inline("lora", **{**LORA, "heads": 3})


def test_a_diverging_adapter_fails_naming_the_model_and_the_setting(monkeypatch):
    from planner.labs import lora

    def broken(self, x):
        return self.base(x) + self.B.sum() * float("nan")

    monkeypatch.setattr(lora.LoRALinear, "forward", broken)
    with pytest.raises(engine.Diverged, match=r"lora-r1 diverged; try a lower learning rate \(lora_lr\)"):
        run_inline("lora", **LORA)
