"""whether a profile's plans use the learner's own pace

`profiles.use_pace`: plans scale the remaining lessons' hours by the pace measured from the
study time logged on finished topics (on by default; a learner can turn it off).

Revision ID: 0011_use_pace
Revises: 0010_role_levels
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_use_pace'
down_revision: str | None = '0010_role_levels'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('use_pace', sa.Boolean(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('use_pace')
