"""Records of the review page: a self-check card with its lesson's words, and the deck's figures.

Moments are timezone-aware (UTC as stored). Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from planner.core.progress import CardRef, CardState


@dataclass(frozen=True)
class ReviewCard:
    """A card of the learner's deck as the review page shows it.

    `topic` and `index` identify it (the `index`th card of the topic's front matter); `state`
    is its scheduling state, which `review_preview` and `grade_card` work from; `due` repeats
    the state's due moment.
    """

    topic: str
    index: int
    topic_title: str
    question: str
    answer: str
    due: datetime
    state: CardState

    @property
    def ref(self) -> CardRef:
        return CardRef(self.topic, self.index)

    @property
    def is_new(self) -> bool:
        """Never answered yet."""
        return self.state.fsrs.get("last_review") is None


@dataclass(frozen=True)
class ReviewStats:
    """The deck at a glance.

    `due_today` counts cards due by the end of the learner's current study day and
    `reviewed_today` the answers given since it began. `retention` is the share of the last 30
    days' answers not graded Again (None when there were none), over `reviews_30_days` answers.
    `next_due` is when the earliest card of the deck comes due (None for an empty deck).
    """

    due_today: int
    reviewed_today: int
    total_cards: int
    retention: float | None
    reviews_30_days: int
    next_due: datetime | None
