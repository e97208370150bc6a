"""how many new review cards a profile is introduced to a day

`profiles.new_cards_per_day` caps the cards never answered that the review queue offers in one
study day (Anki's "new cards/day"); 20 unless the learner chooses otherwise, existing profiles
included.

Revision ID: 0012_new_cards_per_day
Revises: 0011_use_pace
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_new_cards_per_day'
down_revision: str | None = '0011_use_pace'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_cards_per_day', sa.Integer(), server_default='20',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('new_cards_per_day')
