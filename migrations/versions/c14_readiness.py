"""readiness matrix: the criteria a buyer asks the market about, the answers per organisation, the published counts

Revision ID: c14_readiness
Revises: c14_organisation_profiles
Create Date: 2026-12-05 22:08:05.929247

"""
from alembic import op
import sqlalchemy as sa
import dialogue.models.base


# revision identifiers, used by Alembic.
revision = 'c14_readiness'
down_revision = 'c14_organisation_profiles'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('readiness_matrices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intent_id', sa.Integer(), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('closes_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_aggregate', sa.JSON(), nullable=True),
    sa.Column('published_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_readiness_matrices_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['intent_id'], ['intents.id'], name=op.f('fk_readiness_matrices_intent_id_intents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_readiness_matrices_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_readiness_matrices_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_matrices')),
    sa.UniqueConstraint('intent_id', name=op.f('uq_readiness_matrices_intent_id'))
    )
    op.create_table('readiness_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matrix_id', sa.Integer(), nullable=False),
    sa.Column('intent_criterion_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('label', 'affiliation', 'selection', 'exclusion', 'technical_specification', 'award', 'contract_performance', 'human_rights_due_diligence', 'circularity', name='readiness_criterion_kind', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('subject', sa.String(length=40), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['intent_criterion_id'], ['intent_criteria.id'], name=op.f('fk_readiness_criteria_intent_criterion_id_intent_criteria'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['matrix_id'], ['readiness_matrices.id'], name=op.f('fk_readiness_criteria_matrix_id_readiness_matrices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_criteria'))
    )
    with op.batch_alter_table('readiness_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_readiness_criteria_intent_criterion_id'), ['intent_criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_readiness_criteria_matrix_id'), ['matrix_id'], unique=False)

    op.create_table('readiness_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('meets_today', 'can_meet_by', 'cannot', 'not_applicable', name='readiness_choice', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('by_date', sa.Date(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('evidence_filename', sa.String(length=255), nullable=True),
    sa.Column('evidence_mimetype', sa.String(length=127), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(choice = 'can_meet_by') = (by_date IS NOT NULL)", name=op.f('ck_readiness_answers_by_date_with_can_meet_by')),
    sa.CheckConstraint('(evidence_sha256 IS NULL) = (evidence_filename IS NULL)', name=op.f('ck_readiness_answers_evidence_file_named')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_readiness_answers_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['criterion_id'], ['readiness_criteria.id'], name=op.f('fk_readiness_answers_criterion_id_readiness_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_readiness_answers_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_answers')),
    sa.UniqueConstraint('criterion_id', 'organisation_id', name=op.f('uq_readiness_answers_criterion_id_organisation_id'))
    )
    with op.batch_alter_table('readiness_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_readiness_answers_answered_by_id'), ['answered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_readiness_answers_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_readiness_answers_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('readiness_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_readiness_answers_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_readiness_answers_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_readiness_answers_answered_by_id'))

    op.drop_table('readiness_answers')
    with op.batch_alter_table('readiness_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_readiness_criteria_matrix_id'))
        batch_op.drop_index(batch_op.f('ix_readiness_criteria_intent_criterion_id'))

    op.drop_table('readiness_criteria')
    op.drop_table('readiness_matrices')
