"""BPE tokeniser lab: learn byte-pair-encoding merges (Sennrich et al., 2016; byte-level as in
GPT-2) on the text of Lodestar's lessons, and measure how well they compress a track of lessons
kept out of training. Not gradient based: pure Python, but it runs through the same worker and
reports the same events as the other labs.

The text is first cut into pre-tokens (words with their leading space, numbers, punctuation,
whitespace), so a merge never crosses a word boundary; BPE then works on the distinct pre-tokens
weighted by how often each occurs, and after every merge only the words holding the merged pair
are touched.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise

from planner.core.errors import CheckpointError, LabConfigError, LodestarError
from planner.core.events import LabEvent, Log, Metric, Started, Visual
from planner.labs import engine
from planner.labs.catalogue import BpeConfig
from planner.labs.corpus import track_texts

TARGET_TOKENS_PER_CHAR = 0.38  # held-out text, default settings (2,048 tokens from bytes)

# GPT-2's pre-tokeniser without the `regex` module: English contractions, then letters, digits,
# other symbols (each with at most one leading space), then runs of whitespace (a run before a
# word leaves it its space).
PRE_TOKEN = re.compile(r"'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?(?:[^\w\s]|_)+|\s+(?!\S)|\s+")

SAMPLE_WORDS = ("the", "tokenisation", "backpropagation", "convolutional", "unbelievably", "naïve",
                "2026")
SAMPLE_SENTENCE = "Attention lets every token look back at the tokens before it."

Pair = tuple[int, int]


def pre_tokens(text: str) -> list[str]:
    """`text` cut into the pieces BPE merges within; they join back into `text`."""
    return PRE_TOKEN.findall(text)


def merge_pair(symbols: list[int], pair: Pair, new: int) -> list[int]:
    """`symbols` with every occurrence of `pair`, left to right, replaced by `new`."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(new)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


class WordTable:
    """The distinct pre-tokens of a text as symbol sequences, with their counts; for every
    adjacent pair of symbols, how often it occurs (weighted by word count) and in which words."""

    def __init__(self, words: Counter[tuple[int, ...]]):
        self.symbols = [list(w) for w in words]
        self.counts = list(words.values())
        self.pairs: Counter[Pair] = Counter()
        self.where: defaultdict[Pair, set[int]] = defaultdict(set)
        self.tokens = 0  # the whole text's length in tokens
        for i, (symbols, n) in enumerate(zip(self.symbols, self.counts, strict=True)):
            self.tokens += len(symbols) * n
            for pair in pairwise(symbols):
                self.pairs[pair] += n
                self.where[pair].add(i)

    def merge(self, pair: Pair, new: int) -> set[Pair]:
        """Replace `pair` by the symbol `new` in every word; return the pairs whose counts changed."""
        changed = set()
        for i in self.where.pop(pair, ()):
            old, n = self.symbols[i], self.counts[i]
            merged = merge_pair(old, pair, new)
            for p in pairwise(old):
                self.pairs[p] -= n
                changed.add(p)
            for p in pairwise(merged):
                self.pairs[p] += n
                self.where[p].add(i)  # a word that lost a pair stays listed: merging it is a no-op
                changed.add(p)
            self.tokens += (len(merged) - len(old)) * n
            self.symbols[i] = merged
        self.pairs.pop(pair, None)
        return changed - {pair}


class Vocabulary:
    """The base symbols (bytes, or the training text's characters plus one unknown) and the
    merges learned so far: merge k makes the token with id `base + k`."""

    def __init__(self, base: str, alphabet: str = ""):
        self.kind = base
        self.alphabet = alphabet
        self.index = {c: i for i, c in enumerate(alphabet)}
        self.base = 256 if base == "bytes" else len(alphabet) + 1  # + the unknown character
        self.pieces: list[str | bytes] = (
            [bytes([b]) for b in range(256)] if base == "bytes" else [*alphabet, "\ufffd"])
        self.merges: list[Pair] = []
        self.ranks: dict[Pair, int] = {}

    def __len__(self) -> int:
        return len(self.pieces)

    def symbols(self, word: str) -> tuple[int, ...]:
        if self.kind == "bytes":
            return tuple(word.encode("utf-8"))
        unknown = self.base - 1
        return tuple(self.index.get(c, unknown) for c in word)

    def add(self, pair: Pair) -> int:
        new = len(self.pieces)
        self.ranks[pair] = len(self.merges)
        self.merges.append(pair)
        self.pieces.append(self.pieces[pair[0]] + self.pieces[pair[1]])
        return new

    def encode(self, text: str, size: int | None = None) -> list[int]:
        """`text` as token ids using the merges that fit a vocabulary of `size` (all by default):
        in each pre-token, merge the earliest-learned pair present until none is left."""
        limit = len(self.merges) if size is None else size - self.base
        ids = []
        for word in pre_tokens(text):
            symbols = list(self.symbols(word))
            while len(symbols) > 1:
                pair = min(pairwise(symbols), key=lambda p: self.ranks.get(p, math.inf))
                rank = self.ranks.get(pair, math.inf)
                if rank >= limit:
                    break
                symbols = merge_pair(symbols, pair, self.base + rank)
            ids.extend(symbols)
        return ids

    def show(self, token: int) -> str:
        """A token as readable text: spaces as ␣, newlines as ⏎, a partial character as its bytes."""
        piece = self.pieces[token]
        text = piece.decode("utf-8", errors="backslashreplace") if isinstance(piece, bytes) else piece
        return text.replace(" ", "␣").replace("\n", "⏎")


def best_pair(heap: list[tuple[int, Pair]], pairs: Counter[Pair]) -> tuple[Pair, int] | None:
    """The most frequent pair (ties: the smallest ids) from a heap that may hold stale counts."""
    while heap:
        negative, pair = heapq.heappop(heap)
        if pairs.get(pair, 0) == -negative:
            return pair, -negative
    return None


class Learner:
    """BPE training: merge the most frequent pair of the training words, apply the same merge to
    the held-out words, repeat. A heap keeps the pairs by count; a count that changes is pushed
    again and the outdated entry skipped when it comes up."""

    def __init__(self, vocab: Vocabulary, training: str, held_out: str):
        self.vocab = vocab
        self.train_words = WordTable(Counter(vocab.symbols(w) for w in pre_tokens(training)))
        self.test_words = WordTable(Counter(vocab.symbols(w) for w in pre_tokens(held_out)))
        self.counts: list[int] = []  # how often each merged pair occurred when it was merged
        self.heap: list[tuple[int, Pair]] = []

    def apply(self, pair: Pair, count: int) -> None:
        new = self.vocab.add(pair)
        self.counts.append(count)
        for p in self.train_words.merge(pair, new):
            if self.train_words.pairs[p] > 0:
                heapq.heappush(self.heap, (-self.train_words.pairs[p], p))
        self.test_words.merge(pair, new)

    def replay(self, merges: list[list[int]], counts: list[int]) -> None:
        """Apply merges learned before (from a checkpoint), then rank the pairs afresh."""
        for (a, b), n in zip(merges, counts, strict=True):
            self.apply((a, b), n)
        self.heap = [(-n, pair) for pair, n in self.train_words.pairs.items() if n > 0]
        heapq.heapify(self.heap)

    def step(self) -> bool:
        """Learn one merge; False when no pair occurs twice (one seen once would only memorise
        a word)."""
        found = best_pair(self.heap, self.train_words.pairs)
        if found is None or found[1] < 2:
            return False
        self.apply(*found)
        return True


def split_table(vocab: Vocabulary, sizes: list[int]) -> str:
    """How the sample words and sentence split at each vocabulary size in `sizes`."""
    lines = []
    for sample in (*SAMPLE_WORDS, SAMPLE_SENTENCE):
        lines.append(sample if sample in SAMPLE_WORDS else f"sentence: {sample}")
        for size in sizes:
            ids = vocab.encode(sample, size)
            count = f"{len(ids)} token" + ("s" if len(ids) > 1 else "")
            lines.append(f"  {size:>6,}  {'|'.join(vocab.show(t) for t in ids)}   ({count})")
    return "\n".join(lines)


def merges_table(vocab: Vocabulary, counts: list[int], first: int = 15, last: int = 10) -> str:
    """The first (most frequent) merges and the latest ones, with how often each pair occurred."""
    def row(k: int) -> str:
        a, b = vocab.merges[k]
        return (f"  {vocab.base + k:>6,}  {vocab.show(a)} + {vocab.show(b)} → {vocab.show(vocab.base + k)}"
                f"   ({counts[k]:,}×)")
    lines = ["Most frequent merges (the first learned):", *(row(k) for k in range(min(first, len(counts))))]
    if len(counts) > first:
        lines += ["Latest merges (rarer, longer pieces):",
                  *(row(k) for k in range(max(first, len(counts) - last), len(counts)))]
    return "\n".join(lines)


def split_texts(cfg: BpeConfig, session: engine.Session) -> tuple[str, str]:
    """(training text, held-out text): every track but `cfg.held_out`, and that one."""
    tracks = track_texts(session.resources_dir)
    if not tracks.get(cfg.held_out, "").strip():
        raise LabConfigError("held_out", f"there are no lessons in the {cfg.held_out!r} track; "
                                         f"tracks with lessons: {', '.join(sorted(tracks))}")
    training = "\n\n".join(text for track, text in tracks.items() if track != cfg.held_out)
    if not training.strip():
        raise LodestarError("no lesson text is left to learn from once the held-out track is removed")
    return training, tracks[cfg.held_out]


def train(cfg: BpeConfig, session: engine.Session) -> Iterator[LabEvent]:
    training, held_out = split_texts(cfg, session)
    vocab = Vocabulary(cfg.base, "".join(sorted(set(training))) if cfg.base == "characters" else "")
    learner = Learner(vocab, training, held_out)
    state = session.resume_state()
    epoch = 0 if state is None else state["epoch"]
    if state is not None and (state.get("base"), state.get("alphabet")) != (cfg.base, vocab.alphabet):
        raise CheckpointError("the checkpoint's merges start from another base vocabulary "
                              "(bytes or characters) or from another lesson text")
    learner.replay(*((state["merges"], state["counts"]) if state else ([], [])))
    yield Started(session.lab, "", len(vocab) + (cfg.epochs - epoch) * cfg.merges_per_epoch, {})
    yield Log(describe_data(vocab, training, held_out, cfg.held_out, len(learner.train_words.counts)))
    yield Log("What to look for in the curves: tokens per character against vocabulary size (the step "
              "axis). Each merge shortens the text; the held-out curve follows the training one down, "
              "and the gains shrink as the merges become rarer, longer pieces.")

    def measure(epoch: int) -> Iterator[Metric]:
        step = len(vocab)  # the curves' x axis: vocabulary size
        yield Metric(step, epoch, "train/tokens_per_char", learner.train_words.tokens / len(training))
        yield Metric(step, epoch, "heldout/tokens_per_char", learner.test_words.tokens / len(held_out))

    if state is None:
        yield from measure(0)
    sizes = [vocab.base, *([len(vocab)] if learner.counts else [])]
    exhausted = False
    while epoch < cfg.epochs and not exhausted and not session.stopped:
        epoch += 1
        for _ in range(cfg.merges_per_epoch):
            if session.stopped:
                break
            if not learner.step():
                exhausted = True
                yield Log(f"No pair of tokens occurs twice any more: stopped at {len(vocab):,} tokens.")
                break
            yield from measure(epoch)
        sizes.append(len(vocab))
        shown = sizes if len(sizes) <= 5 else [sizes[round(i * (len(sizes) - 1) / 4)] for i in range(5)]
        text = ("What to look for: as the vocabulary grows, frequent words become one token and rare "
                "words stay in a few familiar pieces.\n\n" + split_table(vocab, shown) + "\n\n"
                + merges_table(vocab, learner.counts))
        yield Visual("text", "how words split as the vocabulary grows", None, len(vocab), {"text": text})

    held_out_rate = learner.test_words.tokens / len(held_out)
    train_rate = learner.train_words.tokens / len(training)
    raw = sum(len(vocab.symbols(w)) for w in pre_tokens(held_out)) / len(held_out)
    yield Log(f"What just happened: {len(learner.counts):,} merges grew the vocabulary from {vocab.base} "
              f"to {len(vocab):,} tokens. The unseen {cfg.held_out!r} lessons now take {held_out_rate:.3f} "
              f"tokens per character ({1 / held_out_rate:.2f} characters per token) against {raw:.3f} "
              f"with the base vocabulary alone, and the training text {train_rate:.3f}: the difference "
              "shows how well merges learned on some lessons carry over to others.")
    yield from engine.save_parts(session, len(vocab), epoch, {
        "base": cfg.base, "alphabet": vocab.alphabet, "merges": [list(p) for p in vocab.merges],
        "counts": learner.counts})
    return {"metrics": {"heldout/tokens_per_char": held_out_rate, "train/tokens_per_char": train_rate,
                        "vocabulary": float(len(vocab))},
            "target_reached": held_out_rate <= TARGET_TOKENS_PER_CHAR}


def describe_data(vocab: Vocabulary, training: str, held_out: str, track: str, words: int) -> str:
    base = ("byte values" if vocab.kind == "bytes" else
            f"characters of the training text and one for any other; "
            f"{sum(c not in vocab.index for c in held_out):,} held-out characters are unknown")
    return (f"Learning on {len(training):,} characters of lessons ({words:,} distinct words); measuring "
            f"on the {len(held_out):,} characters of the {track!r} track, kept out of training. "
            f"Base vocabulary: {vocab.base} {base}.")
