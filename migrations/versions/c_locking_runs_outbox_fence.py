"""one scheduler run per event, held by the database; heartbeats; outbox claims fenced

- meeting_schedule_runs gets heartbeat_at (a running run writes it regularly) and a partial unique
  index: one queued or running run per event. Before the index, every active run but the newest of
  its event is marked failed (it could only be a run whose process went away).
- outbox_messages gets claim_token: the claim that holds a message's lease.

Revision ID: c_locking_runs_outbox_fence
Revises: 1aa6f4e21a40
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import dialogue.models.base


# revision identifiers, used by Alembic.
revision = 'c_locking_runs_outbox_fence'
down_revision = '1aa6f4e21a40'
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade():
    op.execute(
        "UPDATE meeting_schedule_runs SET status = 'failed', message = 'stopped without finishing' "
        f"WHERE {ACTIVE} AND id NOT IN (SELECT max(id) FROM meeting_schedule_runs WHERE {ACTIVE} "
        "GROUP BY event_id)")
    with op.batch_alter_table('meeting_schedule_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', dialogue.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('uq_meeting_schedule_runs_active_event', ['event_id'], unique=True,
                              sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('claim_token')

    with op.batch_alter_table('meeting_schedule_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_meeting_schedule_runs_active_event', sqlite_where=sa.text(ACTIVE),
                            postgresql_where=sa.text(ACTIVE))
        batch_op.drop_column('heartbeat_at')
