"""joint planned tenders edited together: each history entry keeps the organisation the person acted for
(the lead buyer or a partner), as it was named then; earlier entries get their author's organisation

Revision ID: c15_joint_networks
Revises: c15_series_invitations
Create Date: 2026-12-05 23:02:51.230364

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c15_joint_networks'
down_revision = 'c15_series_invitations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('intent_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_name', sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE intent_changes SET organisation_name = ("
        " SELECT organisations.name FROM memberships"
        " JOIN organisations ON organisations.id = memberships.organisation_id"
        " WHERE memberships.user_id = intent_changes.actor_id)"
        " WHERE actor_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('intent_changes', schema=None) as batch_op:
        batch_op.drop_column('organisation_name')
