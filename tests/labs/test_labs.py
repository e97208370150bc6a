"""Each lab, at a tiny size on CPU: what it reports, that its mathematics is right, and that its
checkpoints resume and refuse what is not theirs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from planner.core.errors import CheckpointError, LodestarError
from planner.labs import engine, lab_info, with_settings
from tests.labs.conftest import run_inline

TINY = {
    "mlp-from-scratch": {"epochs": 2, "hidden": 16},
    "cnn": {"epochs": 1, "channels": 4},
    "rnn-lstm-gru": {"epochs": 1, "hidden": 8},
    "attention": {"epochs": 1, "steps_per_epoch": 3, "hidden": 16},
    "transformer": {"epochs": 1, "steps_per_epoch": 3, "width": 16, "heads": 2, "block_size": 16,
                    "sample_length": 12},
    "gan": {"epochs": 1, "hidden": 16, "data": "ring"},
    "vae": {"epochs": 1, "hidden": 16, "latent": 2},
    "optimisers": {"epochs": 1, "hidden": 8},
    "compression": {"epochs": 1, "channels": 4, "student_channels": 2, "finetune_epochs": 0},
    "vit": {"epochs": 1, "width": 8, "layers": 1, "heads": 2, "batch_size": 256},
    "bpe-tokeniser": {"epochs": 1, "merges_per_epoch": 20},
    "lora": {"pretrain_steps": 3, "epochs": 1, "steps_per_epoch": 2, "width": 16, "heads": 2,
             "block_size": 16, "sample_length": 8},
    "diffusion": {"epochs": 1, "hidden": 16, "blocks": 1, "timesteps": 8, "batch_size": 256},
}


@pytest.mark.slow
@pytest.mark.parametrize("lab", sorted(TINY))
def test_lab_runs_end_to_end_at_a_tiny_size(lab, tmp_path):
    run = run_inline(lab, checkpoint_dir=tmp_path, **TINY[lab])
    assert type(run.events[0]).__name__ == "Started" and run.events[0].params > 0
    metrics = run.of("Metric")
    assert metrics, "no metrics reported"
    assert all(math.isfinite(m.value) for m in metrics)
    assert "metrics" in run.result and "target_reached" in run.result
    # The number "best result" ranks runs by is in what the lab reports (the GAN's toy data has
    # no digit judge, and the compression lab is a survey without one number).
    ranked = [h.value(run.result["metrics"]) for h in lab_info(lab).headlines]
    assert any(v is not None for v in ranked) == (lab not in ("gan", "compression")), ranked
    checkpoints = run.of("Checkpoint")
    if lab != "compression" or checkpoints:
        assert len(checkpoints) == 1 and checkpoints[0].path.endswith(".pt")
        assert not list(tmp_path.glob("*.partial"))


def test_hand_written_gradients_equal_autograd():
    from planner.labs import mlp

    rng = np.random.default_rng(3)
    params = mlp.init_params(rng, 64, 20, 10)
    params["b1"] += rng.normal(0, 0.1, 20)
    x, y = rng.random((16, 64)), rng.integers(0, 10, 16)
    assert mlp.autograd_check(params, x, y) < 1e-12


def test_mlp_reports_its_gradient_check():
    run = run_inline("mlp-from-scratch", **TINY["mlp-from-scratch"])
    assert run.curve("gradcheck/max_abs_error")[0] < 1e-6
    assert "match autograd" in run.of("Log")[0].text


def test_cnn_pictures_have_the_right_shapes():
    run = run_inline("cnn", **TINY["cnn"])
    kinds = {v.kind: v for v in run.of("Visual")}
    assert kinds["filters"].array.shape == (4, 3, 3)
    assert kinds["images"].array.shape == (4, 8, 8)
    confusion = kinds["confusion"].array
    assert confusion.shape == (10, 10) and confusion.sum() == 360  # every test digit counted once


def test_adding_problem_baseline_is_one_sixth():
    from planner.labs.recurrent import adding_problem

    x, y = adding_problem(20_000, 20, torch.Generator().manual_seed(0))
    assert x.shape == (20_000, 20, 2) and torch.all(x[..., 1].sum(1) == 2)
    assert abs(((y - 1) ** 2).mean().item() - 1 / 6) < 0.01


def test_recurrent_lab_trains_three_cells_on_the_same_batches():
    run = run_inline("rnn-lstm-gru", task="adding", train_size=128, sequence_length=10, epochs=1, hidden=8)
    for cell in ("rnn", "lstm", "gru"):
        assert len(run.curve(f"{cell}/train/loss")) == 2  # 128 sequences in batches of 64
        assert run.curve(f"{cell}/test/mse")


@pytest.mark.parametrize("score", ["dot", "additive"])
def test_attention_weights_are_distributions_over_the_input(score):
    run = run_inline("attention", score=score, length=5, **{**TINY["attention"]})
    heatmap = run.of("Visual")[-1]
    assert heatmap.array.shape == (5, 5)
    assert np.allclose(heatmap.array.sum(1), 1.0, atol=1e-5)


def test_sequence_tasks_are_what_they_say():
    from planner.labs.attention import make_batch

    x, y = make_batch("reverse", 4, 6, 10, torch.Generator().manual_seed(0))
    assert torch.equal(y, x.flip(1))
    x, y = make_batch("sort", 4, 6, 10, torch.Generator().manual_seed(0))
    assert torch.equal(y, torch.sort(x, 1).values)


def test_transformer_samples_text_and_reports_its_baseline():
    run = run_inline("transformer", **TINY["transformer"])
    sample = next(v for v in run.of("Visual") if v.kind == "text").meta["text"]
    assert len(sample) == 3 + 12  # the prompt and the generated characters
    assert run.curve("baseline/unigram")[0] > 1.0


def test_unigram_baseline_is_the_cross_entropy_of_character_frequencies():
    from planner.labs.transformer import lr_at, unigram_loss

    data = torch.tensor([0, 0, 1, 1] * 1000)
    assert unigram_loss(data, data, 2) == pytest.approx(math.log(2), abs=1e-3)
    assert lr_at(0, 1000, 1.0) == pytest.approx(0.01)
    assert lr_at(1000, 1000, 1.0) == pytest.approx(0.1)


def test_transformer_refuses_heads_that_do_not_divide_the_width():
    with pytest.raises(LodestarError, match="heads: 3 does not divide the width 16"):
        run_inline("transformer", **{**TINY["transformer"], "heads": 3})


def test_vae_shows_a_latent_scatter_coloured_by_digit():
    run = run_inline("vae", **TINY["vae"])
    scatter = next(v for v in run.of("Visual") if v.kind == "scatter")
    assert scatter.array.shape == (360, 2) and set(scatter.meta["labels"]) == set(range(10))
    assert run.curve("test/kl")[0] >= 0.0


def test_distillation_loss_vanishes_when_the_student_copies_the_teacher():
    from planner.labs.compression import distillation_loss

    logits = torch.randn(8, 10)
    targets = logits.argmax(-1)
    assert distillation_loss(logits, logits, targets, 4.0, 1.0).item() == pytest.approx(0.0, abs=1e-6)


def test_same_seed_gives_the_same_curve_on_cpu():
    first = run_inline("cnn", **TINY["cnn"]).curve("train/loss")
    again = run_inline("cnn", **TINY["cnn"]).curve("train/loss")
    other = run_inline("cnn", seed=1, **TINY["cnn"]).curve("train/loss")
    assert first == again
    assert first != other


def test_resume_continues_from_the_checkpoint(tmp_path):
    first = run_inline("cnn", checkpoint_dir=tmp_path, **TINY["cnn"])
    path = first.of("Checkpoint")[0].path
    resumed = run_inline("cnn", checkpoint_dir=tmp_path, resume=path, **{**TINY["cnn"], "epochs": 2})
    assert resumed.of("Log")[0].text.startswith("Resumed at epoch 1")
    epochs = {m.epoch for m in resumed.of("Metric")}
    assert epochs == {2}


def test_checkpoint_of_another_lab_is_refused(tmp_path):
    mlp = run_inline("mlp-from-scratch", checkpoint_dir=tmp_path, **TINY["mlp-from-scratch"])
    path = mlp.of("Checkpoint")[0].path
    with pytest.raises(CheckpointError, match="is a checkpoint of the 'mlp-from-scratch' lab, not of 'cnn'"):
        run_inline("cnn", resume=path, **TINY["cnn"])


def test_checkpoint_with_other_sizes_is_refused(tmp_path):
    path = run_inline("cnn", checkpoint_dir=tmp_path, **TINY["cnn"]).of("Checkpoint")[0].path
    with pytest.raises(CheckpointError, match="does not fit these settings"):
        run_inline("cnn", resume=path, **{**TINY["cnn"], "channels": 8})


@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all", b"PK\x03\x04broken zip"])
def test_damaged_checkpoint_is_refused(tmp_path, content):
    path = tmp_path / "broken.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="is not a readable Lodestar checkpoint"):
        engine.load_checkpoint(path, "cnn")


def test_foreign_torch_file_is_refused(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save({"weight": torch.zeros(2)}, path)
    with pytest.raises(CheckpointError, match="is not a Lodestar checkpoint"):
        engine.load_checkpoint(path, "cnn")


def test_diverging_loss_names_the_step_and_suggests_a_lower_rate():
    with pytest.raises(engine.Diverged, match=r"the loss became inf at step \d+; try a lower learning rate"):
        run_inline("mlp-from-scratch", lr=10.0, epochs=3)


@pytest.mark.slow
# The LoRA lab resumes by reusing its pre-trained model (tests/labs/test_lora.py).
@pytest.mark.parametrize("lab", sorted(set(TINY) - {"compression", "lora"}))
def test_every_lab_resumes_where_its_checkpoint_left_off(lab, tmp_path):
    first = run_inline(lab, checkpoint_dir=tmp_path, **TINY[lab])
    path = first.of("Checkpoint")[0].path
    last = TINY[lab]["epochs"]
    resumed = run_inline(lab, checkpoint_dir=tmp_path, resume=path, **{**TINY[lab], "epochs": last + 1})
    trained = {m.epoch for m in resumed.of("Metric")
               if "train/" in m.name or m.name.startswith(("generator/", "discriminator/"))}
    assert trained == {last + 1}, trained


class _Smuggled:
    """Stands for any Python object a foreign checkpoint might carry (and run on loading)."""


def test_a_checkpoint_holding_objects_is_refused_without_advising_weights_only_false(tmp_path):
    path = tmp_path / "smuggled.pt"
    torch.save({"format": "x", "state": {}, "extra": _Smuggled()}, path)
    with pytest.raises(CheckpointError, match="holds Python objects") as refused:
        engine.load_checkpoint(path, "cnn")
    assert "weights_only" not in str(refused.value)
    assert "trust" not in str(refused.value)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all", b"PK\x03\x04broken zip"])
def test_no_refusal_passes_on_pytorchs_advice(tmp_path, content):
    path = tmp_path / "broken.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as refused:
        engine.load_checkpoint(path, "cnn")
    assert "weights_only" not in str(refused.value)


def test_vit_cuts_a_digit_into_patches_in_reading_order():
    from planner.labs.vit import patchify

    pixels = torch.arange(64.0).view(1, 64)
    patches = patchify(pixels, 2)
    assert patches.shape == (1, 16, 4)
    assert patches[0, 0].tolist() == [0, 1, 8, 9] and patches[0, 1].tolist() == [2, 3, 10, 11]
    assert patches[0, 4].tolist() == [16, 17, 24, 25]  # second row of patches
    assert torch.equal(patchify(pixels, 8)[0, 0], pixels[0])


def test_vit_random_shift_moves_digits_in_training_only():
    from planner.labs.vit import RandomShift

    digit = torch.zeros(1, 8, 8)
    digit[0, 3:5, 3:5] = 1.0
    shift = RandomShift(1)
    moved = shift(digit.view(1, 64).repeat(50, 1)).view(50, 8, 8)
    assert torch.all(moved.sum((1, 2)) == 4)  # nothing falls off: the digit is inside the border
    assert len({tuple(m.nonzero()[0].tolist()) for m in moved}) > 1
    shift.eval()
    assert torch.equal(shift(digit.view(1, 64)), digit.view(1, 64))


def test_vit_shows_patches_attention_and_position_similarity():
    run = run_inline("vit", **TINY["vit"])
    pictures = {v.name: v for v in run.of("Visual")}
    assert all(v.kind == "images" and v.meta["caption"] for v in pictures.values())
    patches = pictures["patches of a test digit"]
    assert patches.array.shape == (16, 2, 2) and patches.meta["columns"] == 4
    assert np.allclose(patches.array.reshape(4, 4, 2, 2).transpose(0, 2, 1, 3).reshape(8, 8),
                       patches.meta["input"])  # the patches put back together are the digit
    pair = pictures["test digits (top) and where the class token looks (bottom)"].array
    assert pair.shape == (16, 8, 8) and np.allclose(pair[8:].max((1, 2)), 1.0)
    heads = pictures["class-token attention of each head, first digit"].array
    assert heads.shape == (2, 4, 4) and np.all(heads >= 0)
    assert np.all(heads.sum((1, 2)) < 1.0)  # the rest of each row goes to the class token itself
    similarity = pictures["position-embedding similarity"].array
    assert similarity.shape == (16, 4, 4)
    assert np.allclose(similarity.reshape(16, 16).diagonal(), 1.0, atol=1e-5)
    assert "What just happened" in run.of("Log")[-1].text and "CNN" in run.of("Log")[-1].text


def test_vit_attention_rows_are_distributions():
    from planner.labs.vit import DigitsViT

    model = DigitsViT(patch=4, width=16, layers=2, heads=4).eval()
    _, attention = model.encode(torch.rand(3, 64))
    assert len(attention) == 2 and attention[0].shape == (3, 4, 5, 5)  # 4 patches + the class token
    assert torch.allclose(attention[1].sum(-1), torch.ones(3, 4, 5))


def test_vit_refuses_heads_that_do_not_divide_the_width():
    with pytest.raises(LodestarError, match="heads: 3 does not divide the width 8"):
        run_inline("vit", **{**TINY["vit"], "heads": 3})


def test_vit_reports_a_diverging_loss(monkeypatch):
    from planner.labs import vit

    def broken(self, x, targets=None):
        logits = self.head(self.encode(x)[0][:, 0])
        return logits, logits.sum() * float("nan")

    monkeypatch.setattr(vit.DigitsViT, "forward", broken)
    with pytest.raises(engine.Diverged, match=r"the loss became nan at step 1; try a lower learning rate"):
        run_inline("vit", **TINY["vit"])


def test_diffusion_shows_both_processes_and_judges_its_samples():
    run = run_inline("diffusion", **TINY["diffusion"])
    assert len(run.curve("train/loss")) == 6  # 1,437 training digits in batches of 256
    pictures = {v.name.split(":")[0]: v for v in run.of("Visual")}
    columns = len((8, 6, 4, 2, 1, 0))  # t = T, 3T/4, T/2, T/4, T/8 and 0 (T/16 rounds to 0)
    assert pictures["forward process"].array.shape == (6 * columns, 8, 8)
    assert pictures["reverse process"].array.shape == (6 * columns, 8, 8)
    assert pictures["64 samples from the same noise each time"].array.shape == (64, 8, 8)
    assert 0.0 <= run.curve("samples/confident")[-1] <= 1.0
    assert run.result["metrics"]["samples/digits_present"] in range(11)
    assert run.of("Log")[-1].text.startswith("What just happened")


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_diffusion_schedule_destroys_the_signal_and_its_reverse_step_is_the_posterior(kind):
    from planner.labs.diffusion import Schedule

    schedule = Schedule(kind, 100, torch.device("cpu"))
    assert torch.all(schedule.alpha_bars[1:] < schedule.alpha_bars[:-1])  # the signal only fades
    assert schedule.alpha_bars[-1] < 1e-3 < 0.98 < schedule.alpha_bars[0]
    # noised in one jump, x_t has variance 1 - alphabar_t around sqrt(alphabar_t) x_0
    g = torch.Generator().manual_seed(0)
    x0 = torch.full((20_000, 64), 0.5)
    t = torch.full((20_000,), 49)
    xt = schedule.noise(x0, t, torch.randn(x0.shape, generator=g))
    alpha_bar = schedule.alpha_bars[49]
    assert xt.mean().item() == pytest.approx(0.5 * alpha_bar.sqrt().item(), abs=0.01)
    assert xt.var().item() == pytest.approx(1 - alpha_bar.item(), abs=0.01)
    # told the true noise, the last reverse step returns the clean digit exactly
    x0 = torch.rand(4, 64) * 2 - 1
    eps = torch.randn(4, 64, generator=g)
    x1 = schedule.noise(x0, torch.zeros(4, dtype=torch.long), eps)
    assert torch.allclose(schedule.step(x1, 0, eps, torch.zeros_like(x1)), x0, atol=1e-5)
    # and from any t the reverse mean is the posterior mean of q(x_{t-1} | x_t, x_0)
    b = schedule.betas.double()
    ab = schedule.alpha_bars.double()
    a_prev = ab[29]
    xt = schedule.noise(x0, torch.full((4,), 30), eps).double()
    expected = (a_prev.sqrt() * b[30] * x0 + (1 - b[30]).sqrt() * (1 - a_prev) * xt) / (1 - ab[30])
    assert torch.allclose(schedule.step(xt.float(), 30, eps, torch.zeros_like(x0)).double(), expected,
                          atol=1e-4)


def test_diffusion_refuses_an_unknown_schedule():
    from planner.labs.catalogue import DiffusionConfig

    with pytest.raises(LodestarError, match="schedule: 'quadratic' is not one of cosine, linear"):
        with_settings(DiffusionConfig(), {"schedule": "quadratic"})


def test_diffusion_stops_with_a_clear_message_when_the_loss_is_nan(monkeypatch):
    from planner.labs import diffusion

    monkeypatch.setattr(diffusion.Schedule, "noise", lambda self, x0, t, eps: x0 * float("nan"))
    with pytest.raises(engine.Diverged, match=r"the loss became nan at step 1; try a lower learning rate"):
        run_inline("diffusion", **TINY["diffusion"])


def test_the_vae_scatter_shows_the_two_latent_dimensions_in_use():
    from planner.labs.vae import latent_axes

    generator = torch.Generator().manual_seed(0)
    spread = torch.tensor([0.03, 1.5, 0.02, 1.2, 0.5, 0.02, 0.5, 0.01])
    codes = torch.randn(200, 8, generator=generator) * spread
    shown, caption = latent_axes(codes)
    assert shown == [1, 3]                            # dimension 0 is switched off: not plotted
    assert "z1 and z3" in caption and "4 of 8 dimensions in use" in caption
    assert latent_axes(codes[:, :2])[0] == [0, 1]     # a 2-D latent is shown as it is


def test_every_lab_says_what_just_happened_once():
    from pathlib import Path

    from planner.labs.catalogue import LABS
    for lab in LABS:
        source = (Path(engine.__file__).parent / f"{lab.module}.py").read_text()
        logs_its_own = "What just happened" in source
        assert logs_its_own != bool(lab.after), lab.slug   # one or the other, never both
        sentences = lab.after.count(". ") + 1
        assert not lab.after or (2 <= sentences <= 3 and len(lab.after) < 500), lab.slug
