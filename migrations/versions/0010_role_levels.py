"""role targets at entry, mid and senior level; the level a profile aims at

`role_skills.entry` and `role_skills.mid` hold what a first job and a few years in the role ask
of a skill (NULL: the same as `target`, the senior level). `profiles.role_level` says which
level the learner's plan aims at: new profiles start at entry level; profiles that existed
before keep `senior`, so their plans ask what they asked before. The content files' hashes are
forgotten, so the next start re-reads the pack and fills the new role columns.

Revision ID: 0010_role_levels
Revises: 0009_lab_after
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_role_levels'
down_revision: str | None = '0009_lab_after'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('role_skills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mid', sa.Integer(), nullable=True))
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_level', sa.String(length=10), server_default='entry',
                                      nullable=False))
    op.execute(sa.text("UPDATE profiles SET role_level = 'senior'"))
    op.execute(sa.text("DELETE FROM content_files"))


def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('role_level')
    with op.batch_alter_table('role_skills', schema=None) as batch_op:
        batch_op.drop_column('mid')
        batch_op.drop_column('entry')
