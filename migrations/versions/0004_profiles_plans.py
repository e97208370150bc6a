"""profiles: second role, study days, review share, skill assessments; study plans

Revision ID: 0004_profiles_plans
Revises: 0003_search_index
Create Date: 2026-11-22 20:48:08.022820
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_profiles_plans'
down_revision: str | None = '0003_search_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('skill_assessments',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('skill_slug', sa.String(length=120), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_skill_assessments_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'skill_slug', name=op.f('pk_skill_assessments'))
    )
    op.create_table('study_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_study_plans_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_plans'))
    )
    with op.batch_alter_table('study_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_plans_profile_id'), ['profile_id'], unique=False)

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secondary_role', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('study_days', sa.String(length=20), server_default='0,1,2,3,4', nullable=False))
        batch_op.add_column(sa.Column('review_share', sa.Float(), server_default='0.15', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('review_share')
        batch_op.drop_column('study_days')
        batch_op.drop_column('secondary_role')

    with op.batch_alter_table('study_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_plans_profile_id'))

    op.drop_table('study_plans')
    op.drop_table('skill_assessments')
