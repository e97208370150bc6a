"""The order a teacher would insist on: each pair below is a lesson that must come before another,
because the later one uses what the earlier one teaches. Every pair is a prerequisite relation of
the shipped curriculum, and every role's beginner plan, at every level, keeps it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from planner.core.models import PlanItemKind, RoleLevel

MONDAY = date(2026, 12, 7)
TRAINING = {"backpropagation", "gradient-descent"}

BEFORE = [
    # Mathematics, then the network, then how it learns: the curriculum teaches the gradient by
    # back-propagation first and the descent that uses it after.
    ("linear-algebra", "perceptron-mlp"),
    ("linear-algebra", "backpropagation"),
    ("calculus-optimisation", "backpropagation"),
    ("probability-statistics", "information-theory"),
    ("probability-statistics", "loss-functions"),
    ("information-theory", "loss-functions"),
    ("perceptron-mlp", "activation-functions"),
    ("activation-functions", "forward-pass"),
    ("forward-pass", "backpropagation"),
    ("loss-functions", "backpropagation"),
    ("backpropagation", "gradient-descent"),
    ("gradient-descent", "initialisation-normalisation"),
    ("gradient-descent", "learning-rate-schedules"),
    # Machine-learning practice: held-out data before the numbers measured on it.
    ("probability-statistics", "learning-from-data"),
    ("learning-from-data", "data-splits"),
    ("data-splits", "evaluation-metrics"),
    ("data-splits", "cross-validation"),
    ("evaluation-metrics", "cross-validation"),
    ("evaluation-metrics", "human-evaluation"),
    ("gradient-descent", "overfitting-regularisation"),
    ("overfitting-regularisation", "hyperparameter-tuning"),
    ("cross-validation", "hyperparameter-tuning"),
    ("overfitting-regularisation", "data-augmentation"),
    # Responsible AI.
    ("data-splits", "model-agnostic-explanations"),
    ("evaluation-metrics", "model-agnostic-explanations"),
    ("evaluation-metrics", "fairness-ethics"),
    ("gradient-descent", "privacy-security"),
    ("backpropagation", "saliency-visualisation"),
    ("cnn-architectures", "saliency-visualisation"),
    # Vision.
    ("convolution", "pooling"),
    ("pooling", "fully-connected-heads"),
    ("gradient-descent", "cnn-architectures"),
    ("cnn-architectures", "transfer-learning"),
    ("transfer-learning", "object-detection"),
    ("object-detection", "image-segmentation"),
    ("transformer-architecture", "vision-transformers"),
    ("vision-transformers", "clip"),
    ("contrastive-learning", "clip"),
    # Sequences.
    ("gradient-descent", "recurrent-networks"),
    ("recurrent-networks", "vanishing-exploding-gradients"),
    ("vanishing-exploding-gradients", "lstm"),
    ("lstm", "gru"),
    ("gradient-descent", "word-embeddings"),
    ("word-embeddings", "language-modelling"),
    ("language-modelling", "seq2seq"),
    # Attention and Transformers.
    ("seq2seq", "attention-mechanisms"),
    ("word-embeddings", "attention-mechanisms"),
    ("attention-mechanisms", "multi-head-attention"),
    ("multi-head-attention", "positional-encoding"),
    ("attention-mechanisms", "transformer-architecture"),
    ("transformer-architecture", "bert-pretraining"),
    ("transformer-architecture", "gpt-few-shot"),
    ("gpt-few-shot", "scaling-laws"),
    ("language-modelling", "tokenisation"),
    ("bert-pretraining", "multilingual-models"),
    # Large language models.
    ("transformer-architecture", "parameter-efficient-fine-tuning"),
    ("instruction-tuning", "parameter-efficient-fine-tuning"),
    ("quantisation", "parameter-efficient-fine-tuning"),
    ("reinforcement-learning-basics", "rlhf"),
    ("instruction-tuning", "rlhf"),
    ("rlhf", "direct-preference-optimisation"),
    ("embeddings-vector-search", "retrieval-augmented-generation"),
    ("retrieval-augmented-generation", "evaluating-rag"),
    ("evaluation-metrics", "evaluating-rag"),
    ("evaluation-metrics", "llm-as-judge"),
    ("human-evaluation", "llm-as-judge"),
    ("data-splits", "llm-benchmarks-contamination"),
    ("evaluation-metrics", "llm-benchmarks-contamination"),
    ("evaluation-metrics", "multimodal-llms"),
    ("multi-head-attention", "kv-cache-inference"),
    ("kv-cache-inference", "speculative-decoding"),
    ("retrieval-augmented-generation", "agents-tool-use"),
    ("agents-tool-use", "agent-evaluation-failures"),
    ("evaluation-metrics", "agent-evaluation-failures"),
    # Generative models.
    ("gradient-descent", "autoencoders"),
    ("autoencoders", "variational-autoencoders"),
    ("information-theory", "variational-autoencoders"),
    ("variational-autoencoders", "diffusion-models"),
    ("diffusion-models", "diffusion-training"),
    ("diffusion-training", "diffusion-sampling-guidance"),
    ("loss-functions", "gans"),
    ("gradient-descent", "gans"),
    ("clip", "text-to-image"),
    ("diffusion-models", "text-to-image"),
    # Large models in practice.
    ("gradient-descent", "quantisation"),
    ("quantisation", "serving-cost"),
    ("transformer-architecture", "serving-cost"),
    ("transformer-architecture", "distributed-training"),
    ("gradient-descent", "knowledge-distillation"),
    ("information-theory", "knowledge-distillation"),
    # Knowledge and language.
    ("gradient-descent", "graph-neural-networks"),
    ("evaluation-metrics", "graph-neural-networks"),
    ("named-entity-recognition", "relation-extraction"),
    ("knowledge-graphs", "entity-linking"),
    ("evaluation-metrics", "text-classification"),
    ("text-classification", "named-entity-recognition"),
    ("attention-mechanisms", "machine-translation"),
    ("evaluation-metrics", "machine-translation"),
    ("machine-translation", "summarisation"),
    # Product, teaching and career: short chains of their own.
    ("how-llms-work", "llm-feature-costs"),
    ("evaluation-metrics", "framing-ml-problems"),
    ("framing-ml-problems", "ai-product-metrics"),
    ("ai-product-metrics", "communicating-uncertainty"),
    ("how-llms-work", "explaining-models"),
    ("explaining-models", "designing-ai-exercises"),
    ("designing-ai-exercises", "assessing-ai-learning"),
    ("reading-papers", "continuous-learning"),
    ("ai-roles", "building-portfolio"),
]

# Lessons written for product, business, teaching and career work: they use evaluation and
# probability, not the mathematics of training a network.
LIGHT = [
    "ai-roles", "building-portfolio", "networking", "reading-papers", "conferences-workshops",
    "continuous-learning", "how-llms-work", "llm-feature-costs", "framing-ml-problems",
    "ai-business-case", "ai-product-metrics", "communicating-uncertainty", "shipping-llm-features",
    "explaining-models", "designing-ai-exercises", "assessing-ai-learning", "fairness-ethics",
    "learning-from-data", "evaluation-metrics", "human-evaluation",
]


def closure(prerequisites: dict[str, tuple[str, ...]], slug: str) -> set[str]:
    seen: set[str] = set()
    todo = list(prerequisites[slug])
    while todo:
        slug = todo.pop()
        if slug not in seen:
            seen.add(slug)
            todo.extend(prerequisites[slug])
    return seen


@pytest.fixture
def prerequisites(synced) -> dict[str, tuple[str, ...]]:
    return {t.slug: t.prerequisites for t in synced.topics()}


def test_the_list_is_long_enough_and_names_shipped_lessons(prerequisites):
    assert len(BEFORE) >= 60 and len(set(BEFORE)) == len(BEFORE)
    named = {slug for pair in BEFORE for slug in pair} | set(LIGHT)
    assert named <= set(prerequisites), named - set(prerequisites)


def test_each_pair_is_a_prerequisite_relation(prerequisites):
    missing = [(a, b) for a, b in BEFORE if a not in closure(prerequisites, b)]
    assert not missing, missing


def test_lessons_for_non_technical_roles_stay_light(prerequisites):
    heavy = {slug: sorted(TRAINING & closure(prerequisites, slug)) for slug in LIGHT}
    assert not any(heavy.values()), {slug: needs for slug, needs in heavy.items() if needs}


@pytest.mark.parametrize("level", list(RoleLevel))
def test_every_beginners_plan_keeps_the_teaching_order(synced, level):
    for role in synced.roles():
        profile = synced.create_profile(f"{role.slug} {level}", target_role=role.slug, hours_per_week=8,
                                        start_date=MONDAY)
        profile = synced.save_profile(replace(profile, role_level=level), MONDAY)
        plan = synced.preview_plan(profile.id, today=MONDAY)
        first: dict[str, tuple[int, int]] = {}
        for week, items in enumerate(plan.weeks):
            for position, item in enumerate(items.items):
                if item.kind is PlanItemKind.LESSON:
                    first.setdefault(item.topic, (week, position))
        assert list(first) == list(dict.fromkeys(plan.topics)), (role.slug, level)
        wrong = [(a, b) for a, b in BEFORE if a in first and b in first and not first[a] < first[b]]
        assert not wrong, (role.slug, level, wrong)
