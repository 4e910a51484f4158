"""series and invitation lists: event series with owners and followers, an event's invitees

Events get a nullable series_id (an event belongs to at most one series) and the time the series'
followers were told of it, so they are told once.

Revision ID: c15_series_invitations
Revises: c15_groups
Create Date: 2026-12-05 22:37:59.883915

"""
from alembic import op
import sqlalchemy as sa
import dialogue.models.base


# revision identifiers, used by Alembic.
revision = 'c15_series_invitations'
down_revision = 'c15_groups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_series_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_series_slug'))
    )
    op.create_table('series_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('created_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_version', sa.String(length=32), nullable=True),
    sa.Column('consented_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_series_followers_series_id_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_series_followers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_followers')),
    sa.UniqueConstraint('series_id', 'email', name=op.f('uq_series_followers_series_id_email')),
    sa.UniqueConstraint('series_id', 'user_id', name=op.f('uq_series_followers_series_id_user_id')),
    sa.UniqueConstraint('token', name=op.f('uq_series_followers_token'))
    )
    with op.batch_alter_table('series_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_followers_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_series_followers_user_id'), ['user_id'], unique=False)

    op.create_table('series_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_series_owners_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_series_owners_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_owners')),
    sa.UniqueConstraint('series_id', 'organisation_id', name=op.f('uq_series_owners_series_id_organisation_id'))
    )
    with op.batch_alter_table('series_owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_owners_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_series_owners_series_id'), ['series_id'], unique=False)

    op.create_table('event_invitees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Enum('csv', 'series', name='invitee_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('created_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('invited_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_sent_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('opened_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('declined_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_invitees_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_invitees')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_event_invitees_event_id_email')),
    sa.UniqueConstraint('token', name=op.f('uq_event_invitees_token'))
    )
    with op.batch_alter_table('event_invitees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_invitees_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('series_announced_at', dialogue.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_events_series_id_series'), 'series', ['series_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_series_id_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_events_series_id'))
        batch_op.drop_column('series_announced_at')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('event_invitees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_invitees_event_id'))

    op.drop_table('event_invitees')
    with op.batch_alter_table('series_owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_owners_series_id'))
        batch_op.drop_index(batch_op.f('ix_series_owners_organisation_id'))

    op.drop_table('series_owners')
    with op.batch_alter_table('series_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_followers_user_id'))
        batch_op.drop_index(batch_op.f('ix_series_followers_series_id'))

    op.drop_table('series_followers')
    op.drop_table('series')
