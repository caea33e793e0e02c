"""record: elections imported from articles and the tenures derived from them

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('recorded_elections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_recorded_elections_office_id_offices')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_recorded_elections_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recorded_elections')),
    sa.UniqueConstraint('slug', name=op.f('uq_recorded_elections_slug'))
    )
    op.create_table('recorded_tenures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('holder', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('election', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_recorded_tenures_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recorded_tenures')),
    sa.UniqueConstraint('office_id', 'position', name=op.f('uq_recorded_tenures_office_id'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('recorded_tenures')
    op.drop_table('recorded_elections')
