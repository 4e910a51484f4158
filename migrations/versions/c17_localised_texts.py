"""texts of events, agenda sessions and planned tenders in further languages

Revision ID: c17_localised_texts
Revises: c16_jobs
Create Date: 2026-12-06 01:40:47

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c17_localised_texts'
down_revision = 'c16_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intent_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intent_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['intent_id'], ['intents.id'], name=op.f('fk_intent_texts_intent_id_intents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intent_texts')),
    sa.UniqueConstraint('intent_id', 'locale', name=op.f('uq_intent_texts_intent_id_locale'))
    )
    with op.batch_alter_table('intent_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intent_texts_intent_id'), ['intent_id'], unique=False)

    op.create_table('event_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_texts_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_texts')),
    sa.UniqueConstraint('event_id', 'locale', name=op.f('uq_event_texts_event_id_locale'))
    )
    with op.batch_alter_table('event_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_texts_event_id'), ['event_id'], unique=False)

    op.create_table('agenda_session_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_sessions.id'], name=op.f('fk_agenda_session_texts_session_id_agenda_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_session_texts')),
    sa.UniqueConstraint('session_id', 'locale', name=op.f('uq_agenda_session_texts_session_id_locale'))
    )
    with op.batch_alter_table('agenda_session_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_session_texts_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agenda_session_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_session_texts_session_id'))

    op.drop_table('agenda_session_texts')
    with op.batch_alter_table('event_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_texts_event_id'))

    op.drop_table('event_texts')
    with op.batch_alter_table('intent_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intent_texts_intent_id'))

    op.drop_table('intent_texts')
