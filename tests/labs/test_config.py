"""Lab settings: the ranges, choices and types a form and `--set` both obey."""

from __future__ import annotations

import dataclasses

import pytest

from planner.core.errors import LabConfigError, NotFoundError
from planner.labs import LABS, lab_info, specs, validate, with_settings
from planner.labs.catalogue import AttentionConfig, CnnConfig
from planner.labs.config import from_dict


def test_every_lab_has_a_valid_default_and_documented_settings():
    assert {lab.slug for lab in LABS} == {
        "mlp-from-scratch", "cnn", "rnn-lstm-gru", "attention", "transformer", "gan", "vae",
        "optimisers", "compression", "vit", "bpe-tokeniser", "lora", "diffusion"}
    for lab in LABS:
        validate(lab.config())
        for spec in specs(lab.config):
            assert spec.help, f"{lab.slug}.{spec.name} has no help text"
            assert spec.choices or spec.type in (bool, str) or spec.min is not None, spec.name


def test_out_of_range_value_names_field_and_range():
    with pytest.raises(LabConfigError) as info:
        with_settings(CnnConfig(), {"lr": "50"})
    assert info.value.field == "lr"
    assert str(info.value) == "lr: 50.0 is out of range: must be a number from 1e-06 to 10"


def test_wrong_choice_lists_the_choices():
    with pytest.raises(LabConfigError, match=r"task: 'shuffle' is not one of reverse, sort"):
        with_settings(AttentionConfig(), {"task": "shuffle"})


@pytest.mark.parametrize("text", ["three", "2.5", ""])
def test_integer_setting_refuses_non_integers(text):
    with pytest.raises(LabConfigError, match=r"epochs: .* is not a whole number from 1 to 1000"):
        with_settings(CnnConfig(), {"epochs": text})


def test_unknown_setting_lists_the_real_ones():
    with pytest.raises(LabConfigError, match=r"no such setting .*settings: batch_size, channels"):
        with_settings(CnnConfig(), {"learning_rate": "0.1"})


def test_parsed_values_take_the_field_type():
    cfg = with_settings(CnnConfig(), {"epochs": "3", "lr": "1e-3", "dropout": "0"})
    assert (cfg.epochs, cfg.lr, cfg.dropout) == (3, 1e-3, 0.0)
    assert isinstance(cfg.epochs, int) and isinstance(cfg.dropout, float)


def test_direct_construction_is_validated_too():
    with pytest.raises(LabConfigError, match="batch_size"):
        validate(dataclasses.replace(CnnConfig(), batch_size=0))
    with pytest.raises(LabConfigError, match="lr"):
        validate(dataclasses.replace(CnnConfig(), lr=float("nan")))


def test_round_trip_through_a_dict_ignores_retired_keys():
    cfg = with_settings(CnnConfig(), {"epochs": "4"})
    assert from_dict(CnnConfig, {**dataclasses.asdict(cfg), "retired": 1}) == cfg


def test_unknown_lab_lists_the_labs():
    with pytest.raises(NotFoundError, match="no lab called 'resnet'; labs: mlp-from-scratch, cnn"):
        lab_info("resnet")
