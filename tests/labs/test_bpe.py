"""The BPE tokeniser lab: its bookkeeping matches counting afresh, encoding replays the merges
and loses nothing, and a run reports the compression curve, the splits and the merges."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
import torch

from planner.core.errors import LabConfigError
from planner.labs import engine, lab_info, with_settings
from planner.labs.bpe import Vocabulary, WordTable, best_pair, merge_pair, pre_tokens
from tests.labs.conftest import run_inline

TINY = {"epochs": 2, "merges_per_epoch": 15}
TEXT = "low lower lowest newer newest wider widest naïve, 1234 the  the\n\nthe end_of_line!"


def learn(vocab: Vocabulary, text: str, merges: int) -> WordTable:
    """Learn up to `merges` merges on `text`, the lab's way."""
    table = WordTable(Counter(vocab.symbols(w) for w in pre_tokens(text)))
    for _ in range(merges):
        heap = [(-n, p) for p, n in table.pairs.items() if n > 0]  # fresh each time: no staleness
        found = best_pair(sorted(heap), table.pairs)
        if found is None:
            break
        table.merge(found[0], vocab.add(found[0]))
    return table


def test_pre_tokens_join_back_into_the_text():
    assert "".join(pre_tokens(TEXT)) == TEXT
    assert pre_tokens("the cat's 42") == ["the", " cat", "'s", " 42"]


def test_merge_pair_replaces_left_to_right():
    assert merge_pair([1, 1, 1, 2, 1, 1], (1, 1), 9) == [9, 1, 2, 9]


def test_incremental_pair_counts_equal_counting_afresh():
    vocab = Vocabulary("bytes")
    table = learn(vocab, TEXT * 3, 25)
    fresh: Counter = Counter()
    for symbols, n in zip(table.symbols, table.counts, strict=True):
        for pair in pairwise(symbols):
            fresh[pair] += n
    assert {p: n for p, n in table.pairs.items() if n} == +fresh
    assert table.tokens == sum(len(s) * n for s, n in zip(table.symbols, table.counts, strict=True))


def test_encoding_replays_the_merges_and_round_trips():
    vocab = Vocabulary("bytes")
    table = learn(vocab, TEXT, 20)
    ids = vocab.encode(TEXT)
    assert len(ids) == table.tokens  # encoding new text = the merges applied in training order
    assert b"".join(vocab.pieces[i] for i in ids).decode("utf-8") == TEXT
    assert len(vocab.encode(TEXT, size=256)) == len(TEXT.encode("utf-8"))  # no merges: bytes


def test_characters_base_maps_unseen_characters_to_one_unknown_token():
    vocab = Vocabulary("characters", "".join(sorted(set("abc "))))
    assert vocab.base == 5
    assert vocab.symbols("abz") == (1, 2, 4)
    assert vocab.show(4) == "\ufffd"


@pytest.mark.slow
def test_run_reports_compression_splits_and_merges():
    run = run_inline("bpe-tokeniser", **TINY)
    held_out = [m for m in run.of("Metric") if m.name == "heldout/tokens_per_char"]
    assert [m.step for m in held_out] == list(range(256, 256 + 30 + 1))  # x axis: vocabulary size
    assert held_out[0].value == pytest.approx(1.0, abs=0.01)  # bytes of mostly ASCII text
    values = [m.value for m in held_out]
    assert all(b < a for a, b in pairwise(values))  # every merge of a frequent pair compresses
    visuals = run.of("Visual")
    assert len(visuals) == 2 and all(v.kind == "text" for v in visuals)
    text = visuals[-1].meta["text"]
    assert text.startswith("What to look for")
    assert "tokenisation" in text and "sentence:" in text and "Most frequent merges" in text
    assert run.of("Log")[-1].text.startswith("What just happened")
    assert run.result["metrics"]["heldout/tokens_per_char"] == values[-1]
    assert run.result["metrics"]["vocabulary"] == 286


def test_settings_are_checked_with_clear_messages():
    info = lab_info("bpe-tokeniser")
    with pytest.raises(LabConfigError, match="held_out: 'mars' is not one of career"):
        with_settings(info.config(), {"held_out": "mars"})
    with pytest.raises(LabConfigError, match="merges_per_epoch: 0 is out of range"):
        with_settings(info.config(), {"merges_per_epoch": "0"})


def _resources(root: Path, tracks: dict[str, str]) -> Path:
    for track, text in tracks.items():
        (root / "topics" / track).mkdir(parents=True)
        (root / "topics" / track / "lesson.md").write_text(f"---\nid: {track}\n---\n{text}")
    return root


def _session(cfg, resources: Path) -> engine.Session:
    return engine.Session("bpe-tokeniser", cfg, torch.device("cpu"), engine.Control(),
                          resources_dir=resources)


def test_a_missing_held_out_track_is_named(tmp_path):
    from planner.labs import bpe

    cfg = with_settings(lab_info("bpe-tokeniser").config(), {"held_out": "vision"})
    resources = _resources(tmp_path, {"llms": "some text " * 50})
    with pytest.raises(LabConfigError, match="no lessons in the 'vision' track; tracks with lessons: llms"):
        list(bpe.train(cfg, _session(cfg, resources)))


def test_learning_stops_when_no_pair_repeats(tmp_path):
    from planner.labs import bpe

    cfg = with_settings(lab_info("bpe-tokeniser").config(), {"held_out": "vision", "epochs": 3})
    resources = _resources(tmp_path, {"llms": "abcd abcd", "vision": "abc"})
    events = []
    loop = bpe.train(cfg, _session(cfg, resources))
    while True:
        try:
            events.append(next(loop))
        except StopIteration as end:
            result = end.value
            break
    logs = [e.text for e in events if type(e).__name__ == "Log"]
    assert any("No pair of tokens occurs twice" in text for text in logs)
    assert result["metrics"]["vocabulary"] == 256 + 3  # ab, abc, abcd (then " abcd" only once)


def test_every_track_of_lessons_can_be_held_out():
    from planner.labs.catalogue import TRACKS
    from planner.labs.corpus import track_texts

    assert set(TRACKS) == set(track_texts(None))
