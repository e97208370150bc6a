"""content tables, profiles and topic states

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22 17:47:06.278080
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001_initial'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conference_series',
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=8), nullable=False),
    sa.Column('ccf_rank', sa.String(length=4), nullable=True),
    sa.Column('core_rank', sa.String(length=4), nullable=True),
    sa.Column('thcpl_rank', sa.String(length=4), nullable=True),
    sa.Column('dblp', sa.String(length=120), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_conference_series_slug'))
    )
    op.create_table('content_files',
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('synced_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('path', name=op.f('pk_content_files'))
    )
    op.create_table('labs',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labs')),
    sa.UniqueConstraint('slug', name=op.f('uq_labs_slug'))
    )
    op.create_table('profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('target_role', sa.String(length=120), nullable=True),
    sa.Column('hours_per_week', sa.Float(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profiles')),
    sa.UniqueConstraint('name', name=op.f('uq_profiles_name'))
    )
    op.create_table('readings',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('venue', sa.Text(), nullable=False),
    sa.Column('arxiv', sa.String(length=40), nullable=True),
    sa.Column('doi', sa.String(length=200), nullable=True),
    sa.Column('isbn', sa.String(length=20), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readings')),
    sa.UniqueConstraint('slug', name=op.f('uq_readings_slug'))
    )
    op.create_table('roles',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('daily_work', sa.JSON(), nullable=False),
    sa.Column('advice', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roles')),
    sa.UniqueConstraint('slug', name=op.f('uq_roles_slug'))
    )
    op.create_table('skills',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skills')),
    sa.UniqueConstraint('slug', name=op.f('uq_skills_slug'))
    )
    op.create_table('tracks',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks')),
    sa.UniqueConstraint('slug', name=op.f('uq_tracks_slug'))
    )
    op.create_table('conference_editions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('link', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=20), nullable=False),
    sa.Column('dates', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['conference_series.id'], name=op.f('fk_conference_editions_series_id_conference_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_editions')),
    sa.UniqueConstraint('series_id', 'slug', name=op.f('uq_conference_editions_series_id'))
    )
    with op.batch_alter_table('conference_editions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_editions_series_id'), ['series_id'], unique=False)

    op.create_table('role_skills',
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_role_skills_role_id_roles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_role_skills_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_id', 'skill_id', name=op.f('pk_role_skills'))
    )
    with op.batch_alter_table('role_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_skills_skill_id'), ['skill_id'], unique=False)

    op.create_table('topic_states',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('topic_slug', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_topic_states_profile_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'topic_slug', name=op.f('pk_topic_states'))
    )
    op.create_table('topics',
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('difficulty', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('cards', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_topics_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('slug', name=op.f('uq_topics_slug'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topics_track_id'), ['track_id'], unique=False)

    op.create_table('conference_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['conference_editions.id'], name=op.f('fk_conference_deadlines_edition_id_conference_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_deadlines'))
    )
    with op.batch_alter_table('conference_deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_deadlines_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_deadlines_edition_id'), ['edition_id'], unique=False)

    op.create_table('topic_labs',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('lab_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lab_id'], ['labs.id'], name=op.f('fk_topic_labs_lab_id_labs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_labs_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'lab_id', name=op.f('pk_topic_labs'))
    )
    with op.batch_alter_table('topic_labs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_labs_lab_id'), ['lab_id'], unique=False)

    op.create_table('topic_prerequisites',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('prerequisite_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['prerequisite_id'], ['topics.id'], name=op.f('fk_topic_prerequisites_prerequisite_id_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_prerequisites_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'prerequisite_id', name=op.f('pk_topic_prerequisites'))
    )
    with op.batch_alter_table('topic_prerequisites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_prerequisites_prerequisite_id'), ['prerequisite_id'], unique=False)

    op.create_table('topic_readings',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('reading_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['reading_id'], ['readings.id'], name=op.f('fk_topic_readings_reading_id_readings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_readings_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'reading_id', name=op.f('pk_topic_readings'))
    )
    with op.batch_alter_table('topic_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_readings_reading_id'), ['reading_id'], unique=False)

    op.create_table('topic_skills',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_topic_skills_skill_id_skills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_skills_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'skill_id', name=op.f('pk_topic_skills'))
    )
    with op.batch_alter_table('topic_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_skills_skill_id'), ['skill_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('topic_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_skills_skill_id'))

    op.drop_table('topic_skills')
    with op.batch_alter_table('topic_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_readings_reading_id'))

    op.drop_table('topic_readings')
    with op.batch_alter_table('topic_prerequisites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_prerequisites_prerequisite_id'))

    op.drop_table('topic_prerequisites')
    with op.batch_alter_table('topic_labs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_labs_lab_id'))

    op.drop_table('topic_labs')
    with op.batch_alter_table('conference_deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_deadlines_edition_id'))
        batch_op.drop_index(batch_op.f('ix_conference_deadlines_due_at'))

    op.drop_table('conference_deadlines')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_track_id'))

    op.drop_table('topics')
    op.drop_table('topic_states')
    with op.batch_alter_table('role_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_skills_skill_id'))

    op.drop_table('role_skills')
    with op.batch_alter_table('conference_editions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_editions_series_id'))

    op.drop_table('conference_editions')
    op.drop_table('tracks')
    op.drop_table('skills')
    op.drop_table('roles')
    op.drop_table('readings')
    op.drop_table('profiles')
    op.drop_table('labs')
    op.drop_table('content_files')
    op.drop_table('conference_series')
