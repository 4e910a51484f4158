"""role eligibility: the role a person registers in follows their organisation's kind

- registrations get the organisers' exception to that rule (reason, who, when) and
  role_flagged_at, the time a registration was found not to fit the rule.
- Active registrations (pending, confirmed, waitlisted) whose role does not fit their organisation's
  kind are flagged, not changed: the organisers decide (grant an exception, change the role or
  cancel). A flagged registration does not act as a buyer. Ended registrations are left as they are.

The rule is copied here as it stands at this revision, so later changes to the code do not change
what this migration did.

Revision ID: c12_role_eligibility
Revises: c_locking_runs_outbox_fence
Create Date: 2026-12-04 21:52:48.987882

"""
from alembic import op
import sqlalchemy as sa
import dialogue.models.base


# revision identifiers, used by Alembic.
revision = 'c12_role_eligibility'
down_revision = 'c_locking_runs_outbox_fence'
branch_labels = None
depends_on = None

# organisation kind -> the roles it may register in
ALLOWED_ROLES = {
    "public_buyer": ("buyer", "observer", "speaker"),
    "network": ("buyer", "observer", "speaker"),
    "supplier": ("supplier", "speaker"),
    "manufacturer": ("supplier", "speaker"),
    "reseller": ("reseller", "speaker"),
    "civil_society": ("observer", "speaker"),
    "other": ("observer", "speaker"),
}


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_exception_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('role_exception_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('role_exception_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('role_flagged_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registrations_role_exception_by_id_users'), 'users', ['role_exception_by_id'], ['id'], ondelete='SET NULL')

    fitting = " OR ".join(f"(o.kind = '{kind}' AND registrations.role IN ({_quoted(roles)}))"
                          for kind, roles in ALLOWED_ROLES.items())
    op.execute(
        "UPDATE registrations SET role_flagged_at = CURRENT_TIMESTAMP "
        "WHERE state IN ('pending', 'confirmed', 'waitlisted') AND organisation_id IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = registrations.organisation_id AND ({fitting}))")


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registrations_role_exception_by_id_users'), type_='foreignkey')
        batch_op.drop_column('role_flagged_at')
        batch_op.drop_column('role_exception_at')
        batch_op.drop_column('role_exception_by_id')
        batch_op.drop_column('role_exception_reason')
