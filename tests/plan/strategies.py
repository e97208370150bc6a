"""Random plan requests for the property tests, and simple reference answers to check the
scheduler against (written plainly, without the scheduler's shortcuts)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import strategies as st

from planner.core.models import PlanRequest, PlanTopic, RoleSkill, SkillLevel, TopicStatus

SKILLS = ("calculus", "coding", "ethics", "probability", "statistics", "vision")
LABS = ("cnn", "gan", "mlp", "vae")
SETTLED = (TopicStatus.DONE, TopicStatus.SKIPPED)


@st.composite
def plan_requests(draw, most_topics: int = 40) -> PlanRequest:
    """A random acyclic topic graph (prerequisites point to earlier topics only, while slugs are
    shuffled so that slug order is not graph order), targets, levels, states and settings.

    The graph comes from a seeded `random.Random` rather than one hypothesis draw per field:
    drawing ~600 values field by field made generation 80% of the suite's time. Hypothesis
    still shrinks the size, the seed and every setting."""
    count = draw(st.integers(1, most_topics))
    rng = random.Random(draw(st.integers(0, 2**32)))
    slugs = [f"topic-{n:02d}" for n in range(count)]
    rng.shuffle(slugs)
    topics = []
    ordered = rng.random() < 0.6  # a curriculum order, with ties, or none (all 0)
    for n in range(count):
        taught = rng.sample(SKILLS, rng.randint(1, 4))
        topics.append(PlanTopic(
            slug=slugs[n], title=f"Topic {slugs[n][-2:]}",
            hours=rng.choice([0.5, 1.0, 2.0, 4.25, 8.0]) if rng.random() < 0.4 else rng.uniform(0.5, 30.0),
            prerequisites=tuple(slugs[p] for p in rng.sample(range(n), min(n, rng.randint(0, 4)))),
            skills=tuple(SkillLevel(s, rng.randint(1, 5)) for s in taught),
            labs=tuple(rng.sample(LABS, rng.choice([0, 0, 1, 2]))),
            sections=_shares(rng),
            order=rng.randint(0, count // 2) if ordered else 0,
        ))
    # Some labs say which lessons they follow: lessons that name them, or any others.
    lab_after = {lab: tuple(rng.sample(slugs, min(count, rng.randint(1, 2))))
                 for lab in LABS if rng.random() < 0.4}
    taught_skills = sorted({s.skill for t in topics for s in t.skills})
    wanted = set(rng.sample(taught_skills, rng.randint(1, len(taught_skills))))
    if rng.random() < 0.05:
        wanted.add("unteachable")  # now and then a skill no topic teaches
    targets = tuple(RoleSkill(s, rng.randint(1, 5), rng.choice([0.25, 0.5, 0.7, 1.0, 1.5]))
                    for s in sorted(wanted))
    levels = {s: rng.randint(0, 3) for s in rng.sample(SKILLS, rng.randint(0, 2))}
    statuses = list(TopicStatus)
    states = {t.slug: rng.choice(statuses) for t in topics if rng.random() < 0.25}
    spent = {slug: rng.uniform(0, 40) for slug, state in sorted(states.items())
             if state is TopicStatus.IN_PROGRESS and rng.random() < 0.5}
    start = draw(st.dates(date(2026, 1, 1), date(2027, 12, 31)))
    today = start + timedelta(days=draw(st.integers(-10, 60)))
    target_date = draw(st.one_of(st.none(), st.integers(0, 300).map(lambda n: today + timedelta(days=n))))
    return PlanRequest(
        topics=tuple(topics), targets=targets, levels=levels, states=states,
        hours_per_week=draw(st.one_of(st.sampled_from([1.0, 3.0, 5.0, 10.0]), st.floats(1.0, 40.0))),
        study_days=tuple(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))),
        start=start, today=today, target_date=target_date,
        review_share=draw(st.one_of(st.just(0.0), st.just(0.15), st.floats(0.0, 0.9))),
        lab_hours=draw(st.sampled_from([0.5, 1.0, 2.0, 12.0])),
        spent=spent,
        lab_after=lab_after,
    )


def current_levels(request: PlanRequest) -> dict[str, int]:
    levels = dict(request.levels)
    for topic in request.topics:
        if request.states.get(topic.slug) is TopicStatus.DONE:
            for s in topic.skills:
                levels[s.skill] = max(levels.get(s.skill, 0), s.level)
    return levels


def open_gaps(request: PlanRequest) -> dict[str, tuple[int, int, float]]:
    """Skill -> (current, target, weight) for the targets not yet met."""
    levels = current_levels(request)
    return {t.skill: (levels.get(t.skill, 0), t.target, t.weight) for t in request.targets
            if t.target > levels.get(t.skill, 0)}


def unteachable(request: PlanRequest) -> list[str]:
    """Gap skills that no topic teaches above the learner's level."""
    return [skill for skill, (current, _, _) in open_gaps(request).items()
            if not any(s.skill == skill and s.level > current for t in request.topics for s in t.skills)]


def rungs(request: PlanRequest) -> dict[tuple[str, int], set[str]]:
    """(skill, level) -> the topics teaching the skill at exactly that level, for each level a
    gap climbs: every taught level above the learner's up to the target, or where none reaches
    the target, the lowest level above it."""
    found = {}
    for skill, (current, target, _) in open_gaps(request).items():
        taught = sorted({s.level for t in request.topics for s in t.skills if s.skill == skill})
        steps = [level for level in taught if current < level <= target]
        if max(steps, default=0) < target:
            steps += [level for level in taught if level > target][:1]
        for level in steps:
            found[(skill, level)] = {t.slug for t in request.topics
                                     if any(s.skill == skill and s.level == level for s in t.skills)}
    return found


def closure(request: PlanRequest, slugs: set[str], labs: bool = True) -> set[str]:
    """`slugs` and their prerequisites, direct or not, and (with `labs`) the lessons that the
    labs of all of these come after, with theirs: those that are neither done nor skipped."""
    by_slug = {t.slug: t for t in request.topics}
    planned = {slug for slug in slugs if request.states.get(slug) not in SETTLED}
    stack = list(planned)
    while stack:
        topic = by_slug[stack.pop()]
        before_labs = [s for lab in topic.labs if labs and lab not in request.labs_done
                       for s in request.lab_after.get(lab, ()) if s in by_slug]
        for p in [*topic.prerequisites, *before_labs]:
            if p not in planned and request.states.get(p) not in SETTLED:
                planned.add(p)
                stack.append(p)
    return planned


def _shares(rng: random.Random) -> tuple[float, ...]:
    """Section shares of a lesson: none (undivided), or 2-12 sections of uneven lengths."""
    if rng.random() < 0.25:
        return ()
    weights = [rng.choice([0.02, 0.1, 0.3]) if rng.random() < 0.2 else rng.uniform(0.5, 3.0)
               for _ in range(rng.randint(2, 12))]
    total = sum(weights)
    return tuple(w / total for w in weights)


def lab_places(request: PlanRequest, planned: set[str]) -> dict[str, set[str]]:
    """Planned lab -> the planned lessons it waits for: its `lab_after` lessons that are planned,
    or else every planned lesson that names it (completed labs are not planned)."""
    places: dict[str, set[str]] = {}
    for topic in request.topics:
        if topic.slug in planned:
            for lab in topic.labs:
                if lab not in request.labs_done:
                    places.setdefault(lab, set()).add(topic.slug)
    for lab in places:
        after = set(request.lab_after.get(lab, ())) & planned
        places[lab] = after or places[lab]
    return places


def expected_hours(request: PlanRequest, slug: str) -> float:
    topic = next(t for t in request.topics if t.slug == slug)
    if request.states.get(slug) is TopicStatus.IN_PROGRESS and slug in request.spent:
        return max(topic.hours - request.spent[slug], 0.25 * topic.hours)
    return topic.hours


def priority(request: PlanRequest, planned: set[str]) -> dict[str, tuple[int, float, int, str]]:
    """Slug -> sort key (curriculum order, −gap weight, −planned topics it unlocks, slug);
    smaller goes first."""
    gaps = open_gaps(request)
    by_slug = {t.slug: t for t in request.topics}
    keys = {}
    for slug in planned:
        weight = 0.0
        for s in by_slug[slug].skills:
            if s.skill in gaps:
                current, target, w = gaps[s.skill]
                weight += w * max(0, min(s.level, target) - current)
        unlocked, frontier = set(), [slug]
        while frontier:
            here = frontier.pop()
            for other in planned:
                if here in by_slug[other].prerequisites and other not in unlocked:
                    unlocked.add(other)
                    frontier.append(other)
        keys[slug] = (by_slug[slug].order, -weight, -len(unlocked), slug)
    return keys


def study_days_between(request: PlanRequest, first: date, last: date) -> int:
    count, day = 0, first
    while day <= last:
        count += day.weekday() in request.study_days
        day += timedelta(days=1)
    return count
