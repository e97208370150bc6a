"""the lessons each lab comes after in a plan

`labs.after` holds the slugs of the lessons a plan puts the lab after (empty: after every lesson
that names it). The content files' hashes are forgotten, so the next start re-reads the pack and
fills the column (a sync changes no learner data).

Revision ID: 0009_lab_after
Revises: 0008_lesson_sections
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_lab_after'
down_revision: str | None = '0008_lesson_sections'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('labs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('after', sa.JSON(), server_default='[]', nullable=False))
    op.execute(sa.text("DELETE FROM content_files"))


def downgrade() -> None:
    with op.batch_alter_table('labs', schema=None) as batch_op:
        batch_op.drop_column('after')
