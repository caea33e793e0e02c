"""ballots: ballot batches, sections, stored outcomes (issue 10)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('offices') as batch:
        batch.add_column(sa.Column('seats', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('elections') as batch:
        batch.add_column(sa.Column('returns', sa.String(length=20), server_default='sheets',
                                   nullable=False))
        batch.add_column(sa.Column('sections', sa.JSON(), nullable=True))
    with op.batch_alter_table('precincts') as batch:
        batch.add_column(sa.Column('section', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('points', sa.Integer(), nullable=True))
    op.create_table('ballot_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('precinct_id', sa.Integer(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('rankings', sa.LargeBinary(), nullable=False),
    sa.Column('counts', sa.LargeBinary(), nullable=False),
    sa.Column('overvote_sets', sa.JSON(), nullable=False),
    sa.Column('ballots', sa.BigInteger(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('entered_by', sa.String(length=100), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_ballot_batches_poll_id_polls')),
    sa.ForeignKeyConstraint(['precinct_id'], ['precincts.id'], name=op.f('fk_ballot_batches_precinct_id_precincts')),
    sa.ForeignKeyConstraint(['voided_by'], ['rulings.id'], name=op.f('fk_ballot_batches_voided_by_rulings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_batches'))
    )
    op.create_index('ix_ballot_batches_poll_precinct', 'ballot_batches', ['poll_id', 'precinct_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_ballot_batches_poll_precinct', table_name='ballot_batches')
    op.drop_table('ballot_batches')
    with op.batch_alter_table('precincts') as batch:
        batch.drop_column('points')
        batch.drop_column('section')
    with op.batch_alter_table('elections') as batch:
        batch.drop_column('sections')
        batch.drop_column('returns')
    with op.batch_alter_table('offices') as batch:
        batch.drop_column('seats')
