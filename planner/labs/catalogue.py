"""The labs: each one's settings, description and quality target. Torch-free, so the app can list
labs and build their forms without loading PyTorch; the training code lives in the lab modules
(`planner.labs.<module>`), imported only inside the worker process."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from planner.core.errors import NotFoundError
from planner.core.models import LabRun, LabRunStatus
from planner.labs.config import LabConfig, setting

LR = {"log": True, "min": 1e-6, "max": 10.0}


@dataclass(frozen=True)
class MlpConfig(LabConfig):
    epochs: int = setting(40, min=1, max=1000, help="Passes over the training digits.")
    hidden: int = setting(64, min=4, max=1024, help="Units in the hidden layer.")
    lr: float = setting(0.5, help="Learning rate of plain SGD.", **LR)
    batch_size: int = setting(32, min=1, max=1024, help="Digits per gradient step.")


@dataclass(frozen=True)
class CnnConfig(LabConfig):
    epochs: int = setting(15, min=1, max=1000, help="Passes over the training digits.")
    channels: int = setting(32, min=2, max=128,
                            help="Filters in the first convolution (doubled in the second).")
    lr: float = setting(3e-3, help="Adam learning rate.", **LR)
    batch_size: int = setting(64, min=1, max=1024, help="Digits per gradient step.")
    dropout: float = setting(0.1, min=0.0, max=0.9, help="Dropout before the classifier head.")


@dataclass(frozen=True)
class RecurrentConfig(LabConfig):
    task: str = setting("digits", choices=("digits", "adding"),
                        help="digits: read each 8x8 digit row by row; adding: sum two marked numbers.")
    epochs: int = setting(30, min=1, max=1000, help="Passes over the training set.")
    hidden: int = setting(64, min=2, max=1024, help="Hidden units of each cell.")
    lr: float = setting(3e-3, help="Adam learning rate.", **LR)
    batch_size: int = setting(64, min=1, max=1024, help="Sequences per gradient step.")
    sequence_length: int = setting(50, min=2, max=1000, help="Adding problem: steps per sequence.")
    train_size: int = setting(6400, min=64, max=1_000_000, help="Adding problem: training sequences.")
    clip: float = setting(1.0, min=0.0, max=100.0, help="Gradient-norm clipping (0 turns it off).")


@dataclass(frozen=True)
class AttentionConfig(LabConfig):
    task: str = setting("reverse", choices=("reverse", "sort"), help="Reverse or sort a sequence of symbols.")
    epochs: int = setting(20, min=1, max=1000, help="Epochs of `steps_per_epoch` fresh batches each.")
    steps_per_epoch: int = setting(100, min=1, max=100_000, help="Generated batches per epoch.")
    length: int = setting(8, min=2, max=32, help="Symbols per sequence.")
    vocab: int = setting(10, min=2, max=100, help="Distinct symbols.")
    hidden: int = setting(64, min=4, max=1024, help="Width of the encoder and decoder.")
    score: str = setting("dot", choices=("dot", "additive"),
                         help="Scaled dot-product (Luong/Vaswani) or additive (Bahdanau) scores.")
    lr: float = setting(3e-3, help="Adam learning rate.", **LR)
    batch_size: int = setting(128, min=1, max=4096, help="Sequences per gradient step.")


@dataclass(frozen=True)
class TransformerConfig(LabConfig):
    epochs: int = setting(5, min=1, max=1000, help="Epochs of `steps_per_epoch` batches each.")
    steps_per_epoch: int = setting(200, min=1, max=100_000, help="Batches per epoch.")
    layers: int = setting(2, min=1, max=24, help="Transformer blocks.")
    heads: int = setting(4, min=1, max=32, help="Attention heads per block (must divide the width).")
    width: int = setting(128, min=8, max=2048, help="Embedding width.")
    block_size: int = setting(64, min=8, max=2048, help="Context length in characters.")
    dropout: float = setting(0.1, min=0.0, max=0.9, help="Dropout in attention and MLP.")
    lr: float = setting(2e-3, help="Peak AdamW learning rate (cosine decay after warm-up).", **LR)
    batch_size: int = setting(32, min=1, max=1024, help="Sequences per gradient step.")
    sample_length: int = setting(200, min=0, max=5000,
                                 help="Characters generated after each epoch.")


@dataclass(frozen=True)
class GanConfig(LabConfig):
    data: str = setting("digits", choices=("digits", "ring", "moons"),
                        help="Handwritten digits, or 2-D toy data (a ring of 8 Gaussians, two moons).")
    epochs: int = setting(600, min=1, max=100_000, help="Passes over the training data.")
    latent: int = setting(32, min=1, max=512, help="Size of the generator's noise input z.")
    hidden: int = setting(256, min=8, max=4096, help="Width of generator and discriminator.")
    lr: float = setting(2e-4, help="Adam learning rate of both networks.", **LR)
    beta1: float = setting(0.5, min=0.0, max=0.999, help="Adam beta1 (0.5 as in DCGAN).")
    batch_size: int = setting(64, min=2, max=4096, help="Real samples per step.")


@dataclass(frozen=True)
class VaeConfig(LabConfig):
    epochs: int = setting(150, min=1, max=10_000, help="Passes over the training digits.")
    latent: int = setting(8, min=1, max=256, help="Dimensions of the latent code z (2 for a scatter plot).")
    hidden: int = setting(256, min=8, max=4096, help="Hidden units of encoder and decoder.")
    lr: float = setting(1e-3, help="Adam learning rate.", **LR)
    batch_size: int = setting(64, min=1, max=1024, help="Digits per gradient step.")
    beta: float = setting(1.0, min=0.0, max=100.0, help="Weight of the KL term (1 is the true ELBO).")


@dataclass(frozen=True)
class OptimisersConfig(LabConfig):
    epochs: int = setting(20, min=1, max=1000, help="Passes over the training digits, for each optimiser.")
    hidden: int = setting(64, min=4, max=1024, help="Hidden units of the shared MLP.")
    sgd_lr: float = setting(0.05, help="Learning rate of plain SGD and of SGD with momentum.", **LR)
    momentum: float = setting(0.9, min=0.0, max=0.999, help="Momentum coefficient.")
    adam_lr: float = setting(1e-3, help="Adam learning rate.", **LR)
    batch_size: int = setting(32, min=1, max=1024, help="Digits per gradient step.")


@dataclass(frozen=True)
class CompressionConfig(LabConfig):
    epochs: int = setting(15, min=1, max=1000, help="Epochs to train the CNN that is compressed.")
    channels: int = setting(16, min=2, max=128, help="Filters in the CNN's first convolution.")
    student_channels: int = setting(4, min=1, max=128,
                                    help="Filters in the distilled student's first convolution.")
    temperature: float = setting(4.0, min=1.0, max=50.0, help="Softmax temperature for distillation.")
    alpha: float = setting(0.7, min=0.0, max=1.0,
                           help="Weight of the distillation loss against the label loss.")
    finetune_epochs: int = setting(2, min=0, max=100, help="Epochs of fine-tuning after each pruning step.")
    lr: float = setting(3e-3, help="Adam learning rate.", **LR)
    batch_size: int = setting(64, min=1, max=1024, help="Digits per gradient step.")


TRACKS = ("career", "foundations", "generative", "knowledge", "large-models", "llms", "ml-practice",
          "neural-networks", "nlp-speech", "product", "responsible-ai", "sequences", "teaching",
          "transformers", "vision")


@dataclass(frozen=True)
class BpeConfig(LabConfig):
    base: str = setting("bytes", choices=("bytes", "characters"),
                        help="Start from the 256 byte values (any text can be encoded) or from the "
                             "characters seen in training (others become one unknown token).")
    epochs: int = setting(7, min=1, max=1000, help="Rounds of `merges_per_epoch` merges each.")
    merges_per_epoch: int = setting(256, min=1, max=100_000,
                                    help="Merges (new vocabulary entries) learned in each round.")
    held_out: str = setting("vision", choices=TRACKS,
                            help="The lesson track kept out of training to measure compression on.")


@dataclass(frozen=True)
class VitConfig(LabConfig):
    epochs: int = setting(30, min=1, max=1000, help="Passes over the training digits.")
    patch: int = setting(2, choices=(1, 2, 4, 8),
                         help="Side of the square patches the 8x8 digit is cut into (2: a 4x4 grid of 16).")
    width: int = setting(48, min=8, max=1024, help="Width of each token (the embedding size).")
    layers: int = setting(3, min=1, max=24, help="Pre-norm Transformer blocks.")
    heads: int = setting(4, min=1, max=32, help="Attention heads per block (must divide the width).")
    dropout: float = setting(0.1, min=0.0, max=0.9, help="Dropout in attention and MLP.")
    shift: int = setting(0, min=0, max=3,
                         help="Shift each training digit by up to this many pixels (0 turns it off).")
    lr: float = setting(3e-3, help="Peak AdamW learning rate (one epoch of warm-up, then cosine decay).",
                        **LR)
    weight_decay: float = setting(0.05, min=0.0, max=10.0, help="AdamW weight decay.")
    batch_size: int = setting(64, min=1, max=1024, help="Digits per gradient step.")


@dataclass(frozen=True)
class LoraConfig(LabConfig):
    track: str = setting("product", choices=TRACKS,
                         help="Lessons held out of pre-training; the model is fine-tuned on them.")
    pretrain_steps: int = setting(1500, min=1, max=100_000,
                                  help="Steps of pre-training on every other track's lessons.")
    epochs: int = setting(4, min=1, max=1000,
                          help="Fine-tuning epochs of `steps_per_epoch` batches (validation after each).")
    steps_per_epoch: int = setting(40, min=1, max=100_000, help="Fine-tuning batches per epoch.")
    rank: int = setting(2, choices=(1, 2, 4, 8, 16, 32),
                        help="LoRA rank the target is judged at (ranks 1 and 16 train beside it).")
    alpha: float = setting(8.0, min=0.01, max=1024.0, help="LoRA scale: the update is (alpha / r) B A.")
    adapt: str = setting("attention+mlp", choices=("attention+mlp", "attention"),
                         help="Which projections get adapters (the LoRA paper adapted attention only).")
    layers: int = setting(2, min=1, max=24, help="Transformer blocks.")
    heads: int = setting(4, min=1, max=32, help="Attention heads per block (must divide the width).")
    width: int = setting(64, min=8, max=2048, help="Embedding width.")
    block_size: int = setting(64, min=8, max=2048, help="Context length in characters.")
    dropout: float = setting(0.0, min=0.0, max=0.9, help="Dropout in attention and MLP.")
    pretrain_lr: float = setting(3e-3, help="Peak AdamW learning rate of pre-training.", **LR)
    lr: float = setting(1e-3, help="Adam learning rate of full fine-tuning.", **LR)
    lora_lr: float = setting(1e-2, help="Adam learning rate of the LoRA adapters.", **LR)
    batch_size: int = setting(16, min=1, max=1024, help="Sequences per gradient step.")
    sample_length: int = setting(160, min=0, max=5000,
                                 help="Characters each model generates at the end (0: none).")


@dataclass(frozen=True)
class DiffusionConfig(LabConfig):
    epochs: int = setting(800, min=1, max=100_000, help="Passes over the training digits.")
    timesteps: int = setting(100, min=2, max=2000, help="Noising steps T of the forward process.")
    schedule: str = setting("cosine", choices=("cosine", "linear"),
                            help="Noise schedule: cosine (Nichol & Dhariwal) or linear (Ho et al.).")
    hidden: int = setting(128, min=8, max=4096, help="Width of the noise-predicting network.")
    blocks: int = setting(2, min=1, max=16, help="Residual blocks, each told the time step.")
    lr: float = setting(2e-3, help="Peak Adam learning rate (cosine decay to a tenth).", **LR)
    batch_size: int = setting(64, min=1, max=4096, help="Digits per gradient step.")
    ema: float = setting(0.995, min=0.0, max=0.99999,
                         help="Samples come from an exponential moving average of the weights (0: off).")


@dataclass(frozen=True)
class Headline:
    """A number that ranks a lab's runs: what "best result" means for it. Read from the final
    metrics a run's summary holds; several metrics combine into their worst (each must be good,
    as the lab's target asks) or their best (any one, as when comparing optimisers)."""

    metrics: tuple[str, ...]
    label: str
    higher_is_better: bool = True
    combine: str = "worst"  # or "best"
    percent: bool = False

    def value(self, metrics: dict) -> float | None:
        values = [metrics.get(key) for key in self.metrics]
        if not values or not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            return None
        return max(values) if self.higher_is_better == (self.combine == "best") else min(values)

    def better(self, value: float, than: float) -> bool:
        return value > than if self.higher_is_better else value < than

    def format(self, value: float) -> str:
        return f"{value:.1%}" if self.percent else f"{value:.3g}"


@dataclass(frozen=True)
class Best:
    """A profile's best run of a lab by one headline."""

    headline: Headline
    value: float
    run: LabRun

    def describe(self) -> str:
        return f"{self.headline.format(self.value)} {self.headline.label}"


@dataclass(frozen=True)
class LabStanding:
    """Where a profile stands with a lab: its newest run, its best results (one per headline
    with a result), and when it completed the lab (a finished run that reached the target)."""

    last: LabRun | None = None
    best: tuple[Best, ...] = ()
    done_at: datetime | None = None


@dataclass(frozen=True)
class LabInfo:
    """One lab as the catalogue lists it."""

    slug: str
    title: str
    module: str  # planner.labs.<module>, imported in the worker only
    config: type[LabConfig]
    data: str
    target: str  # the documented quality target of the default settings
    headlines: tuple[Headline, ...] = ()  # one per task the lab has; none for a survey lab
    # "What just happened", 2-3 sentences the Labs page logs when a run ends (labs that write
    # their own, with the run's numbers in it, log it from the worker and leave this empty)
    after: str = ""

    def best(self, runs: Iterable[LabRun]) -> list[Best]:
        """The best of `runs` by each headline that any of them has a value for (finished or
        stopped runs only: a failed run's last numbers are not a result). Ties go to the
        earliest run."""
        best: dict[Headline, Best] = {}
        for run in sorted(runs, key=lambda r: (r.started_at, r.id)):
            if run.lab != self.slug or run.status not in (LabRunStatus.FINISHED, LabRunStatus.STOPPED):
                continue
            metrics = (run.summary or {}).get("metrics") or {}
            for headline in self.headlines:
                value = headline.value(metrics)
                if value is not None and (headline not in best
                                          or headline.better(value, best[headline].value)):
                    best[headline] = Best(headline, value, run)
        return [best[h] for h in self.headlines if h in best]


TEST_ACCURACY = Headline(("test/accuracy",), "test accuracy", percent=True)

LABS: tuple[LabInfo, ...] = (
    LabInfo("mlp-from-scratch", "MLP from scratch", "mlp", MlpConfig, "digits (scikit-learn)",
            "gradients match autograd to 1e-6; at least 95% test accuracy", (TEST_ACCURACY,),
            after=("The forward pass, the backward pass (the chain rule applied layer by layer) and the "
            "weight updates were written out by hand in numpy, and the gradient check showed they "
            "agree with PyTorch's autograd. Gradient descent then moved the weights downhill on the "
            "cross-entropy loss; the filters tab shows which pixels each hidden unit weighs for "
            "(bright) and against (dark).")),
    LabInfo("cnn", "Convolutional network", "cnn", CnnConfig, "digits 8x8",
            "at least 97% test accuracy", (TEST_ACCURACY,),
            after=("Each convolutional layer slid small filters over the digit, the same weights at every "
            "position, so a stroke detector learned in one place works everywhere with far fewer "
            "weights than a fully connected layer. The feature maps show where each filter fires; "
            "the confusion matrix counts test digits by true class (rows) and predicted class "
            "(columns), so its off-diagonal cells are the digits still mistaken for one another.")),
    LabInfo("rnn-lstm-gru", "RNN vs LSTM vs GRU", "recurrent", RecurrentConfig,
            "digits row by row; the adding problem",
            "digits: LSTM and GRU at least 95%; adding: LSTM/GRU test MSE below 0.01",
            (Headline(("lstm/test/accuracy", "gru/test/accuracy"), "digits accuracy (LSTM and GRU)",
                      percent=True),
             Headline(("lstm/test/mse", "gru/test/mse"), "adding-problem MSE (LSTM and GRU)",
                      higher_is_better=False)),
            after=("All three networks read the input one step at a time, carrying a hidden state forward. "
            "In the adding problem the two marked numbers can be far apart, and a plain RNN's "
            "gradient is multiplied by the same recurrent weights at every step back, so it fades "
            "away and the RNN tends to stay near the 0.167 error of always answering 1. The LSTM's "
            "and GRU's gates let the state (and its gradient) pass almost unchanged across many "
            "steps, so they learn the sum.")),
    LabInfo("attention", "Attention", "attention", AttentionConfig, "generated sequences",
            "reverse: at least 99% of sequences exact; sort: at least 95%",
            (Headline(("test/exact",), "of sequences exact", percent=True),),
            after=("At each output step the decoder scored every encoder position against its own state, "
            "turned the scores into weights with a softmax and read the weighted mix of the inputs. "
            "The heatmap shows those weights: reversing gives a bright anti-diagonal (output step t "
            "reads input position n-1-t), sorting a scattered pattern where each output looks up "
            "wherever its value sits in the input.")),
    LabInfo("transformer", "Transformer language model", "transformer", TransformerConfig,
            "the text of these lessons", "validation loss below 75% of the unigram baseline",
            (Headline(("val/ratio",), "of the unigram baseline's validation loss",
                      higher_is_better=False, percent=True),),
            after=("The model learned to predict each next character of the lessons from the characters "
            "before it: causal self-attention lets every position look back at earlier ones (never "
            "ahead), and stacked blocks build words from characters. The validation loss is "
            "compared with the unigram baseline, which knows only how common each character is; the "
            "samples show how much spelling and word structure it picked up.")),
    LabInfo("gan", "Generative adversarial network", "gan", GanConfig, "digits; 2-D toy data",
            "at least 70% of samples classified with confidence above 0.9, all 10 digits present",
            (Headline(("samples/confident",), "of samples classified confidently", percent=True),),
            after=("The generator learned to turn random noise into digits only through the "
            "discriminator's gradients, while the discriminator learned to tell generated images "
            "from real ones; the two play against each other, so their losses do not simply fall as "
            "in supervised training. Progress shows in the samples, and the 2-D toy scatter shows "
            "whether the generated points cover every cluster of the real data or collapse onto a "
            "few (mode collapse).")),
    LabInfo("vae", "Variational auto-encoder", "vae", VaeConfig, "digits",
            "reconstruction cross-entropy at most 21 nats per image with an 8-D latent",
            (Headline(("test/reconstruction",), "nats of reconstruction error per image",
                      higher_is_better=False),),
            after=("The encoder mapped each digit to a Gaussian over the latent code, the decoder rebuilt "
            "the digit from a sample of it, and the KL term pulled those Gaussians towards the "
            "standard normal prior, which is why decoding random draws from the prior gives "
            "digit-like samples. In the latent scatter digits of the same class cluster together "
            "although no labels were used; dimensions the KL term switched off stay near 0 for "
            "every digit, so the two most spread are plotted.")),
    LabInfo("optimisers", "SGD vs momentum vs Adam", "optimisers", OptimisersConfig, "digits",
            "documented: the three curves on one model",
            (Headline(("sgd/test/accuracy", "momentum/test/accuracy", "adam/test/accuracy"),
                      "test accuracy (best optimiser)", combine="best", percent=True),),
            after=("Three copies of one network, with the same starting weights and batches, were trained "
            "by different update rules. Plain SGD steps along the current gradient only; momentum "
            "keeps a running average of gradients, so it speeds up along directions that agree and "
            "damps zig-zags; Adam also divides each weight's step by a running estimate of its "
            "gradient's size, so every weight moves at a similar rate and the loss usually falls "
            "fastest early on.")),
    LabInfo("compression", "Quantisation, pruning, distillation", "compression", CompressionConfig,
            "the trained CNN", "documented: accuracy against size for each technique",
            after=("The trained CNN was made smaller three ways: int8 quantisation stores the linear "
            "layers' weights in 8 bits instead of 32, magnitude pruning zeroes the smallest weights "
            "and fine-tunes the rest, and distillation trains a narrower student to match the "
            "teacher's softened predictions as well as the labels. The scatter puts each version's "
            "accuracy against its size: the ones near the top left give up least accuracy for the "
            "space they save.")),
    LabInfo("vit", "Vision Transformer", "vit", VitConfig, "digits 8x8",
            "at least 95% test accuracy", (TEST_ACCURACY,)),
    LabInfo("bpe-tokeniser", "BPE tokeniser", "bpe", BpeConfig, "the text of these lessons",
            "held-out lessons at most 0.38 tokens per character with the default 2,048 tokens",
            (Headline(("heldout/tokens_per_char",), "tokens per character of held-out text",
                      higher_is_better=False),)),
    LabInfo("lora", "LoRA fine-tuning", "lora", LoraConfig, "the text of these lessons, one track held out",
            "LoRA at rank 2 within 0.1 nats/char of full fine-tuning's validation loss, with under 5% "
            "of its trainable parameters",
            (Headline(("lora/gap",), "nats/char above full fine-tuning", higher_is_better=False),)),
    LabInfo("diffusion", "Diffusion model (DDPM)", "diffusion", DiffusionConfig, "digits",
            "at least 70% of samples classified with confidence above 0.9, all 10 digits present",
            (Headline(("samples/confident",), "of samples classified confidently", percent=True),)),
)


def lab_info(slug: str) -> LabInfo:
    """The lab called `slug`, or `NotFoundError` listing the labs there are."""
    for lab in LABS:
        if lab.slug == slug:
            return lab
    raise NotFoundError(f"no lab called {slug!r}; labs: {', '.join(lab.slug for lab in LABS)}")
