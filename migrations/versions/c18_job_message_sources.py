"""jobs keep the source of their message and error, translated when shown

Revision ID: c18_job_message_sources
Revises: c17_localised_texts
Create Date: 2026-12-06 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c18_job_message_sources'
down_revision = 'c17_localised_texts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_source', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('error_source', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('error_source')
        batch_op.drop_column('message_source')
