"""lessons' sections, so a plan can split a lesson where a section ends

`topics.sections` holds each lesson's `##` sections with the share of its hours they take.
The content files' hashes are forgotten, so the next start re-reads the pack and fills the
column (a sync changes no learner data).

Revision ID: 0008_lesson_sections
Revises: 0007_timezone_length
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_lesson_sections'
down_revision: str | None = '0007_timezone_length'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sections', sa.JSON(), server_default='[]', nullable=False))
    op.execute(sa.text("DELETE FROM content_files"))


def downgrade() -> None:
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_column('sections')
