"""checkpoints: the log's Merkle tree, signed checkpoints, result versions pinned to the log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """The log's Merkle frontier (derived; rebuilt from the log when absent), the checkpoints
    signed by administrators (state, written by the logged command `log.checkpoint`), and the
    log's size and root at which each result version was made."""
    op.create_table(
        "log_tree",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("frontier", sa.JSON(), nullable=False),
        sa.Column("digests", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_tree")),
    )
    op.create_table(
        "log_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signer", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_checkpoints")),
        sa.UniqueConstraint("size", name=op.f("uq_log_checkpoints_size")),
    )
    with op.batch_alter_table("result_versions") as batch:
        batch.add_column(sa.Column("log_size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("log_root", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("result_versions") as batch:
        batch.drop_column("log_root")
        batch.drop_column("log_size")
    op.drop_table("log_checkpoints")
    op.drop_table("log_tree")
