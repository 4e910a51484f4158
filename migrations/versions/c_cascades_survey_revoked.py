"""cascades: a survey invitation can be revoked

- survey_invitations.revoked_at: set when the person's place at the event ended or the event was
  cancelled; a revoked invitation cannot be used to answer and gets no reminder.

Revision ID: c_cascades_survey_revoked
Revises: c12_role_eligibility
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import dialogue.models.base


# revision identifiers, used by Alembic.
revision = 'c_cascades_survey_revoked'
down_revision = 'c12_role_eligibility'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
