"""second factor and sign-in failures: TOTP for users, failed sign-ins counted (issue 14)

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 12:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """A user's sealed TOTP secret and the last time step used (a code works once); failed
    sign-ins, counted per user name, per client address and overall by every worker."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("totp_sealed", sa.String(length=200), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.create_table(
        "signin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_failures")),
    )
    op.create_index(op.f("ix_signin_failures_username"), "signin_failures", ["username"])
    op.create_index(op.f("ix_signin_failures_address"), "signin_failures", ["address"])
    op.create_index(op.f("ix_signin_failures_at"), "signin_failures", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signin_failures_at"), table_name="signin_failures")
    op.drop_index(op.f("ix_signin_failures_address"), table_name="signin_failures")
    op.drop_index(op.f("ix_signin_failures_username"), table_name="signin_failures")
    op.drop_table("signin_failures")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_sealed")
