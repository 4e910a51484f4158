"""matching: organisers may let match scores weigh in the auto-scheduler's priorities

meeting_settings.use_match_scores is off for every event already set up: schedules already made
do not change unless an organiser turns it on.

Revision ID: c14_match_scores
Revises: c14_meeting_minutes
Create Date: 2026-12-05 22:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14_match_scores'
down_revision = 'c14_meeting_minutes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('use_match_scores', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('meeting_settings', schema=None) as batch_op:
        batch_op.drop_column('use_match_scores')
