"""scheduler runs keep the source of their message, translated when shown

Revision ID: c19_schedule_message_sources
Revises: c18_job_message_sources
Create Date: 2026-12-06 08:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c19_schedule_message_sources'
down_revision = 'c18_job_message_sources'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_schedule_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_source', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_schedule_runs', schema=None) as batch_op:
        batch_op.drop_column('message_source')
