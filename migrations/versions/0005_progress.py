"""progress, review, reading list and conference follows

Revision ID: 0005_progress
Revises: 0004_profiles_plans
Create Date: 2026-11-22 21:21:51.058520
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005_progress'
down_revision: str | None = '0004_profiles_plans'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('user_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('venue', sa.Text(), nullable=False),
    sa.Column('arxiv', sa.String(length=40), nullable=True),
    sa.Column('doi', sa.String(length=200), nullable=True),
    sa.Column('isbn', sa.String(length=20), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('bibtex_key', sa.String(length=120), nullable=True),
    sa.Column('entry_type', sa.String(length=40), nullable=True),
    sa.Column('month', sa.String(length=20), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_readings')),
    sa.UniqueConstraint('slug', name=op.f('uq_user_readings_slug'))
    )
    op.create_table('activity_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Float(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_activity_log_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_log'))
    )
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.create_index('ix_activity_log_profile_id_at', ['profile_id', 'at'], unique=False)

    op.create_table('cards',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('topic_slug', sa.String(length=120), nullable=False),
    sa.Column('card_index', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_cards_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'topic_slug', 'card_index', name=op.f('pk_cards'))
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cards_due_at'), ['due_at'], unique=False)

    op.create_table('conference_follows',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('series_slug', sa.String(length=120), nullable=False),
    sa.Column('followed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_conference_follows_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'series_slug', name=op.f('pk_conference_follows'))
    )
    op.create_table('reading_states',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('reading_slug', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_reading_states_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'reading_slug', name=op.f('pk_reading_states'))
    )
    op.create_table('review_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('topic_slug', sa.String(length=120), nullable=False),
    sa.Column('card_index', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_review_logs_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_logs'))
    )
    with op.batch_alter_table('review_logs', schema=None) as batch_op:
        batch_op.create_index('ix_review_logs_profile_id_reviewed_at', ['profile_id', 'reviewed_at'], unique=False)

    op.create_table('study_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('topic_slug', sa.String(length=120), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_study_sessions_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_sessions'))
    )
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_study_sessions_profile_id_started_at', ['profile_id', 'started_at'], unique=False)

    with op.batch_alter_table('conference_editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=8), server_default='pack', nullable=False))

    with op.batch_alter_table('conference_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=8), server_default='pack', nullable=False))

    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day_boundary', sa.String(length=5), server_default='04:00', nullable=False))
        batch_op.add_column(sa.Column('desired_retention', sa.Float(), server_default='0.9', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('desired_retention')
        batch_op.drop_column('day_boundary')

    with op.batch_alter_table('conference_series', schema=None) as batch_op:
        batch_op.drop_column('source')

    with op.batch_alter_table('conference_editions', schema=None) as batch_op:
        batch_op.drop_column('source')

    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_study_sessions_profile_id_started_at')

    op.drop_table('study_sessions')
    with op.batch_alter_table('review_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_review_logs_profile_id_reviewed_at')

    op.drop_table('review_logs')
    op.drop_table('reading_states')
    op.drop_table('conference_follows')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cards_due_at'))

    op.drop_table('cards')
    with op.batch_alter_table('activity_log', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_log_profile_id_at')

    op.drop_table('activity_log')
    op.drop_table('user_readings')
