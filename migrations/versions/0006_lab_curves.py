"""packed curves of ended lab runs

Each curve of a run that has ended is stored once more as two byte strings (little-endian int64
steps, float64 values, in step order), so the run history draws 100,000 points without building
100,000 row tuples. `lab_metrics` stays the record; this table is derived from it. Runs that had
already ended are packed here, with the standard library only, so this file never changes with
the application's code.

Revision ID: 0006_lab_curves
Revises: 0005_progress
Create Date: 2026-11-23 00:00:00
"""

import sys
from array import array
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_lab_curves'
down_revision: str | None = '0005_progress'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    curves = op.create_table('lab_curves',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('steps', sa.LargeBinary(), nullable=False),
    sa.Column('step_values', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['lab_runs.id'], name=op.f('fk_lab_curves_run_id_lab_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'name', name=op.f('pk_lab_curves'))
    )
    _pack_ended_runs(curves)


def _pack_ended_runs(curves: sa.Table) -> None:
    bind = op.get_bind()
    ended = bind.execute(sa.text("SELECT id FROM lab_runs WHERE status <> 'running'")).scalars().all()
    for run_id in ended:
        rows = bind.execute(sa.text(
            "SELECT name, step, value FROM lab_metrics WHERE run_id = :run "
            "ORDER BY name, step, id"), {"run": run_id}).all()
        packed: dict[str, tuple[array, array]] = {}
        for name, step, value in rows:
            steps, values = packed.setdefault(name, (array('q'), array('d')))
            steps.append(step)
            values.append(value)
        for steps, values in packed.values():
            if sys.byteorder == 'big':
                steps.byteswap()
                values.byteswap()
        if packed:
            bind.execute(curves.insert(), [
                {"run_id": run_id, "name": name, "points": len(steps), "steps": steps.tobytes(),
                 "step_values": values.tobytes()} for name, (steps, values) in packed.items()])


def downgrade() -> None:
    op.drop_table('lab_curves')
