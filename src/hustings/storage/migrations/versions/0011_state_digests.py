"""running state digests: per-table digests kept in the same transaction as every write
(issue 11, part 5; storage/digests.py); a checkpoint's origin (the log it belongs to)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 16:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """The table, and the digests of the data already there, counted afresh.

    The count uses the schema as this release defines it (storage/tables.py): a later
    migration that changes a digested table's columns must count that table again."""
    op.create_table(
        "state_digests",
        sa.Column("table_name", sa.String(length=100), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(length=512), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_state_digests")),
    )
    with op.batch_alter_table("log_checkpoints") as batch:  # the checkpoint's origin line
        batch.add_column(sa.Column("origin", sa.String(length=200), nullable=False,
                                   server_default=""))
    from hustings.storage.digests import recompute_all

    recompute_all(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("log_checkpoints") as batch:
        batch.drop_column("origin")
    op.drop_table("state_digests")
