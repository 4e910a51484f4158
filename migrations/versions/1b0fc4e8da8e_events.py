"""events: the event an outbox message is about

Mail about an event (registration states, the organisers' messages, changes and cancellation)
carries the event's id, so its organisers can follow delivery on the event's mail page.

Revision ID: 1b0fc4e8da8e
Revises: 4c607727e295
Create Date: 2026-11-23 03:47:44.002083

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1b0fc4e8da8e'
down_revision = '4c607727e295'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_event_id_events'), 'events', ['event_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_event_id_events'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_event_id'))
        batch_op.drop_column('event_id')
