"""jobs: long work done by the task-queue worker, with progress, heartbeat, attempts and result

Revision ID: c16_jobs
Revises: c15_question_clarification
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa

import dialogue.models.base


# revision identifiers, used by Alembic.
revision = 'c16_jobs'
down_revision = 'c15_question_clarification'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('cursor', sa.JSON(), nullable=True),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=300), nullable=False),
        sa.Column('result_url', sa.String(length=500), nullable=True),
        sa.Column('result_file', sa.String(length=300), nullable=True),
        sa.Column('result_name', sa.String(length=200), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('heartbeat_at', dialogue.models.base.UTCDateTime(), nullable=True),
        sa.Column('created_at', dialogue.models.base.UTCDateTime(), nullable=False),
        sa.Column('started_at', dialogue.models.base.UTCDateTime(), nullable=True),
        sa.Column('finished_at', dialogue.models.base.UTCDateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_jobs_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_jobs_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_heartbeat', ['status', 'heartbeat_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_event_id'), ['event_id'], unique=False)


def downgrade():
    op.drop_table('jobs')
