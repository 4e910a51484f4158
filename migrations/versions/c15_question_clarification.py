"""questions: an entry the buyer published without being asked (information given in a one-to-one meeting)

Revision ID: c15_question_clarification
Revises: c15_hybrid
Create Date: 2026-12-05 23:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c15_question_clarification'
down_revision = 'c15_hybrid'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('intent_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clarification', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The entries published from meeting minutes before this column are known by the minutes' link to them.
    op.execute("UPDATE intent_questions SET clarification = TRUE "
               "WHERE id IN (SELECT published_question_id FROM meeting_minutes WHERE published_question_id IS NOT NULL)")
    with op.batch_alter_table('intent_questions', schema=None) as batch_op:
        batch_op.alter_column('clarification', server_default=None)


def downgrade():
    with op.batch_alter_table('intent_questions', schema=None) as batch_op:
        batch_op.drop_column('clarification')
