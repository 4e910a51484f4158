"""hybrid attendance: a registrant of a hybrid event takes part in person or online, and a hybrid event
has online places beside its (in-person) capacity. Registrations of hybrid events made before the
choice existed were counted against the one capacity, the in-person one: they become in person.

Revision ID: c15_hybrid
Revises: c15_joint_networks
Create Date: 2026-12-05 23:02:55.221874

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c15_hybrid'
down_revision = 'c15_joint_networks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_capacity', sa.Integer(), nullable=True))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.Enum('in_person', 'online', name='attendance', native_enum=False, create_constraint=True, length=32), nullable=True))

    op.execute("UPDATE registrations SET attendance = 'in_person' "
               "WHERE event_id IN (SELECT id FROM events WHERE format = 'hybrid')")


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        # SQLite's batch copy would keep the column's CHECK constraint without the column.
        batch_op.drop_constraint(op.f('ck_registrations_attendance'), type_='check')
        batch_op.drop_column('attendance')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('online_capacity')
