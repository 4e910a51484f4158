"""calendar: each registration remembers how far the person's own calendar entry has moved on

registrations.invitation_sequence is added to the event's SEQUENCE in the invitations and
cancellations a person gets. Registrations already there stay empty, which reads as 0: the
entries they were sent carried the event's SEQUENCE alone.

Revision ID: c_calendar_invitation_sequence
Revises: c_cascades_survey_revoked
Create Date: 2026-12-04 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c_calendar_invitation_sequence'
down_revision = 'c_cascades_survey_revoked'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_sequence', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('invitation_sequence')
