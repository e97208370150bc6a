"""room for any IANA time zone name in conference editions

`conference_editions.timezone` was 20 characters: SQLite does not enforce a length, but
PostgreSQL would refuse a zone such as America/Argentina/Buenos_Aires (30). The longest IANA
name is 32 characters; 64 leaves room.

Revision ID: 0007_timezone_length
Revises: 0006_lab_curves
Create Date: 2026-11-23 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_timezone_length'
down_revision: str | None = '0006_lab_curves'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('conference_editions', schema=None) as batch_op:
        batch_op.alter_column('timezone', existing_type=sa.String(length=20),
                              type_=sa.String(length=64), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('conference_editions', schema=None) as batch_op:
        batch_op.alter_column('timezone', existing_type=sa.String(length=64),
                              type_=sa.String(length=20), existing_nullable=False)
